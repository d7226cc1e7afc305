// The administrator's pages: a live dashboard (M4), the reports with charts and exports (M4,
// V6), the settings, the devices and staff, the audit log. Signs in with a staff account of the
// admin role; the websocket gives the live view. Here the parts are only wired: the texts, the
// board the socket folds, the views (view.js), and the controller that runs the effects and
// folds its actions into the state with flow.js.
import { addTexts } from "../shared/i18n.js";
import { Board } from "../shared/board.js";
import { TEXTS } from "./texts.js";
import * as view from "./view.js";
import { Controller } from "./controller.js";

addTexts(TEXTS);
const board = new Board();
const controller = new Controller(board, view);
controller.start();
Object.assign(window, { admin: { board, get ui() { return controller.state; } } });
