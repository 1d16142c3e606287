import assert from "node:assert/strict";
import { test } from "node:test";
import {
  count, countsWords, formatAttributes, formatDate, formatTime, formatValue, humanize, isTimestamp, joinList, lowerFirst,
  parseAttributeValue, pluralNoun, toTimestamp,
} from "../../web/js/logic/words.js";

test("plural nouns of scope types and counts", () => {
  assert.equal(pluralNoun("account"), "accounts");
  assert.equal(pluralNoun("company"), "companies");
  assert.equal(pluralNoun("business"), "businesses");
  assert.equal(pluralNoun("repository"), "repositories");
  assert.equal(pluralNoun("service ID"), "service IDs");
  assert.equal(count(1, "permission"), "1 permission");
  assert.equal(count(12, "permission"), "12 permissions");
  assert.equal(count(2, "family", "families"), "2 families");
});

test("lists join with commas and a conjunction", () => {
  assert.equal(joinList([]), "");
  assert.equal(joinList(["A"]), "A");
  assert.equal(joinList(["A", "B"], "or"), "A or B");
  assert.equal(joinList(["A", "B", "C"]), "A, B and C");
});

test("ids, labels, times and values in words", () => {
  assert.equal(humanize("cloud_voice"), "cloud voice");
  assert.equal(humanize("postal_pin"), "postal PIN");
  assert.equal(lowerFirst("Billing account"), "billing account");
  assert.equal(lowerFirst("SIP trunk"), "SIP trunk");
  assert.equal(lowerFirst("Service ID"), "service ID");
  assert.equal(lowerFirst("Cloud Voice Express service ID"), "Cloud Voice Express service ID");
  assert.equal(formatDate("2026-12-29T09:00:00Z"), "29 Dec 2026");
  assert.equal(formatTime("2026-12-01T09:30:00Z"), "1 Dec 2026, 09:30 UTC");
  assert.equal(formatValue(true), "yes");
  assert.equal(formatValue(["a", "b"]), "a or b");
  assert.equal(formatAttributes({ orderTotal: 12000, chargesAccepted: true }), "orderTotal 12000, chargesAccepted yes");
});

test("timestamps and typed attribute values", () => {
  assert.equal(toTimestamp(new Date(Date.UTC(2026, 11, 1, 9, 0, 0, 500))), "2026-12-01T09:00:00Z");
  assert.ok(isTimestamp("2026-12-01T09:00:00Z"));
  assert.ok(!isTimestamp("2026-12-01 09:00"));
  // Only days the calendar has, as the engine checks them.
  for (const t of ["2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T09:60:00Z"]) {
    assert.ok(!isTimestamp(t), t);
  }
  for (const t of ["2028-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-04-30T23:59:59Z", "2026-12-31T00:00:00Z"]) assert.ok(isTimestamp(t), t);
  assert.equal(parseAttributeValue("12000"), 12000);
  assert.equal(parseAttributeValue("true"), true);
  assert.equal(parseAttributeValue("north"), "north");
  assert.equal(parseAttributeValue("1.5"), "1.5");
});

test("a bundle's contents in words, one of each in the singular", () => {
  assert.equal(
    countsWords({ approvalRules: 0, bindings: 19, claims: 1, members: 11, scopeTypes: 4, selfUpgrades: 3, policies: 1 }),
    "0 approval rules, 19 bindings, 1 claim, 11 members, 4 scope types, 3 self-upgrades, 1 policy",
  );
});
