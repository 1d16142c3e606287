// Editing an operation of the change in place: its form values come back from
// the operation, building them again gives the same operation, and saving
// replaces it where it stands in one undo step.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appendOperations, emptyDraft, replaceOperation } from "../../web/js/logic/changeset.js";
import { undo } from "../../web/js/logic/history.js";
import { buildOperation, operationsBefore, operationToValues } from "../../web/js/logic/op-form.js";
import { visibleTo } from "../../web/js/logic/queries.js";
import { example, NOW } from "./helpers.mjs";

async function context(name, actor, operations = []) {
  const { index, engine } = await example(name);
  return { index, actor, visible: new Set(visibleTo(engine, index, actor, NOW).keys()), operations };
}

test("saving an edit replaces the operation at its position, in one undo step", () => {
  const a = { op: "block", member: "m-a" };
  const b = { op: "unblock", member: "m-b" };
  const c = { op: "disable", member: "m-c" };
  const edited = { op: "enable", member: "m-b" };
  let d = appendOperations(emptyDraft(), [a, b, c]);
  d = replaceOperation(d, 1, edited);
  assert.deepEqual(d.present, [a, edited, c]);
  assert.deepEqual(undo(d).present, [a, b, c], "one undo brings the operation back");
  assert.equal(replaceOperation(d, 5, edited), d, "out of range changes nothing");
  assert.equal(replaceOperation(d, -1, edited), d);
});

test("each kind's form values round-trip to the same operation", async () => {
  const ctx = await context("account-hub", "m-olivia");
  const { index } = await example("account-hub");
  const rule = index.approvalRules.get("approval.end_user_orders");
  const ops = [
    { op: "invite", member: { id: "m-gwen", email: "gwen@example.com", name: "Gwen Alvarez" }, scope: "acc-9003", role: "hub.order_manager" },
    { op: "invite", member: "m-tara", scope: "acc-9003", role: "hub.order_manager" },
    { op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" },
    { op: "assign_role", member: "m-tara", role: "hub.order_manager", scopes: ["acc-9002", "acc-9003"] },
    { op: "assign_role", member: "m-tara", role: "hub.order_manager", scope: "acc-9002" },
    { op: "block", member: "m-jon" },
    { op: "edit_member", member: "m-jon", email: "jon@example.com" },
    { op: "perform", scope: "ln-0201", action: "orders.place", attributes: { orderTotal: 24900, item: "tablet", urgent: true } },
    { op: "decide_request", request: "request-1", decision: "approve" },
    { op: "apply_approved", request: "request-1" },
    { op: "activate_member", member: "m-x", setup: "assign_credentials", scope: "acc-9002", role: "hub.end_user" },
    { op: "add_members", scope: "acc-9002", members: [{ id: "m-hana-wu", name: "Hana Wu", email: "hana@example.com", kind: "user" }] },
    { op: "set_approval_rule", scope: index.roots[0], rule },
    { op: "delete_approval_rule", scope: index.roots[0], rule: "approval.end_user_orders" },
    { op: "define_role", scope: index.roots[0], role: { id: "hub.custom.x", name: "X", family: "hub", rank: 5, custom: true, permissions: [] } },
    { op: "teleport", to: "mars" },
  ];
  for (const op of ops) {
    const values = operationToValues(op);
    const rebuilt = buildOperation(op.op, values, ctx);
    assert.ok(rebuilt.ok, `${op.op}: ${JSON.stringify(rebuilt.errors)}`);
    assert.deepEqual(rebuilt.op, op, op.op);
  }
  // The PIN is not kept in the operation: it is asked for again.
  const pin = operationToValues({ op: "complete_self_upgrade", scope: "acc-1003", role: "billing.admin" });
  assert.deepEqual(pin, { scope: "acc-1003", role: "billing.admin" });
});

test("editing judges an operation where it stands: a new member keeps its id, register stays first", async () => {
  const invite = { op: "invite", member: { id: "m-gwen", email: "gwen@example.com", name: "Gwen Alvarez" }, scope: "acc-9003", role: "hub.order_manager" };
  const later = { op: "block", member: "m-gwen" };
  const all = [invite, later];
  assert.deepEqual(operationsBefore(all, 0), []);
  assert.deepEqual(operationsBefore(all, 1), [invite]);
  assert.deepEqual(operationsBefore(all, null), all);
  const ctx = await context("account-hub", "m-olivia", operationsBefore(all, 0));
  const values = { ...operationToValues(invite), newName: "Gwen Alvarez-Smith" };
  const rebuilt = buildOperation("invite", values, ctx);
  assert.ok(rebuilt.ok);
  assert.equal(rebuilt.op.member.id, "m-gwen", "later operations still name the member");
  assert.equal(rebuilt.op.member.name, "Gwen Alvarez-Smith");

  const register = { op: "register", member: { id: "m-new", name: "New Person", email: "new@example.com" }, role: "billing.user", scope: "acc-1001" };
  const reg = buildOperation("register", operationToValues(register), await context("bt-business", "m-new", operationsBefore([register, later], 0)));
  assert.ok(reg.ok, JSON.stringify(reg.errors));
  assert.deepEqual(reg.op, register);
  assert.equal(reg.actor, "m-new");
});

test("applying an approved request says what its operation does, as the requester's", async () => {
  const { index } = await example("account-hub");
  const { describeOperation } = await import("../../web/js/logic/operations.js");
  const request = {
    id: "request-1", requester: "m-lena", rule: "approval.end_user_orders", action: "orders.place", resource: "ln-0201", createdAt: NOW,
    operation: { op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 24900 } },
  };
  const withRequest = { ...index, approvalRequests: new Map([["request-1", request]]) };
  assert.equal(
    describeOperation({ op: "apply_approved", request: "request-1" }, withRequest, "m-marcus"),
    `Apply approved request request-1: Lena Fischer: “Place orders” on ${index.scopeName("ln-0201")} (orderTotal 24900)`,
  );
  assert.equal(describeOperation({ op: "apply_approved", request: "request-9" }, index), "Apply approved request request-9");
});

test("an operation is edited in its form when that gives it back unchanged, else as JSON", async () => {
  const { editPlan } = await import("../../web/js/logic/op-form.js");
  const ctx = await context("account-hub", "m-olivia");
  const { index } = await example("account-hub");
  const change = { op: "change_role", member: "m-tara", scope: "acc-9002", role: "hub.order_manager" };
  assert.deepEqual(editPlan(change, ctx), { asJson: false, values: { member: "m-tara", scope: "acc-9002", role: "hub.order_manager" } });
  assert.equal(editPlan({ op: "complete_self_upgrade", scope: "acc-1003", role: "billing.admin" }, ctx).asJson, false, "the PIN is asked for again");
  const scoped = { op: "set_approval_rule", scope: index.roots[0], rule: { ...index.approvalRules.get("approval.end_user_orders"), scopes: ["acc-9002"] } };
  const custom = { op: "define_role", scope: index.roots[0], role: { id: "hub.custom.x", name: "X", family: "hub", rank: 5, custom: true, permissions: [] } };
  const extra = { op: "block", member: "m-jon", note: "kept" };
  for (const op of [scoped, custom, extra]) {
    const plan = editPlan(op, ctx);
    assert.equal(plan.asJson, true, op.op);
    const rebuilt = buildOperation(op.op, plan.values, ctx, { asJson: true });
    assert.ok(rebuilt.ok);
    assert.deepEqual(rebuilt.op, op, `${op.op} comes back whole`);
  }
  const broken = buildOperation("block", { json: "[1]" }, ctx, { asJson: true });
  assert.equal(broken.errors.json, "write one JSON object");
});
