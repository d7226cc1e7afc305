// The door screen's views: doorFacts turns the room's view (server/doors.py) into plain data —
// what each line says in both languages — and viewDoor builds the elements from it with
// ../shared/dom.js. They change nothing themselves; controller.js puts the result in the page.
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/** Both languages at once. @param {string} key @param {Record<string, any>} [params] @returns {[string, string]} */
export const both = (key, params) => [t(key, params, "vi"), t(key, params, "en")];

/**
 * A returning patient's mark and the kind of result they come back with (never a doctor's words).
 * @param {import("./flow.js").Entry} e
 * @returns {{mark: [string, string]|null, reason: [string, string]|null}}
 */
export function returnFacts(e) {
  if (!e.returning) return { mark: null, reason: null };
  const reason = e.after.length
    ? /** @type {[string, string]} */ ([t("door.results", { what: e.after.join(", ") }, "vi"), t("door.results", { what: e.after_en.join(", ") }, "en")])
    : null;
  return { mark: both("door.returning"), reason };
}

/**
 * What the door shows, plain data.
 * @param {import("./flow.js").DoorState} state @param {number} now ms
 */
export function doorFacts(state, now) {
  const v = state.view;
  if (!v) return null;
  const room = v.kind === "room";
  const cur = v.current;
  const flash = !!(cur && state.flash && state.flash.label === cur.label && state.flash.until > now);
  let banner = null;
  if (!v.known) banner = both("door.unknown", { room: v.room });
  else if (v.status === "paused") {
    const [vi, en] = both("door.paused");
    banner = /** @type {[string, string]} */ (v.pause_reason ? [`${vi}: ${v.pause_reason}`, `${en}: ${v.pause_reason}`] : [vi, en]);
  } else if (v.status === "closed") banner = both("door.closed");
  const more = v.waiting - v.next.length;
  return {
    title: { vi: v.name || `Phòng ${v.room}`, en: v.name_en || v.name || `Room ${v.room}` },
    location: { vi: v.location, en: v.location_en || v.location },
    doctor: v.doctor,
    status: v.known ? v.status : "unknown",
    banner,
    current: cur ? {
      label: cur.label,
      heading: cur.status === "serving" ? both(room ? "door.seeing" : "door.serving") : both("door.calling"),
      name: cur.name,
      flash,
      ...returnFacts(cur),
    } : null,
    next: v.next.map((e) => ({ label: e.label, name: e.name, ...returnFacts(e) })),
    more: more > 0 ? both("door.more", { n: more }) : null,
    empty: v.next.length ? null : both("door.nobody"),
  };
}

/** @param {[string, string]} pair @param {string} cls */
const pairEl = (pair, cls) => h(`div.${cls}`, h("span.vi", pair[0]), h("span.en", pair[1]));

/** The page's content. @param {NonNullable<ReturnType<typeof doorFacts>>} f */
export function viewDoor(f) {
  const cur = f.current;
  return [
    h("header.door-room",
      h("h1.room-name", h("span.vi", f.title.vi), f.title.en !== f.title.vi ? h("span.en", f.title.en) : null),
      f.location.vi ? h("div.room-location", h("span.vi", f.location.vi), f.location.en !== f.location.vi ? h("span.en", f.location.en) : null) : null,
      f.doctor ? h("div.room-doctor#doctor", h("span.doctor-label", both("door.doctor").join(" / ")), " ", h("span.doctor-name", f.doctor)) : null),
    f.banner ? h("div.banner#banner", { dataset: { status: f.status } }, h("span.vi", f.banner[0]), h("span.en", f.banner[1])) : null,
    h("section.current#current", { class: cur?.flash ? "flash" : "", dataset: { returning: cur?.mark ? "1" : "" } },
      cur ? [
        pairEl(cur.heading, "current-heading"),
        h("div.current-number#current-number", cur.label),
        cur.name ? h("div.current-name", cur.name) : null,
        cur.mark ? pairEl(cur.mark, "returning") : null,
        cur.reason ? pairEl(cur.reason, "return-reason") : null,
      ] : h("div.current-number#current-number", t("door.none", undefined, "vi"))),
    h("section.next",
      pairEl(both("door.next"), "next-title"),
      h("ol#next", f.next.map((e) => h("li.next-item", { dataset: { label: e.label, returning: e.mark ? "1" : "" } },
        h("span.next-number", e.label),
        e.name ? h("span.next-name", e.name) : null,
        e.mark ? h("span.returning", `${e.mark[0]} / ${e.mark[1]}`) : null,
        e.reason ? h("span.return-reason", `${e.reason[0]} / ${e.reason[1]}`) : null))),
      f.empty ? pairEl(f.empty, "next-empty") : null,
      f.more ? pairEl(f.more, "next-more") : null),
  ];
}

/** The screen of a browser not registered as a door screen. */
export const viewSetup = () => [h("h1", ...both("door.setup.title").map((s) => h("div", s))), h("p", both("door.setup.body").join(" / "))];
