// The self-service kiosk: choose a service, identify (typed ID or BHYT number), declare a
// priority group, get a number. Works without the hardware bridge; the chip card, QR camera,
// face capture and printer arrive with it (docs/protocol.md for the server side).
// The parts: texts.js (the words), flow.js (the pure decisions), views.js (the screens),
// controller.js (the state and its effects). This file only wires them.
import { addTexts } from "../shared/i18n.js";
import { TEXTS } from "./texts.js";
import { createKiosk } from "./controller.js";

addTexts(TEXTS);

const kiosk = createKiosk();
kiosk.render();
kiosk.start();

// exposed for the end-to-end tests and for support staff at the console
// (kiosk.state is read through a getter: the state is replaced at each action, never changed)
Object.assign(window, { kiosk });
