import assert from "node:assert/strict";
import { test } from "node:test";
import { buildRule, conditionWords, describeRule, parseConditions, ruleToValues } from "../../web/js/logic/approval-rules.js";
import { buildRoleOps, customRoleId, managesLimits, newRoleDraft, parseManages, roleCatalogue, roleDraft, roleReach, ruleOfRole } from "../../web/js/logic/roles.js";
import { describeSimulation } from "../../web/js/logic/preview.js";
import { changeSet, example } from "./helpers.mjs";

test("the catalogue per family, highest rank first, inherited permissions marked", async () => {
  const { index } = await example("bt-business");
  const catalogue = roleCatalogue(index);
  assert.deepEqual(catalogue.map((f) => f.family), ["billing", "cloud_voice", "apps"]);
  const advanced = catalogue[0].roles.find((r) => r.id === "billing.advanced_user");
  assert.ok(advanced.permissions.some((p) => p.inherited));
  assert.equal(catalogue[0].roles[0].id, "billing.super_admin");
  assert.match(catalogue[0].roles[0].reach, /^manages billing roles up to rank 40; sees billing members, with e-mail$/);
  const voice = catalogue[1].roles.find((r) => r.id === "voice.admin");
  assert.equal(voice.hasService, false);
});

test("a custom role with required approvals: define_role and its approval rule", async () => {
  const { index, engine } = await example("account-hub");
  const draft = {
    ...newRoleDraft(index, "hub"),
    roleLabel: "Fleet Admin",
    roleRank: "40",
    roleAssignableAt: ["account"],
    rolePermissions: ["access.view", "orders.place", "orders.view"],
    roleApprovalPermissions: ["orders.place"],
    roleApproverMode: "roles",
    roleApproverRoles: ["hub.business_owner"],
    roleConditions: "orderTotal ge 100000",
    roleQuorum: "1",
    roleExpires: "7",
  };
  const built = buildRoleOps(draft, index);
  assert.ok(built.ok, JSON.stringify(built.errors));
  assert.equal(built.roleId, "hub.custom.fleet_admin");
  assert.deepEqual(built.ops.map((o) => o.op), ["define_role", "set_approval_rule"]);
  assert.deepEqual(built.ops[1].rule, {
    id: "approval.hub_custom_fleet_admin",
    actions: ["orders.place"],
    requesterRoles: ["hub.custom.fleet_admin"],
    when: [{ attribute: "orderTotal", op: "ge", value: 100000 }],
    approvers: { roles: ["hub.business_owner"] },
    quorum: 1,
    expiresAfterDays: 7,
  });
  const ops = [...built.ops, { op: "assign_role", member: "m-tara", role: built.roleId, scope: "acc-9003" }];
  const cs = changeSet(engine, "m-olivia", ops);
  const sim = engine.simulate(cs);
  assert.ok(sim.ok, JSON.stringify(sim.errors));
  assert.deepEqual(sim.operations.map((o) => o.effect), ["allow", "allow", "allow"]);
  const model = describeSimulation(sim, cs, index);
  assert.equal(model.diff.members[0].headline, "Tara Nguyen gains 12 permissions on 4 scopes");
});

test("editing a custom role starts from it and its rule; dropping the approvals deletes the rule", async () => {
  const { index, engine } = await example("account-hub");
  const draft = roleDraft(index, "hub.custom.field_technician");
  assert.equal(draft.editing, "hub.custom.field_technician");
  assert.deepEqual(draft.roleApprovalPermissions, ["orders.place"]);
  assert.equal(draft.roleConditions, "orderTotal gt 50000");
  const rule = ruleOfRole(index, "hub.custom.field_technician");
  const built = buildRoleOps({ ...draft, roleApprovalPermissions: [] }, index);
  assert.deepEqual(built.ops.map((o) => o.op), ["edit_role", "delete_approval_rule"]);
  assert.equal(built.ops[1].rule, rule.id);
  const sim = engine.simulate(changeSet(engine, "m-olivia", built.ops));
  assert.ok(sim.ok, JSON.stringify(sim.errors));
  assert.deepEqual(sim.operations.map((o) => o.effect), ["allow", "allow"]);
});

