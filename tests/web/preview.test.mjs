import assert from "node:assert/strict";
import { test } from "node:test";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describeEvent, describeSimulation, explainChecks, memberDiffHeadline, powerChanges, scopesPhrase } from "../../web/js/logic/preview.js";
import { changeSet, example, exampleFile, repo } from "./helpers.mjs";

/** An example's change set, on the current revision of its bundle. */
function rebased(engine, name, file) {
  return { ...exampleFile(name, `changes/${file}`), baseRevision: engine.revision };
}

test("a reorganisation: verdicts, access diff per member, notifications", async () => {
  const { index, engine } = await example("bt-business");
  const cs = rebased(engine, "bt-business", "super-admin-reorganises.json");
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.equal(model.blocked, false);
  assert.equal(model.verdict, "Ready to submit: nothing blocks this change");
  assert.deepEqual(model.operations.map((o) => o.title), [
    "Upgrade Raj Patel from Admin (billing) to Super admin on Leeds head office",
    "Downgrade Alex Morgan from Advanced user to User (billing) on Leeds head office",
    "Remove Uma Brooks from Leeds head office",
  ]);
  const byMember = Object.fromEntries(model.diff.members.map((m) => [m.member, m]));
  assert.equal(byMember["m-uma"].headline, "Uma Brooks loses 11 permissions on 1 billing account");
  assert.equal(byMember["m-alex"].headline, "Alex Morgan loses 1 permission on 1 billing account");
  assert.deepEqual(byMember["m-alex"].roles, ["Advanced user becomes User (billing) on Leeds head office"]);
  assert.deepEqual(byMember["m-alex"].scopes, [
    { scope: "acc-1001", name: "Leeds head office", path: "North › Leeds head office", gained: [], lost: ["Tag services and costs"] },
  ]);
  // Admin to super admin grants no permission, but power: whom Raj may manage, and a claim.
  assert.equal(byMember["m-raj"].headline, "Raj Patel: permissions stay the same, but can now manage billing roles up to Super admin on Leeds head office (was up to Admin (billing)), and 1 other change in power");
  assert.deepEqual(byMember["m-raj"].power, [
    "can now manage billing roles up to Super admin on Leeds head office (was up to Admin (billing))",
    "may now claim Admin (apps) within North",
  ]);
  assert.deepEqual(byMember["m-uma"].power, [
    "no longer sees the e-mail of billing members on Leeds head office (was from Admin (billing) up)",
    "no longer sees billing members on Leeds head office (was from Admin (billing) up)",
  ]);
  assert.deepEqual(model.events.map((e) => e.text), [
    "Raj Patel, by e-mail: upgraded from Admin (billing) to Super admin on Leeds head office",
    "Alex Morgan, in the app: downgraded from Advanced user to User (billing) on Leeds head office; names Olivia Hart",
    "Uma Brooks, in the app: removed from Leeds head office; names Olivia Hart (olivia.hart@hartwell.example.com)",
  ]);
});

