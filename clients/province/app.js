// The province view (docs/province.md): the health department's live dashboard and reports
// across facilities, or a facility's administrator's own. Only wiring here.
import { addTexts } from "../shared/i18n.js";
import { TEXTS } from "./texts.js";
import * as views from "./views.js";
import { Controller } from "./controller.js";

addTexts(TEXTS);
const controller = new Controller(views);
controller.start();
Object.assign(window, { province: { get ui() { return controller.state; } } });
