// Device screens (kiosk, TV, rating) tell the server they are alive and what they see of their
// devices every 30 s, and obey an administrator's remote reload (M1, docs/protocol.md).
export const VERSION = "0.1.0";
const EVERY_MS = 30_000;

/**
 * @param {import("./socket.js").QueueSocket} socket
 * @param {() => Record<string, any>} state what this screen reports about its devices
 */
export function reportHealth(socket, state) {
  let n = 0;
  const beat = () => {
    socket.request({ type: "report", id: `hb${++n}`, what: "heartbeat", version: VERSION, state: state() }, { queueOffline: false })
      .catch(() => { /* offline: the next beat tells */ });
  };
  socket.on("welcome", () => setTimeout(beat, 200));
  setInterval(beat, EVERY_MS);
  socket.on("control", (msg) => {
    if (msg.action === "reload") location.reload();
  });
}
