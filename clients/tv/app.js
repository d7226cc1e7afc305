// The TV board of one zone: the counters with their current numbers and status, a large "now
// calling" panel that flashes each new call, the last calls, how many wait per service, a
// scrolling notice, the unit, the clock and the out-of-hours notice. It keeps showing the last
// state when the server is gone (the badge says so) and resumes from its last seq when it returns.
//
// URL: /tv/#token=<device token>  (once; kept in the browser). Optional query: ?layout=4x8
// (columns x rows), ?theme=mono|multi, ?zone=<code> for a device registered without a zone,
// ?audio=1 for the screen that speaks the calls of its zone (one per hall: two would echo);
// ?audio=bridge to speak them through the box's hardware bridge instead of the browser.
//
// The parts: texts.js (the words), flow.js (the pure decisions), views.js (what the board
// shows), controller.js (the state and its effects; media.js, announcer.js). This file only
// wires them.
import { addTexts, onLang } from "../shared/i18n.js";
import { TEXTS } from "./texts.js";
import { gridShape } from "./grid.js";
import { createTv } from "./controller.js";

addTexts(TEXTS);

const tv = createTv(new URLSearchParams(location.search));
onLang(() => tv.board.config && tv.renderAll());
tv.start();

// exposed for the end-to-end tests and for support staff at the console
Object.assign(window, {
  tv: { board: tv.board, gridShape, announcer: tv.announcer, bridge: tv.bridge, media: tv.media, get socket() { return tv.socket; }, get state() { return tv.state; } },
});
