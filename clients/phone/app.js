// The patient's phone, from the QR on the printed ticket (/t/<number>): where the number is now
// (people ahead, estimated wait), and the call ("go to counter N") the moment it happens, with a
// chime and a vibration. No login and no personal data: the public status of one number of
// today, pushed by the server (docs/protocol.md, "A phone following its ticket").
// The parts: texts.js (the words), flow.js (the pure model), views.js (the page), controller.js
// (the socket, the sound). This file only wires them. Relative imports resolve against this
// module's URL (/phone/app.js, as index.html loads it), not the page's (/t/<number>).
import { addTexts } from "../shared/i18n.js";
import { TEXTS } from "./texts.js";
import { createPhone } from "./controller.js";

addTexts(TEXTS);

const phone = createPhone();
phone.start();

// exposed for the end-to-end tests and for support staff at the console
Object.assign(window, { phone });
