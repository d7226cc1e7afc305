// The names the phone shows, from the configuration (GET /api/state's view.config), in the current
// language: a counter's or room's name, where it is ("Tầng 2, phòng 201"), a service's name. The
// page works without the configuration: "Quầy 4" and the service's code.
import { t, pick } from "../shared/i18n.js";

/** @param {any} config @param {number} n */
function counterOf(config, n) {
  return config?.counters?.find((/** @type {any} */ x) => x.number === n);
}

/** A counter's configured name in the current language, or "Quầy N". @param {any} config @param {number} n */
export function counterName(config, n) {
  const c = counterOf(config, n);
  return c ? pick(c.name, c.name_en) : t("counter", { n });
}

/** @param {any} config @param {string} code */
export function serviceName(config, code) {
  const s = config?.services?.find((/** @type {any} */ x) => x.code === code);
  return s ? pick(s.name, s.name_en) : code;
}

/** Where these counters are, each place once ("" when the configuration does not say).
 * @param {any} config @param {number[]} counters */
export function locationOf(config, counters) {
  const places = counters.map((n) => counterOf(config, n)).filter((c) => c?.location).map((c) => pick(c.location, c.location_en));
  return [...new Set(places)].join(" · ");
}
