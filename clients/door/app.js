// The door screen of one room: a small display beside an exam room's door (issue 20). It shows
// the room's name and location, the doctor at work there, the number being seen, the next few
// numbers (a returning patient marked, with the kind of result they bring), a pause, in large
// type, portrait or landscape; and with a speaker it says its own room's calls. Nothing of any
// other room reaches it (server/doors.py).
//
// URL: /door/#token=<device token>  (once; kept in the browser). Optional query: ?audio=1 for a
// screen that speaks its room's calls through the browser, ?audio=bridge through the box's
// hardware bridge.
//
// The parts: texts.js (the words), flow.js (the pure decisions), views.js (what the screen
// shows), controller.js (the socket, the speaker, the rendering). This file only wires them.
import { addTexts } from "../shared/i18n.js";
import { TEXTS } from "./texts.js";
import { createDoor } from "./controller.js";

addTexts(TEXTS);

const door = createDoor(new URLSearchParams(location.search));
door.start();

// exposed for the end-to-end tests and for support staff at the console
Object.assign(window, {
  door: { announcer: door.announcer, get socket() { return door.socket; }, get state() { return door.state; } },
});
