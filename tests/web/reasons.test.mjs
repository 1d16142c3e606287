import assert from "node:assert/strict";
import { test } from "node:test";
import { describeApproval, describeDecision, describeReason } from "../../web/js/logic/reasons.js";
import { example, exampleFile, NOW } from "./helpers.mjs";

test("granted by a role on the scope itself", async () => {
  const { index, engine } = await example("bt-business");
  const d = describeDecision(engine.check(exampleFile("bt-business", "requests/user-pays-bill.json")), index);
  assert.equal(d.effect, "allow");
  assert.equal(d.label, "Allowed");
  assert.equal(d.headline, "Uma Brooks may “Pay bills” on Leeds head office");
  assert.deepEqual(d.reasons, ["Granted by User (billing) on Leeds head office"]);
});

test("granted through an ancestor names the scope it comes through", async () => {
  const { index, engine } = await example("hosted-voice");
  const request = exampleFile("hosted-voice", "requests/am-manages-bcc-features.json");
  const d = describeDecision(engine.check(request), index);
  assert.deepEqual(d.reasons, ["Granted by Account Manager on Harbour Dental Group: Business Cloud Communications through customer account Harbour Dental Group"]);
});

test("a rank too low says both ranks, with the role names", async () => {
  const { index, engine } = await example("bt-business");
  const request = exampleFile("bt-business", "requests/admin-invites-super-admin.json");
  const d = describeDecision(engine.check(request), index, request.attributes);
  assert.equal(d.effect, "deny");
  assert.equal(d.headline, "Raj Patel may not “Invite members” on Leeds head office (role Super admin)");
  assert.deepEqual(d.reasons, ["Super admin is rank 40, but Raj Patel manages roles only up to rank 30 (Admin (billing))"]);
});

test("denials: no role there, permission not granted, not active", async () => {
  const { index, engine } = await example("account-hub");
  const other = describeDecision(engine.check(exampleFile("account-hub", "requests/account-manager-other-account.json")), index);
  assert.deepEqual(other.reasons, ["Sam Patel holds no role on Warehouse & Logistics or above it"]);
  const ivan = engine.check({ actor: "m-ivan", action: "orders.view", resource: "acc-9002", now: NOW });
  assert.deepEqual(describeDecision(ivan, index).reasons, ["Ivan Petrov is blocked, and only active members hold permissions"]);
  const bea = engine.check({ actor: "m-bea", action: "orders.place", resource: "acc-9001", now: NOW });
  assert.deepEqual(describeDecision(bea, index).reasons, [
    "None of Beatriz Costa's roles on Corporate - Seattle HQ (Billing & Payments Manager) grants “Place orders”",
  ]);
});

test("a conditional order names its approvers", async () => {
  const { index, engine } = await example("account-hub");
  const d = describeDecision(engine.check(exampleFile("account-hub", "requests/end-user-places-order.json")), index);
  assert.equal(d.effect, "conditional");
  assert.equal(d.label, "Needs approval");
  assert.ok(d.reasons.includes("Needs approval under rule approval.end_user_orders"));
  assert.equal(d.approvals.length, 1);
  assert.deepEqual(d.approvals[0].approvers, ["Marcus Chen", "Olivia Reyes", "Omar Haddad"]);
  assert.equal(d.approvals[0].text, "1 approval from Marcus Chen, Olivia Reyes or Omar Haddad (rule approval.end_user_orders, expires after 7 days)");
});

test("self-upgrades and claims in words", async () => {
  const { index, engine } = await example("bt-business");
  const upgrade = exampleFile("bt-business", "requests/user-self-upgrades.json");
  const d = describeDecision(engine.check(upgrade), index, upgrade.attributes);
  assert.equal(d.effect, "conditional");
  assert.equal(d.label, "Needs verification");
  assert.ok(d.reasons.some((r) => r.startsWith("George Evans may upgrade from User (billing) to Admin (billing) under rule")), d.reasons.join("\n"));
  assert.deepEqual(d.verifications, ["Verification by postal PIN, valid for 28 days (rule billing.self_upgrade.no_admin)"]);
  const claim = describeDecision(engine.check(exampleFile("bt-business", "requests/super-admin-claims-apps-admin.json")), index);
  // A claim has no name: it goes by the role it gives, and the action by its words, not its id.
  assert.deepEqual(claim.reasons, ["Olivia Hart may claim Admin (apps) on Hartwell Trading North Ltd, holding Super admin on Leeds head office"]);
  assert.equal(claim.headline, "Olivia Hart may “Claim Admin (apps)” on Hartwell Trading North Ltd");
  assert.match(d.headline, /^George Evans may “Upgrade yourself” on Bristol depot/);
  const blocked = engine.check({ actor: "m-raj", action: "roles.self_upgrade", resource: "acc-1001", attributes: { role: "billing.super_admin" }, now: NOW });
  assert.ok(describeDecision(blocked, index).reasons.some((r) => r.includes("and Olivia Hart does")));
});

test("every reason code gets words; unknown codes fall back to the message with names", async () => {
  const { index } = await example("bt-business");
  const text = describeReason({ code: "something_new", message: "member `m-raj` cannot `billing.pay` on `acc-1002`" }, index);
  assert.equal(text, "member Raj Patel cannot “Pay bills” on York shop");
  const unreachable = describeReason({ code: "approval_unreachable", rule: "r", have: 0, need: 2, message: "" }, index, { resource: "acc-1001" });
  assert.equal(unreachable, "rule r needs 2 approvals, but only 0 members could approve on Leeds head office");
});

test("an approval needing several approvers says how many of whom", async () => {
  const { index } = await example("bt-business");
  const text = describeApproval({ rule: "r", approvers: ["m-olivia", "m-raj", "m-alex"], quorum: 2 }, index);
  assert.equal(text, "2 approvals from any 2 of Olivia Hart, Raj Patel and Alex Morgan (rule r)");
});