test("a permission gained that needs approval names the approvers; power in words", async () => {
  const { index, engine } = await example("account-hub");
  const cs = changeSet(engine, "m-olivia", [{ op: "assign_role", member: "m-lena", role: "hub.end_user", scope: "ln-0101" }]);
  const model = describeSimulation(engine.simulate(cs), cs, index);
  const lena = model.diff.members.find((m) => m.member === "m-lena");
  assert.ok(lena.scopes[0].gained.includes("Place orders (needs 1 approval from Marcus Chen, Olivia Reyes or Tara Nguyen (rule approval.end_user_orders))"), lena.scopes[0].gained.join(" | "));
  assert.ok(lena.scopes[0].gained.includes("View orders"), "a permission without approval is named alone");
  // Every kind of change in power, worded (a diff as the engine writes it).
  const { index: bt } = await example("bt-business");
  const diff = {
    member: "m-alex", gained: [], lost: [], roles: { gained: [], lost: [] }, totals: { gained: 0, lost: 0, scopes: 0 },
    power: {
      manages: [
        { scope: "acc-1001", family: "billing", from: null, to: 30 },
        { scope: "acc-1002", family: "billing", from: 40, to: 20 },
        { scope: "acc-1003", family: "billing", from: 30, to: null },
      ],
      sees: [{ scope: "acc-1001", family: "billing", field: "email", from: 30, to: 0 }],
      selfUpgrades: { gained: [{ rule: "r", role: "billing.admin", scope: "acc-1003" }], lost: [{ rule: "r", role: "billing.super_admin", scope: "acc-1001" }] },
      claims: { gained: [], lost: [{ rule: "c", role: "apps.admin", within: "grp-north" }] },
    },
  };
  assert.deepEqual(powerChanges(diff, bt), [
    "can now manage billing roles up to Admin (billing) on Leeds head office (none before)",
    "can now manage billing roles only up to Advanced user on Leeds (North) (was up to Super admin)".replace("Leeds (North)", bt.scopeName("acc-1002")),
    `no longer manages billing roles on ${bt.scopeName("acc-1003")} (was up to Admin (billing))`,
    "now sees the e-mail of billing members: all on Leeds head office (was from Admin (billing) up)",
    `may now upgrade themself to Admin (billing) on ${bt.scopeName("acc-1003")}`,
    "may no longer upgrade themself to Super admin on Leeds head office",
    "may no longer claim Admin (apps) within North",
  ]);
  assert.equal(memberDiffHeadline(diff, bt), "Alex Morgan: permissions stay the same, but can now manage billing roles up to Admin (billing) on Leeds head office (none before), and 6 other changes in power");
});

test("an admin making someone super admin is denied, with the reason", async () => {
  const { index, engine } = await example("bt-business");
  const cs = changeSet(engine, "m-raj", [{ op: "change_role", member: "m-chen", scope: "acc-1002", role: "billing.super_admin" }]);
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.equal(model.blocked, true);
  assert.equal(model.verdict, "Blocked: an operation is denied");
  assert.equal(model.operations[0].label, "Denied");
  assert.deepEqual(model.operations[0].checks[0].reasons, ["Super admin is rank 40, but Raj Patel manages roles only up to rank 30 (Admin (billing))"]);
  assert.equal(model.diff.headline, "Nobody's access changes");
});

test("a violation of an error invariant blocks; its message uses names", async () => {
  const { index, engine } = await example("hosted-voice");
  const cs = rebased(engine, "hosted-voice", "duplicate-email.json");
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.equal(model.blocked, true);
  assert.equal(model.violations.length, 1);
  assert.equal(model.violations[0].blocking, true);
  assert.equal(model.violations[0].label, "Blocks the change");
  assert.match(model.violations[0].text, /is already used by member Lena Vogel/);
});

test("a conditional change names its approvers and the approval requests sent", async () => {
  const { index, engine } = await example("account-hub");
  const cs = rebased(engine, "account-hub", "line-coordinator-needs-approval.json");
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.equal(model.verdict, "Blocked until approved or verified");
  assert.equal(model.operations[0].effect, "conditional");
  assert.deepEqual(model.operations[0].approvals[0].approvers, ["Marcus Chen", "Olivia Reyes"]);
  assert.ok(model.events.some((e) => e.text.startsWith("Marcus Chen, by e-mail: asked to approve Priya Shah's “Add new users”")), model.events.map((e) => e.text).join("\n"));
});

test("scope phrases and headlines for gains and losses", async () => {
  const { index } = await example("account-hub");
  assert.equal(scopesPhrase(["acc-9001", "acc-9002", "acc-9003"], index), "3 accounts");
  assert.equal(scopesPhrase(["acc-9001", "ln-0101"], index), "2 scopes");
  const diff = {
    member: "m-sam",
    gained: [{ scope: "acc-9003", permission: "orders.view" }],
    lost: Array.from({ length: 12 }, (_, i) => ({ scope: ["acc-9001", "acc-9002", "acc-9003"][i % 3], permission: `p${i}` })),
    roles: { gained: [], lost: [] },
    totals: { gained: 1, lost: 12, scopes: 3 },
  };
  assert.equal(memberDiffHeadline(diff, index), "Sam Patel gains 1 and loses 12 permissions on 3 accounts");
  assert.equal(memberDiffHeadline({ ...diff, gained: [] }, index), "Sam Patel loses 12 permissions on 3 accounts");
});

