// The counter page (tablet or keyboard): sign in, choose the counter, call and serve patients.
// Every button sends one command of docs/protocol.md; the server decides and the screen shows
// what it answered (an error in the staff's language, or the new state through the events).
// The parts: texts.js (the words), flow.js (the pure decisions), views.js (the screens and
// dialogs), controller.js (the state and its effects). This file only wires them.
import { addTexts } from "../shared/i18n.js";
import { ratingTexts } from "../rating/scores.js";
import { TEXTS } from "./texts.js";
import { createCounter } from "./controller.js";

addTexts(ratingTexts);
addTexts(TEXTS);

const counter = createCounter();
counter.render();
counter.start();

// exposed for the end-to-end tests and for support staff at the console
Object.assign(window, { counterPage: { board: counter.board, get ui() { return counter.state; }, get counter() { return counter.state.counter; } } });
