import assert from "node:assert/strict";
import { test } from "node:test";
import { byScope, filterChoices, filterRows, memberRows } from "../../web/js/logic/members.js";
import { checkAttributes, memberAbilities, supportsPerform, visibleTo } from "../../web/js/logic/queries.js";
import { example, NOW } from "./helpers.mjs";

test("a billing user sees the account's admins and super admins only", async () => {
  const { index, engine } = await example("bt-business");
  const visible = visibleTo(engine, index, "m-uma", NOW);
  assert.deepEqual([...visible.keys()].sort(), ["m-olivia", "m-raj"]);
  const rows = memberRows(index, "m-uma", visible);
  assert.deepEqual(rows.map((r) => r.id), ["m-uma", "m-olivia", "m-raj"], "you first, then by name");
  assert.equal(rows[0].isActor, true);
  assert.deepEqual(rows[0].families.map((f) => f.familyName), ["billing", "cloud voice"]);
  const raj = rows.find((r) => r.id === "m-raj");
  assert.deepEqual(raj.families.map((f) => f.entries.map((e) => `${e.roleName} on ${e.scopeName}`)), [["Admin (billing) on Leeds head office"]], "only what Uma may see of Raj");
  assert.equal(raj.email, "raj.patel@hartwell.example.com");
});

test("unassigned members added to a scope within reach are listed, to be activated", async () => {
  const { index, engine } = await example("cloud-work");
  const visible = visibleTo(engine, index, "m-tom", NOW);
  assert.deepEqual(visible.get("m-ext-1021"), { member: "m-ext-1021", name: "Extension 1021", status: "pending", roles: [], addedTo: "acct-7001" });
  assert.ok(!visible.has("m-ext-2031"), "added to another account");
  const row = memberRows(index, "m-tom", visible).find((r) => r.id === "m-ext-1021");
  assert.equal(row.addedTo, "acct-7001");
  assert.deepEqual(memberAbilities(engine, index, "m-tom", "m-ext-1021", NOW).map((a) => a.kind), ["assign_role", "activate_member", "edit_member", "disable"]);
});

test("the engine's answer everywhere merges its answers on each scope: one entry per member, roles without repeats", async () => {
  let merges = 0;
  for (const name of ["account-hub", "bt-business", "cloud-work", "code-hosting", "hosted-voice"]) {
    const { index, engine } = await example(name);
    for (const actor of index.members.keys()) {
      /** @type {Map<string, any>} */
      const expected = new Map();
      const scopes = [...new Set((index.bindingsByMember.get(actor) ?? []).map((b) => b.scope))];
      for (const scope of scopes) {
        for (const v of engine.visibleMembers(actor, scope, NOW).members) {
          const seen = expected.get(v.member);
          if (!seen) {
            expected.set(v.member, { ...v, roles: [...v.roles] });
            continue;
          }
          merges++;
          if (v.email && !seen.email) seen.email = v.email;
          for (const r of v.roles) if (!seen.roles.some((x) => x.role === r.role && x.scope === r.scope)) seen.roles.push(r);
        }
      }
      const everywhere = engine.visibleMembers({ actor, now: NOW }).members.filter((m) => !("addedTo" in m));
      assert.deepEqual(everywhere, [...expected.values()], `${name}: ${actor}`);
    }
  }
  assert.ok(merges > 0, "some member is seen on two scopes");
});

test("search and filters", async () => {
  const { index, engine } = await example("account-hub");
  const rows = memberRows(index, "m-olivia", visibleTo(engine, index, "m-olivia", NOW));
  assert.equal(rows.length, 14);
  assert.deepEqual(filterRows(rows, { query: "order manager" }, index).map((r) => r.id).sort(), ["m-ivan", "m-omar", "m-tara"]);
  assert.deepEqual(filterRows(rows, { status: "blocked" }, index).map((r) => r.id).sort(), ["m-ivan", "m-noor"]);
  assert.deepEqual(filterRows(rows, { scope: "acc-9003" }, index).map((r) => r.id).sort(), ["m-jon", "m-priya", "m-rosa"]);
  assert.deepEqual(filterRows(rows, { kind: "business_owner" }, index).map((r) => r.id).sort(), ["m-marcus", "m-olivia"]);
  const choices = filterChoices(rows);
  assert.deepEqual(choices.statuses, ["active", "blocked", "invited"]);
});

test("the same members by scope tree, ancestors included", async () => {
  const { index, engine } = await example("account-hub");
  const rows = memberRows(index, "m-sam", visibleTo(engine, index, "m-sam", NOW));
  const tree = byScope(rows, index);
  assert.equal(tree[0].scope, "biz-northwind");
  assert.deepEqual(tree[0].families[0].holders.map((h) => h.name).sort(), ["Marcus Chen", "Olivia Reyes"]);
  const acc = tree.find((n) => n.scope === "acc-9001");
  assert.equal(acc.depth, 1);
  assert.equal(acc.type, "account");
});

test("what the acting member may do to another", async () => {
  const { index, engine } = await example("bt-business");
  assert.deepEqual(memberAbilities(engine, index, "m-olivia", "m-alex", NOW).map((a) => a.kind), ["change_role", "assign_role", "remove_member"]);
  assert.deepEqual(memberAbilities(engine, index, "m-raj", "m-olivia", NOW), [], "an admin cannot touch a super admin");
  assert.deepEqual(memberAbilities(engine, index, "m-uma", "m-raj", NOW), []);
});

test("which attributes a check needs, as the engine reads them", async () => {
  const { engine } = await example("bt-business");
  assert.deepEqual(checkAttributes(engine, "roles.manage"), { role: true, target: true, others: [] });
  assert.deepEqual(checkAttributes(engine, "roles.self_upgrade"), { role: true, target: false, others: [] });
  assert.deepEqual(checkAttributes(engine, "billing.pay"), { role: false, target: false, others: [] });
  assert.deepEqual(checkAttributes(engine, "no.such.action"), { role: false, target: false, others: [] });
  const hub = await example("account-hub");
  assert.deepEqual(checkAttributes(hub.engine, "orders.place").others, ["orderTotal"]);
});

test("the engine's support of `perform` is detected", async () => {
  const { index, engine } = await example("account-hub");
  assert.equal(typeof supportsPerform(engine, index, NOW), "boolean");
});
