import assert from "node:assert/strict";
import { test } from "node:test";
import { buildOperation, draftMembers, fieldOptions, parseAttributes, suggestedAttributes } from "../../web/js/logic/op-form.js";
import { availableKinds, changeDirection, describeOperation, newMemberId } from "../../web/js/logic/operations.js";
import { visibleTo } from "../../web/js/logic/queries.js";
import { changeSet, example, NOW } from "./helpers.mjs";

/** A form context for an actor of an example. */
async function context(name, actor, operations = []) {
  const { index, engine } = await example(name);
  return { index, actor, visible: new Set(visibleTo(engine, index, actor, NOW).keys()), operations };
}

test("a bundle offers the kinds it maps, those every policy supports and the PIN steps, as the engine says", async () => {
  const { index } = await example("bt-business");
  const kinds = availableKinds(index.operations).map((k) => k.kind);
  for (const k of ["invite", "change_role", "remove_member", "request_self_upgrade", "complete_self_upgrade", "resend_verification", "claim_role", "accept_invitation", "decide_request", "apply_approved", "perform"]) {
    assert.ok(kinds.includes(k), k);
  }
  for (const k of ["block", "delete_member", "define_role", "disable"]) assert.ok(!kinds.includes(k), `${k} is not mapped by BT`);
  // The PIN steps go with the self-upgrade's entry (the engine's `entryOf`).
  const steps = ["complete_self_upgrade", "resend_verification"];
  const unmapped = (/** @type {string[]} */ names) => Object.fromEntries(Object.entries(index.operations).filter(([k]) => !names.includes(k)));
  const withUpgrade = availableKinds(unmapped(steps)).map((k) => k.kind);
  for (const k of steps) assert.ok(withUpgrade.includes(k), `${k} with the self-upgrade's entry`);
  const rest = availableKinds(unmapped(["request_self_upgrade", ...steps])).map((k) => k.kind);
  for (const k of ["request_self_upgrade", ...steps]) assert.ok(!rest.includes(k), k);
  assert.ok(rest.includes("decide_request") && rest.includes("perform"), "every policy supports these");
  const unknown = availableKinds({ teleport: { action: "x" } });
  assert.equal(unknown[unknown.length - 1].group, "Other");
});

test("change role: the member's scopes, then roles of the same family marked upgrade or downgrade", async () => {
  const ctx = await context("bt-business", "m-raj");
  const members = fieldOptions("change_role", "member", {}, ctx).map((o) => o.value);
  assert.ok(members.includes("m-chen") && members.includes("m-raj"));
  const scopes = fieldOptions("change_role", "scope", { member: "m-chen" }, ctx).map((o) => o.value);
  assert.deepEqual(scopes, ["acc-1002", "co-2001"]);
  const roles = fieldOptions("change_role", "role", { member: "m-chen", scope: "acc-1002" }, ctx);
  assert.deepEqual(roles.map((o) => o.value), ["billing.super_admin", "billing.admin", "billing.advanced_user"]);
  assert.match(roles[0].label, /\(upgrade\)$/);
  const { index } = await example("bt-business");
  assert.equal(changeDirection(index, "m-alex", "acc-1001", "billing.user"), "downgrade");
});

test("set-up options: the ones the policy offers for the kind, or all of them", async () => {
  const bt = await context("bt-business", "m-olivia");
  assert.deepEqual(fieldOptions("invite", "setup", {}, bt).map((o) => o.value), ["", "send_invite", "activation_email", "assign_credentials", "activate_later"]);
  const { index } = await example("hosted-voice");
  const offered = index.operations.invite?.setups;
  if (offered?.length) {
    const voice = await context("hosted-voice", "m-priya");
    assert.deepEqual(fieldOptions("invite", "setup", {}, voice).map((o) => o.value), offered);
  }
});

test("status rules narrow the members an operation applies to", async () => {
  const ctx = await context("bt-business", "m-raj");
  const invited = fieldOptions("resend_invitation", "member", {}, ctx).map((o) => o.value);
  assert.deepEqual(invited, ["m-jade"]);
});

test("only members the actor may see are offered", async () => {
  const ctx = await context("bt-business", "m-uma");
  const members = fieldOptions("change_role", "member", {}, ctx).map((o) => o.value).sort();
  assert.deepEqual(members, ["m-olivia", "m-raj", "m-uma"]);
});

