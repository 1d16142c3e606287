import assert from "node:assert/strict";
import { test } from "node:test";
import { indexBundle, rewriteMessage } from "../../web/js/logic/bundle-index.js";
import { example } from "./helpers.mjs";

test("names replace ids; shared role labels name their family", async () => {
  const { index } = await example("bt-business");
  assert.equal(index.memberName("m-raj"), "Raj Patel");
  assert.equal(index.scopeName("acc-1002"), "York shop");
  assert.equal(index.roleName("billing.super_admin"), "Super admin");
  assert.equal(index.roleName("billing.admin"), "Admin (billing)");
  assert.equal(index.roleName("voice.admin"), "Admin (cloud voice)");
  assert.equal(index.scopeTypeName("billing_account"), "billing account");
  assert.equal(index.memberName("m-nobody"), "m-nobody");
});

test("the scope tree: order, depth, ancestors, paths, subtrees", async () => {
  const { index } = await example("bt-business");
  assert.deepEqual(index.roots, ["grp-north", "grp-south"]);
  assert.deepEqual(index.tree.slice(0, 3), [
    { id: "grp-north", depth: 0 },
    { id: "acc-1001", depth: 1 },
    { id: "svc-5001", depth: 2 },
  ]);
  assert.deepEqual(index.ancestors("svc-5001"), ["acc-1001", "grp-north"]);
  assert.equal(index.scopePath("svc-5001"), "North › Leeds head office › Cloud Voice Express, Leeds");
  assert.deepEqual([...index.subtree("acc-1001")].sort(), ["acc-1001", "svc-5001"]);
});

test("roles per family by rank, effective permissions, assignable roles", async () => {
  const { index } = await example("bt-business");
  assert.deepEqual(index.families, ["billing", "cloud_voice", "apps"]);
  assert.deepEqual(index.rolesByFamily.get("billing").map((r) => r.id), ["billing.super_admin", "billing.admin", "billing.advanced_user", "billing.user"]);
  const user = index.effectivePermissions("billing.user");
  const advanced = index.effectivePermissions("billing.advanced_user");
  assert.ok(!user.includes("billing.tag_services"));
  assert.ok(advanced.includes("billing.tag_services"));
  assert.ok(user.every((p) => advanced.includes(p)), "inherited permissions are included");
  assert.deepEqual(index.assignableRoles("co-2001").map((r) => r.id).sort(), ["apps.admin", "apps.user"]);
  assert.equal(index.roleOn("m-raj", "acc-1002", "billing").id, "billing.admin");
});

test("actions include self-upgrade and claim actions", async () => {
  const { index } = await example("bt-business");
  const kinds = Object.fromEntries(index.actions.map((a) => [a.id, a.kind]));
  assert.equal(kinds["billing.pay"], "permission");
  assert.equal(kinds["roles.self_upgrade"], "self_upgrade");
  assert.equal(kinds["roles.claim_apps_admin"], "claim");
  assert.equal(index.actionsById.get("roles.manage").rankLimited, true);
});

test("engine messages read with names instead of ids", async () => {
  const { index } = await example("bt-business");
  assert.equal(
    rewriteMessage("granted by role `billing.admin` on `acc-1002` (binding `b-5`)", index),
    "granted by role Admin (billing) on York shop (binding b-5)",
  );
  assert.equal(rewriteMessage("none grants `billing.pay`", index), "none grants “Pay bills”");
  assert.equal(rewriteMessage("unknown `thing`", index), "unknown thing");
});

test("an empty bundle indexes without failing", () => {
  const index = indexBundle({ format: "rolegate/1" });
  assert.equal(index.name, "Untitled policy");
  assert.deepEqual(index.tree, []);
  assert.equal(index.members.size, 0);
});
