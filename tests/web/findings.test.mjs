// The Findings panel's logic (web/js/logic/findings.js) on engine.analyze() of
// the examples: plain words with names from the bundle, the severity, links to
// what each finding names, and the tab's count.
// Run: node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { indexBundle } from "../../web/js/logic/bundle-index.js";
import { describeFindings, findingsSummary } from "../../web/js/logic/findings.js";
import { example } from "./helpers.mjs";

test("bt-business: a rank-only escalation and three lockout risks, in words", async () => {
  const { engine, index } = await example("bt-business");
  const analysis = engine.analyze();
  assert.equal(analysis.ok, true);
  assert.deepEqual(findingsSummary(analysis), { total: 4, error: 0, warning: 4, info: 0, worst: "warning" });
  const views = describeFindings(analysis, index);
  assert.deepEqual(views.map((v) => [v.code, v.severityLabel]), [
    ["escalation_path", "Warning"],
    ["lockout_risk", "Warning"],
    ["lockout_risk", "Warning"],
    ["lockout_risk", "Warning"],
  ]);
  const [escalation, billing] = views;
  assert.equal(escalation.title, "Escalation path");
  // Two roles are labelled Admin: the family tells them apart.
  assert.equal(
    escalation.text,
    "Holders of User & admin may make themselves Admin (cloud voice). It holds nothing more, but outranks User & admin (rank 30 against 20): they could put themselves out of their peers' reach.",
  );
  assert.deepEqual(escalation.links.map((l) => [l.kind, l.id, l.label]), [
    ["role", "voice.user_admin", "User & admin"],
    ["role", "voice.admin", "Admin (cloud voice)"],
  ]);
  assert.equal(
    billing.text,
    "On 2 billing accounts only one active member can manage roles: York shop and Exeter shop (Hannah Lewis and Raj Patel). Should they leave, nobody there could give anyone a role.",
  );
  assert.deepEqual(billing.links.map((l) => `${l.kind}:${l.id}`), ["scope:acc-1002", "scope:acc-1004"]);
  assert.equal(billing.rule, null);
});

test("code-hosting: approvals that can never be given, with the rule in words", async () => {
  const { engine, index } = await example("code-hosting");
  const views = describeFindings(engine.analyze(), index);
  const unsatisfiable = views.find((v) => v.code === "approval_unsatisfiable");
  assert.ok(unsatisfiable);
  assert.equal(unsatisfiable.severityLabel, "Error");
  assert.equal(
    unsatisfiable.text,
    "The approval rule repository.delete needs 2 approvals, but on umbra/engine only Uri Ben-David could ever approve. Requests there are always denied; 2 scopes are like this: umbra/engine and umbra/site.",
  );
  assert.deepEqual(unsatisfiable.rule, { id: "repository.delete", words: "“Delete the repository” on a repository needs 2 approvals from Owner, within 14 days" });
  assert.deepEqual(unsatisfiable.links.map((l) => `${l.kind}:${l.id}`), ["rule:repository.delete", "scope:repo-engine", "scope:repo-site"]);
  const self = views.find((v) => v.code === "self_approval_path" && v.rule?.id === "org.owner.grant");
  assert.ok(self);
  assert.match(self.text, /on Umbra Labs the only possible approver is Uri Ben-David\. Nobody approves their own request, so a request by Uri Ben-David can never be approved there/);
  assert.equal(findingsSummary(engine.analyze()).worst, "error");
});

test("the other codes in words, names not ids: a bundle built to have them", async () => {
  const bundle = {
    format: "rolegate/1",
    scopeTypes: [{ id: "org", label: "Organisation" }, { id: "site", label: "Site", parents: ["org"] }],
    scopes: [
      { id: "org-1", type: "org", name: "Shop" },
      { id: "site-a", type: "site", parent: "org-1", name: "Site A" },
    ],
    permissions: [
      { id: "sell", label: "Sell", appliesTo: ["site"] },
      { id: "refund", label: "Refund", appliesTo: ["site"] },
      { id: "roles.assign", label: "Assign roles", appliesTo: ["org", "site"], rankLimited: true },
      { id: "rules.set", label: "Set rules", appliesTo: ["org", "site"] },
    ],
    roles: [
      { id: "clerk", label: "Clerk", family: "staff", rank: 10, permissions: ["sell"], assignableAt: ["site"] },
      { id: "lead", label: "Lead", family: "staff", rank: 20, permissions: ["refund", "roles.assign", "rules.set"], inherits: ["clerk"], assignableAt: ["site"], manages: { upToRank: 30 } },
      { id: "boss", label: "Boss", family: "staff", rank: 30, permissions: ["sell", "refund", "roles.assign"], assignableAt: ["org", "site"], manages: { upToRank: 35 } },
      { id: "auditor", label: "Auditor", family: "audit", rank: 10, permissions: ["sell"], assignableAt: ["org"] },
    ],
    approvalRules: [{ id: "boss.refunds", actions: ["refund"], scopes: ["site-a"], requesterRoles: ["boss"], approvers: { roles: ["lead"] } }],
    members: [
      { id: "b1", name: "Bea Boss", status: "active" },
      { id: "l1", name: "Lee Lead", status: "active" },
    ],
    bindings: [
      { member: "b1", role: "boss", scope: "org-1" },
      { member: "l1", role: "lead", scope: "site-a" },
    ],
    operations: { assign_role: { action: "roles.assign" }, set_approval_rule: { action: "rules.set" } },
  };
  const engine = await createEngine(bundle);
  assert.equal(engine.ok, true, JSON.stringify(engine));
  const index = indexBundle(bundle);
  const views = describeFindings(engine.analyze(), index);
  const byCode = Object.fromEntries(views.map((v) => [v.code, v]));
  assert.deepEqual(Object.keys(byCode).sort(), ["approval_veto", "escalation_path", "lockout_risk", "unreachable_role"]);
  // Each way up: a lead may make themself boss, a boss may take the lead's role too.
  assert.deepEqual(
    views.filter((v) => v.code === "escalation_path").map((v) => [v.severityLabel, v.text]),
    [
      ["Error", "Holders of Lead may make themselves Boss, gaining what Lead lacks: managing staff roles up to rank 35."],
      ["Error", "Holders of Boss may make themselves Lead, gaining what Boss lacks: “Set rules”."],
    ],
  );
  assert.equal(
    byCode.approval_veto.text,
    "The approval rule boss.refunds makes Boss ask for approval, though only Lead, ranked below, may set or delete it: a veto held by juniors.",
  );
  assert.match(byCode.unreachable_role.text, /^Nobody holds Auditor, and nobody can ever be given it/);
  assert.deepEqual(byCode.unreachable_role.links, [{ kind: "role", id: "auditor", label: "Auditor" }]);
  assert.match(byCode.lockout_risk.text, /^On 1 organisation only one active member can manage roles: Shop \(Bea Boss\)/);
  for (const v of views) assert.doesNotMatch(v.text, /`/, `${v.code}: no backticked ids`);
  engine.close();
});

test("no analysis, or a failed one: nothing to show", async () => {
  const { index } = await example("account-hub");
  assert.deepEqual(describeFindings(null, index), []);
  assert.deepEqual(findingsSummary({ ok: false }), { total: 0, error: 0, warning: 0, info: 0, worst: null });
  const { engine } = await example("account-hub");
  assert.deepEqual(findingsSummary(engine.analyze()), { total: 0, error: 0, warning: 0, info: 0, worst: null });
});
