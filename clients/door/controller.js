// The door screen's controller: the socket (hello as a door with its token; the room's view and
// its calls come to it, nothing else), the speaker (the browser's with ?audio=1, the box's
// hardware bridge with ?audio=bridge: ../tv/announcer.js, the same plan as the hall's TVs), the
// timer that ends a call's flash, the fleet's health report, and the rendering of views.js.
import { fill, $ } from "../shared/dom.js";
import { QueueSocket } from "../shared/socket.js";
import { connectionBadge } from "../shared/badge.js";
import { deviceToken, forgetDeviceToken } from "../shared/device.js";
import { Bridge, bridgeToken } from "../shared/bridge.js";
import { reportHealth } from "../shared/fleet.js";
import { Announcer } from "../tv/announcer.js";
import * as flow from "./flow.js";
import * as views from "./views.js";

/** Build the door screen from its URL's query; start() brings it up. @param {URLSearchParams} params */
export function createDoor(params) {
  const token = deviceToken("door");
  let state = flow.initial();
  let socket = /** @type {QueueSocket|null} */ (null);
  let flashTimer = /** @type {any} */ (0);

  /** @param {flow.Action} action */
  const dispatch = (action) => { state = flow.next(state, action); };

  // ---- the speaker --------------------------------------------------------------------------
  let reports = 0;
  /** @param {string} what @param {any} item @param {string} [detail] */
  const reportPlay = (what, item, detail = "") => {
    socket?.request({ type: "report", id: `r${++reports}`, what, seq: item.seq, label: item.label, detail }, { queueOffline: false })
      .catch(() => { /* offline: nothing to tell */ });
  };
  const speakerBridge = params.get("audio") === "bridge"
    ? new Bridge(bridgeToken("queue.door.bridge"), params.get("bridge") || "ws://127.0.0.1:8765", "door/1").start()
    : null;
  const speechSettings = () => state.view?.speech || {};
  const serverNow = () => (socket ? socket.now() : Date.now() / 1000);
  const announcer = params.get("audio") === "1"
    ? new Announcer(reportPlay, null, speechSettings, serverNow)
    : speakerBridge
      ? new Announcer(reportPlay, async (item) => {
        const done = await speakerBridge.request("speaker.play", { url: new URL(item.url, location.href).href, label: item.label }, 60000);
        return done.seconds;
      }, speechSettings, serverNow)
      : null;

  function render() {
    const facts = views.doorFacts(state, Date.now());
    document.body.dataset.status = facts?.status || "";
    if (facts) fill($("#door"), views.viewDoor(facts));
  }

  /** A call at this room, live or missed while away (a resume): flash it and say it if new and recent. @param {any} msg */
  function onEvent(msg) {
    const before = state;
    const { state: after, say } = flow.heard(state, msg, serverNow(), Date.now());
    state = after;
    if (say && announcer) announcer.enqueue(msg.event.label, msg.event.counter, msg.seq, msg.at);
    if (state.flash === before.flash) return;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => { dispatch({ type: "flash_end", now: Date.now() }); render(); }, flow.FLASH_MS + 50);
    render();
  }

  function start() {
    if (!token) {
      $("#setup").hidden = false;
      fill($("#setup"), views.viewSetup());
      return;
    }
    const s = new QueueSocket({ hello: () => ({ role: "door", token }), name: "door" });
    socket = s;
    document.body.append(connectionBadge(s));
    s.on("welcome", (msg) => dispatch({ type: "welcome", room: msg.counter ?? null }));
    s.on("door", (msg) => {
      // every call up to this seq came before it: a reconnect resumes from here, even from a
      // lower seq than before (a server restarted on another database counts from 1 again)
      s.lastSeq = msg.seq;
      if (msg.server_time) s.serverOffset = msg.server_time - Date.now() / 1000;
      dispatch({ type: "view", view: msg.view });
      render();
    });
    s.on("event", onEvent);
    s.on("status", (st) => {
      if (st === "refused") {
        forgetDeviceToken("door");
        s.stop();
        location.reload();
      }
    });
    reportHealth(s, () => ({
      room: state.room,
      audio: params.get("audio") || "off",
      calls_played: announcer ? announcer.log.filter((e) => e.end > 0).reduce((n, e) => n + e.labels.length, 0) : 0,
      bridge: speakerBridge ? speakerBridge.available : null,
    }));
    s.start();
  }

  return {
    announcer, start, render,
    get socket() { return socket; },
    get state() { return state; },
  };
}
