// When the counter asks again where the current ticket's HIS delivery stands
// (clients/counter/his.js): soon after an action, then less often, and a bounded number of times.
import test from "node:test";
import assert from "node:assert/strict";
import { pollDelay, POLL_MS, POLLS } from "../../clients/counter/his.js";

test("after an action the counter asks again within a third of a second, then backs off to every 3 s", () => {
  assert.equal(pollDelay(0), 300, "'Đang chờ gửi HIS' lasts a moment, not 3 s");
  assert.deepEqual([1, 2, 3, 4, 5, 59].map(pollDelay), [600, 1200, 2400, 3000, 3000, 3000]);
  assert.equal(POLL_MS, 3000);
  for (let n = 1; n < POLLS; n++) assert.ok(pollDelay(n) >= pollDelay(n - 1), `no faster at ask ${n}`);
  assert.equal(pollDelay(1e9), POLL_MS, "bounded even far out");
});

test("the asks stay bounded: about three minutes in all, as before", () => {
  let total = 0;
  for (let n = 0; n < POLLS; n++) total += pollDelay(n);
  assert.ok(total > 170_000 && total <= POLLS * POLL_MS, `${total} ms`);
});