test("events of every kind read as sentences", async () => {
  const { index } = await example("bt-business");
  const pin = { event: "verification_sent", to: "m-george", channels: ["post"], op: 0, method: "postal_pin", role: "billing.admin", scope: "acc-1003", expiresAt: "2026-12-29T09:00:00Z" };
  assert.equal(describeEvent(pin, index), "George Evans, by post: a postal PIN for Admin (billing) on Bristol depot, valid until 29 Dec 2026");
  const invite = { event: "member_invited", to: "m-jade", channels: ["email", "in_app"], op: 0, role: "billing.user", scope: "acc-1002" };
  assert.equal(describeEvent(invite, index), "Jade Wilson, by e-mail and in the app: invited as User (billing) on York shop");
  assert.equal(describeEvent({ event: "brand_new", to: "m-jade", channels: ["sms"], op: 0 }, index), "Jade Wilson, by text message: brand new");
});

test("a denied operation says why it is denied, never “Why: Allowed…”", async () => {
  // Denied by its own checks: only the denied checks explain it.
  const { index, engine } = await example("bt-business");
  const cs = changeSet(engine, "m-raj", [{ op: "change_role", member: "m-chen", scope: "acc-1002", role: "billing.super_admin" }]);
  const denied = describeSimulation(engine.simulate(cs), cs, index).operations[0];
  assert.equal(denied.why?.summary, "Why it is denied");
  assert.deepEqual(denied.why?.checks.map((c) => c.effect), ["deny"]);
  assert.equal(denied.also, null);

  // Denied by an invariant although its permission check passed: its own reason says
  // why; the check that passed is under a heading that says so.
  const hub = await example("code-hosting");
  const last = rebased(hub.engine, "code-hosting", "remove-last-owner.json");
  const removal = describeSimulation(hub.engine.simulate(last), last, hub.index).operations[0];
  assert.equal(removal.effect, "deny");
  assert.equal(removal.why, null);
  assert.match(removal.reasons[0], /would have 0 active holder/);
  assert.equal(removal.also?.summary, "Checks it passes");
  assert.deepEqual(removal.also?.checks.map((c) => c.text), ["Allowed: “Remove people” on Umbra Labs"]);
});

test("an operation's checks: those that gave its verdict explain it, the others are apart", () => {
  const allow = { effect: /** @type {const} */ ("allow"), text: "Allowed: “A” on S", reasons: [] };
  const deny = { effect: /** @type {const} */ ("deny"), text: "Denied: “B” on S", reasons: ["x"] };
  const wait = { effect: /** @type {const} */ ("conditional"), text: "Needs approval: “C” on S", reasons: [] };
  const none = { approvals: [], verifications: [] };
  assert.deepEqual(explainChecks("allow", none, [allow]), { why: { summary: "Why it is allowed", open: false, checks: [allow] }, also: null });
  assert.deepEqual(explainChecks("deny", none, [allow, deny]), {
    why: { summary: "Why it is denied", open: true, checks: [deny] },
    also: { summary: "Checks it passes", open: false, checks: [allow] },
  });
  assert.deepEqual(explainChecks("deny", none, [wait, allow]).also?.summary, "Other checks");
  assert.equal(explainChecks("conditional", { approvals: [{}], verifications: [] }, [wait, allow]).why?.summary, "Why it needs approval");
  assert.equal(explainChecks("conditional", { approvals: [], verifications: [{}] }, [wait]).why?.summary, "Why it needs verification");
});

test("no operation of an example change set is explained by checks of another verdict", async () => {
  for (const name of readdirSync(path.join(repo, "examples"))) {
    const { index, engine } = await example(name);
    for (const file of readdirSync(path.join(repo, "examples", name, "changes"))) {
      const cs = rebased(engine, name, file);
      for (const o of describeSimulation(engine.simulate(cs), cs, index).operations) {
        for (const c of o.why?.checks ?? []) assert.equal(c.effect, o.effect, `${name}/${file} operation ${o.index}: “${o.why?.summary}: ${c.text}”`);
        if (o.effect !== "allow") assert.doesNotMatch(o.why?.summary ?? "", /allowed/i);
      }
    }
  }
});