test("building operations from form values, with errors per field", async () => {
  const ctx = await context("bt-business", "m-olivia");
  assert.deepEqual(buildOperation("change_role", { member: "m-alex", scope: "acc-1001", role: "billing.user" }, ctx), {
    ok: true,
    op: { op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" },
  });
  const missing = buildOperation("change_role", { member: "m-alex" }, ctx);
  assert.ok(!missing.ok);
  assert.deepEqual(Object.keys(missing.errors).sort(), ["role", "scope"]);
  const invite = buildOperation("invite", { inviteeMode: "new", newName: "Gwen Alvarez", newEmail: "gwen@example.com", scope: "acc-1001", role: "billing.user" }, ctx);
  assert.deepEqual(invite.op, { op: "invite", member: { id: "m-gwen", email: "gwen@example.com", name: "Gwen Alvarez" }, scope: "acc-1001", role: "billing.user" });
  const badEmail = buildOperation("invite", { inviteeMode: "new", newName: "X", newEmail: "nope", scope: "acc-1001", role: "billing.user" }, ctx);
  assert.equal(badEmail.errors.newEmail, "enter an e-mail address such as name@example.com");
  const assign = buildOperation("assign_role", { member: "m-uma", role: "billing.user", scopes: ["acc-1002", "acc-1003"] }, ctx);
  assert.deepEqual(assign.op.scopes, ["acc-1002", "acc-1003"]);
  const pin = buildOperation("complete_self_upgrade", { scope: "acc-1003", role: "billing.admin", pin: "12" }, ctx);
  assert.match(pin.errors.pin, /4 to 8 digits/);
  const ok = buildOperation("complete_self_upgrade", { scope: "acc-1003", role: "billing.admin", pin: "123456" }, ctx);
  assert.deepEqual(ok.op, { op: "complete_self_upgrade", scope: "acc-1003", role: "billing.admin" }, "the PIN is not part of the operation");
});

test("members added earlier in the change can be acted on later", async () => {
  const ops = [{ op: "add_members", scope: "acct-7001", members: [{ id: "m-ext-1023", name: "Extension 1023" }] }];
  assert.deepEqual([...draftMembers(ops)], [["m-ext-1023", "Extension 1023"]]);
  const ctx = await context("cloud-work", "m-priya", ops);
  assert.ok(fieldOptions("activate_member", "member", {}, ctx).some((o) => o.value === "m-ext-1023"));
  const built = buildOperation("add_members", { scope: "acct-7001", newMembers: "Extension 1023\nHana Wu, hana@example.com, user", attributes: "chargesAccepted = true\nquantity = 2" }, ctx);
  assert.deepEqual(built.op.members.map((m) => m.id), ["m-extension", "m-hana"]);
  assert.deepEqual(built.op.attributes, { chargesAccepted: true, quantity: 2 });
});

test("attributes: parsing and the ones a policy looks at", async () => {
  assert.deepEqual(parseAttributes("orderTotal = 12000\nregion: north\n"), { ok: true, attributes: { orderTotal: 12000, region: "north" } });
  assert.ok(!parseAttributes("just words").ok);
  const { index } = await example("account-hub");
  assert.deepEqual(suggestedAttributes(index, "perform", "orders.place"), ["orderTotal"]);
  const cloud = await example("cloud-work");
  assert.ok(suggestedAttributes(cloud.index, "add_members").includes("chargesAccepted"));
});

test("every operation kind of the examples' change sets reads as a sentence", async () => {
  const { index } = await example("account-hub");
  assert.equal(
    describeOperation({ op: "invite", member: { id: "m-gwen", name: "Gwen Alvarez", email: "gwen@x.com" }, role: "hub.order_manager", scope: "acc-9003" }, index),
    "Invite Gwen Alvarez (new, gwen@x.com) as Order Manager on Warehouse & Logistics",
  );
  assert.equal(describeOperation({ op: "assign_role", member: "m-tara", role: "hub.order_manager", scopes: ["acc-9002", "acc-9003"] }, index), "Give Tara Nguyen Order Manager on Field Operations and Warehouse & Logistics");
  assert.equal(describeOperation({ op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 12000 } }, index, "m-lena"), "Lena Fischer: “Place orders” on Lena's line (orderTotal 12000)".replace("Lena's line", index.scopeName("ln-0201")));
  assert.equal(describeOperation({ op: "block", member: "m-jon" }, index), "Block Jon Baker");
  assert.equal(
    describeOperation({ op: "set_approval_rule", scope: "biz-northwind", rule: index.approvalRules.get("approval.end_user_orders") }, index),
    "Set approval rule approval.end_user_orders: “Place orders” by End User needs 1 approval from holders of “Approve orders”, within 7 days",
  );
  assert.equal(describeOperation({ op: "teleport" }, index), "teleport");
});

test("new member ids come from the name and are not taken", () => {
  const taken = new Set(["m-gwen"]);
  assert.equal(newMemberId("Zoe Adams", (id) => taken.has(id)), "m-zoe");
  assert.equal(newMemberId("Gwen Alvarez", (id) => taken.has(id)), "m-gwen-alvarez");
  taken.add("m-gwen-alvarez");
  assert.equal(newMemberId("Gwen Alvarez", (id) => taken.has(id)), "m-gwen-alvarez-2");
});

test("a built change set of form operations simulates in the engine", async () => {
  const { engine } = await example("bt-business");
  const ctx = await context("bt-business", "m-olivia");
  const ops = [
    buildOperation("invite", { inviteeMode: "new", newName: "Gwen Alvarez", newEmail: "gwen.alvarez@hartwell.example.com", scope: "acc-1001", role: "billing.user" }, ctx).op,
    buildOperation("change_role", { member: "m-alex", scope: "acc-1001", role: "billing.user" }, ctx).op,
  ];
  const result = engine.simulate(changeSet(engine, "m-olivia", ops));
  assert.ok(result.ok, JSON.stringify(result.errors));
  assert.deepEqual(result.operations.map((o) => o.effect), ["allow", "allow"]);
});