test("an edited role's holders gain or lose what it grants", async () => {
  const { index, engine } = await example("account-hub");
  const draft = roleDraft(index, "hub.custom.field_technician");
  const perms = draft.rolePermissions.filter((p) => p !== "orders.view");
  const built = buildRoleOps({ ...draft, rolePermissions: perms }, index);
  const cs = changeSet(engine, "m-olivia", built.ops);
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.equal(model.diff.members[0].headline, "Kim Lee loses 1 permission on 1 line");
});

test("manages with one limit per family: words, the editor's field and what it builds", async () => {
  const { index } = await example("hosted-voice");
  const am = index.roles.get("am.account_manager");
  assert.deepEqual(managesLimits(am), [{ families: ["bcc"], upToRank: 30 }, { families: ["cpbx"], upToRank: 20 }]);
  assert.match(roleReach(am, index), /^manages BCC roles up to rank 30 and cpbx roles up to rank 20; /);
  const single = index.roles.get("bcc.admin");
  assert.deepEqual(managesLimits(single), [{ families: ["bcc"], upToRank: 20 }]);
  // The editor shows a list as one rank per family and builds it back as a list.
  const draft = roleDraft(index, "am.account_manager");
  assert.equal(draft.roleManagesUpTo, "bcc 30, cpbx 20");
  assert.deepEqual(parseManages("bcc 30, cpbx 10", index), { ok: true, value: [{ families: ["bcc"], upToRank: 30 }, { families: ["cpbx"], upToRank: 10 }] });
  assert.deepEqual(parseManages("25", index), { ok: true, value: 25 });
  assert.deepEqual(parseManages("", index), { ok: true, value: null });
  assert.match(parseManages("bcc 30, bcc 20", index).error, /given twice/);
  assert.match(parseManages("nope 3", index).error, /no role family nope/);
  assert.match(parseManages("bcc thirty", index).error, /one per family/);
  assert.match(parseManages("-1", index).error, /whole number/);
  const built = buildRoleOps({ ...draft, roleManagesUpTo: "bcc 20, cpbx 10" }, index);
  assert.ok(built.ok, JSON.stringify(built));
  assert.deepEqual(built.ops[0].role.manages, [{ families: ["bcc"], upToRank: 20 }, { families: ["cpbx"], upToRank: 10 }]);
  // One rank keeps the single form (and the families it lists).
  const one = buildRoleOps({ ...roleDraft(index, "bcc.admin"), roleManagesUpTo: "10" }, index);
  assert.ok(one.ok);
  assert.deepEqual(one.ops[0].role.manages, { upToRank: 10, families: ["bcc"] });
});

test("role drafts report what is missing", async () => {
  const { index } = await example("account-hub");
  const built = buildRoleOps(newRoleDraft(index, "hub"), index);
  assert.ok(!built.ok);
  assert.deepEqual(Object.keys(built.errors).sort(), ["roleLabel", "rolePermissions"]);
  assert.equal(customRoleId("hub", "Fleet Admin", (id) => id === "hub.custom.fleet_admin"), "hub.custom.fleet_admin_2");
});

test("approval rules: conditions, building, editing and words", async () => {
  const { index } = await example("account-hub");
  assert.deepEqual(parseConditions("orderTotal gt 50000\nregion in north, south").conditions, [
    { attribute: "orderTotal", op: "gt", value: 50000 },
    { attribute: "region", op: "in", value: ["north", "south"] },
  ]);
  assert.ok(!parseConditions("orderTotal is big").ok);
  const rule = index.approvalRules.get("approval.field_technician_large_orders");
  const again = buildRule(ruleToValues(rule));
  assert.deepEqual(again.rule, rule);
  assert.equal(
    describeRule(rule, index),
    "“Place orders” by Field Technician, when orderTotal is above 50000 needs 1 approval from holders of “Approve orders”, within 7 days",
  );
  assert.equal(conditionWords({ attribute: "visibility", op: "eq", value: "public" }), "visibility is public");
  const missing = buildRule({ ruleId: "", ruleActions: [] });
  assert.deepEqual(Object.keys(missing.errors).sort(), ["ruleActions", "ruleApproverRoles", "ruleId"]);
});
