// Which ways to identify the kiosk offers (clients/kiosk/identity.js methodsOffered): a passport
// is read from its chip, so without a card reader on the bridge it would be a dead end.
import test from "node:test";
import assert from "node:assert/strict";
import { methodsOffered } from "../../clients/kiosk/identity.js";

test("the passport is offered only on a kiosk whose bridge has a card reader", () => {
  assert.deepEqual(methodsOffered(true), ["id", "bhyt", "passport", "vneid"]);
  assert.deepEqual(methodsOffered(false), ["id", "bhyt", "vneid"], "no 'Hộ chiếu / Passport' tab without a reader");
});

test("the bridge has a reader when its welcome lists one, with or without a card on it", async () => {
  const { Bridge } = await import("../../clients/shared/bridge.js");
  const welcome = (readers) => {
    const b = new Bridge("tok", "ws://127.0.0.1:1");
    b.receive({ type: "welcome", devices: { card: { readers, ok: true } } });
    return b;
  };
  assert.equal(new Bridge("tok", "ws://127.0.0.1:1").hasReader(), false, "no bridge found: no reader");
  assert.equal(welcome([]).hasReader(), false, "a bridge without a reader (reader_missing)");
  const empty = welcome([{ name: "Virtual PCD 00 00", card: false }]);
  assert.deepEqual([empty.hasReader(), empty.hasCard()], [true, false], "a reader, no passport on it yet: offered");
  const none = new Bridge("tok", "ws://127.0.0.1:1");
  none.receive({ type: "welcome", devices: {} });
  assert.equal(none.hasReader(), false);
});
