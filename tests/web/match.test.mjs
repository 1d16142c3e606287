// Finding options by what one types (web/js/logic/match.js): the search boxes
// that stand in for selects of many options.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matchOptions, searchText } from "../../web/js/logic/match.js";

const options = Array.from({ length: 1200 }, (_, i) => ({ value: `m${i}`, label: `Member ${String(i).padStart(4, "0")}${i % 2 ? " — admin" : ""}` }));
const haystack = options.map(searchText);

test("a blank query lists the first options and counts them all", () => {
  const { shown, total } = matchOptions(options, haystack, "  ", 50);
  assert.equal(total, 1200);
  assert.deepEqual(shown.map((o) => o.value), options.slice(0, 50).map((o) => o.value));
});

test("a query matches labels and values, case aside, in the options' order", () => {
  assert.deepEqual(matchOptions(options, haystack, "MEMBER 0599", 50).shown.map((o) => o.value), ["m599"]);
  assert.deepEqual(matchOptions(options, haystack, "m1199", 50).shown.map((o) => o.value), ["m1199"]);
  const admins = matchOptions(options, haystack, "Admin", 10);
  assert.equal(admins.total, 600);
  assert.deepEqual(admins.shown.map((o) => o.value), ["m1", "m3", "m5", "m7", "m9", "m11", "m13", "m15", "m17", "m19"]);
});

test("no query spans a label and its value, and nothing matches nothing", () => {
  // "admin" + "m1": the label ends where the value begins.
  assert.equal(matchOptions(options, haystack, "adminm1", 50).total, 0);
  assert.deepEqual(matchOptions(options, haystack, "nobody", 50), { shown: [], total: 0 });
});
