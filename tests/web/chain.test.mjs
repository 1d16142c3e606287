// What-if chains: continue from a change's bundle after, build the next change
// on its revision, and verify the chain step by step as a server would.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { breadcrumb, CHAIN_FORMAT, chainDocument, chainSteps, describeChainVerification, pendingUpgrades } from "../../web/js/logic/chain.js";
import { changeSet, example, NOW } from "./helpers.mjs";

/** The engine's verification of the steps as a chain document, from the policy `bundleText`. */
async function verifyChain(bundleText, steps) {
  const original = await createEngine(bundleText);
  assert.ok(original.ok, JSON.stringify(original.errors));
  try {
    return original.verifyChain(chainDocument(steps, "both"));
  } finally {
    original.close();
  }
}

/** Simulates a change on a bundle and continues from it: the next engine and the step kept. */
async function step(engine, bundleText, actor, operations) {
  const cs = changeSet(engine, actor, operations);
  const preview = engine.simulate(cs);
  assert.ok(preview.ok, JSON.stringify(preview.errors));
  const full = engine.simulate(cs, { bundleAfter: true });
  const afterText = JSON.stringify(full.bundleAfter);
  const next = await createEngine(afterText);
  assert.ok(next.ok, JSON.stringify(next.errors));
  return { step: { changeSet: cs, preview, bundleText }, next, afterText, bundleAfter: full.bundleAfter };
}

test("an End User's order: approval recorded, then decided by an approver and applied on the bundle after", async () => {
  const { text, bundle } = await example("account-hub");
  // The example sends no action_performed notification; this copy of it does.
  const withEvent = JSON.stringify({ ...bundle, notifications: [...bundle.notifications, { event: "action_performed", channels: ["in_app"] }] });
  const engine = await createEngine(withEvent);
  const order = { op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 24900 } };
  const first = await step(engine, withEvent, "m-lena", [order]);
  assert.equal(first.step.preview.operations[0].effect, "conditional");
  assert.equal(first.next.revision, first.step.preview.revisionAfter, "the bundle after carries the revision after");
  const request = first.bundleAfter.approvalRequests.find((r) => r.requester === "m-lena");
  const approver = first.step.preview.operations[0].requirements.approvals[0].approvers[0];

  const cs2 = changeSet(first.next, approver, [
    { op: "decide_request", request: request.id, decision: "approve" },
    { op: "apply_approved", request: request.id },
  ]);
  assert.equal(cs2.baseRevision, first.step.preview.revisionAfter, "the next change set is built on the bundle after");
  const preview2 = first.next.simulate(cs2);
  assert.deepEqual(preview2.operations.map((o) => o.effect), ["allow", "allow"]);
  assert.equal(preview2.summary.blocked, false);
  const performed = preview2.events.find((e) => e.event === "action_performed");
  assert.ok(performed, JSON.stringify(preview2.events));
  assert.equal(performed.to, "m-lena", "performed as the requester's");
  assert.equal(performed.action, "orders.place");

  const steps = chainSteps([first.step], cs2, preview2);
  assert.equal(steps.length, 2);
  const verdict = await verifyChain(withEvent, steps);
  assert.deepEqual(verdict.steps.map((v) => v.match), [true, true]);
  assert.equal(verdict.match, true);
  assert.equal(verdict.committable, true, "the chain commits as its last step, which nothing blocks");
  assert.equal(verdict.revision, cs2.baseRevision, "the last step's base");
  assert.equal(verdict.steps[1].revision, cs2.baseRevision);
  assert.match(describeChainVerification(verdict), /^Every step matches: step 1 matches, step 2 matches/);

  // The example itself: the same chain, applied and not blocked.
  const plain = await createEngine(text);
  const a = await step(plain, text, "m-lena", [order]);
  const b = a.next.simulate(changeSet(a.next, approver, cs2.operations));
  assert.equal(b.summary.blocked, false);
  assert.deepEqual(b.operations.map((o) => o.effect), ["allow", "allow"]);
});

test("a chain whose step was tampered with is caught at that step", async () => {
  const { text, engine } = await example("account-hub");
  const first = await step(engine, text, "m-lena", [{ op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 24900 } }]);
  const request = first.bundleAfter.approvalRequests[0];
  const cs2 = changeSet(first.next, "m-olivia", [{ op: "decide_request", request: request.id, decision: "approve" }]);
  const preview2 = first.next.simulate(cs2);
  const forged = { ...preview2, summary: { ...preview2.summary, blocked: true } };
  const verdict = await verifyChain(text, chainSteps([first.step], cs2, forged));
  assert.equal(verdict.steps[0].match, true);
  assert.equal(verdict.steps[1].match, false);
  assert.equal(verdict.match, false);
  assert.equal(verdict.committable, false);
  assert.ok(verdict.steps[1].differences.some((d) => d.pointer === "/summary/blocked"));
  assert.ok(verdict.differences.some((d) => d.pointer === "/steps/1/preview/summary/blocked"), "differences point into the chain");
  assert.match(describeChainVerification(verdict), /^Not every step matches: step 1 matches, step 2 differs in 1 place/);
  // Step 2 alone on the original policy is refused: it names the revision after step 1.
  assert.equal(engine.simulate(cs2).ok, false);
});

test("a self-upgrade asked for, then completed with the PIN on the bundle after", async () => {
  const { text, engine } = await example("bt-business");
  const first = await step(engine, text, "m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]);
  assert.equal(first.step.preview.operations[0].effect, "conditional");
  const records = first.bundleAfter.verifications ?? [];
  const id = records[0].id;
  assert.match(id, /^verification-[0-9a-f]{16}$/);
  assert.equal(first.step.preview.events.find((e) => e.event === "verification_sent").verification, id, "the letter's event names the verification");
  // The PIN step, as the engine says (openVerifications) of the change on the bundle after.
  const pending = (/** @type {string} */ actor, /** @type {object[]} */ ops) => pendingUpgrades(first.next, changeSet(first.next, actor, ops));
  assert.deepEqual(pending("m-george", []), [{ role: "billing.admin", scope: "acc-1003", verification: id }], "the PIN step is offered from the record, naming it");
  assert.deepEqual(pending("m-olivia", []), [], "only to the member who asked");
  assert.deepEqual(pending("m-george", [{ op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003" }]), []);
  assert.deepEqual(pending("m-george", [{ op: "resend_verification", role: "billing.admin", scope: "acc-1003" }]), [{ role: "billing.admin", scope: "acc-1003" }], "a resend in the change: its new id changes with the change");
  // Asked for in the change itself; none when the engine denies the request.
  assert.deepEqual(pendingUpgrades(engine, changeSet(engine, "m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }])), [{ role: "billing.admin", scope: "acc-1003" }]);
  assert.deepEqual(pendingUpgrades(engine, changeSet(engine, "m-olivia", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }])), [], "a denied request sends no PIN");
  const cs2 = changeSet(first.next, "m-george", [{ op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003", verification: id }]);
  const preview2 = first.next.simulate(cs2);
  assert.equal(preview2.operations[0].effect, "allow", JSON.stringify(preview2.operations[0].reasons));
  // A resend deletes the record: the verification it had no longer counts.
  const resent = await step(first.next, first.afterText, "m-george", [{ op: "resend_verification", role: "billing.admin", scope: "acc-1003", verification: id }]);
  const event = resent.step.preview.events.find((e) => e.event === "verification_resent");
  assert.equal(event.replaces, id);
  assert.notEqual(event.verification, id);
  const stale = resent.next.simulate(changeSet(resent.next, "m-george", [{ op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003", verification: id }]));
  assert.equal(stale.operations[0].reasons[0].code, "verification_superseded");
  assert.equal(preview2.summary.blocked, false);
  assert.ok(preview2.events.some((e) => e.event === "role_upgraded" && e.to === "m-george"));
  const verdict = await verifyChain(text, chainSteps([first.step], cs2, preview2));
  assert.ok(verdict.match && verdict.steps.length === 2);
});

test("a chain whose step cannot be verified names that step; one whose last step is blocked says so", async () => {
  const { text, engine } = await example("account-hub");
  const order = { op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 24900 } };
  const first = await step(engine, text, "m-lena", [order]);
  // Step 2 built on the original revision, not on the bundle step 1 leaves.
  const stale = changeSet(engine, "m-lena", [order]);
  const failed = await verifyChain(text, [first.step, { changeSet: stale, preview: engine.simulate(stale) }]);
  assert.equal(failed.ok, false);
  assert.deepEqual(failed.errors.map((e) => [e.code, e.pointer]), [["stale_revision", "/steps/1/changeSet/baseRevision"]]);
  assert.match(describeChainVerification(failed), /^Not every step matches: step 2 cannot be verified \(.*revision/);
  // One step, an order that needs an approval: it matches, and is not committable.
  const blocked = await verifyChain(text, [first.step]);
  assert.equal(blocked.match, true);
  assert.equal(blocked.committable, false);
  assert.match(describeChainVerification(blocked), /^Every step matches: step 1 matches .*The last step is blocked/);
  // Not a chain at all.
  const notChain = engine.verifyChain({ format: "rolegate-changeset/1", steps: [] });
  assert.deepEqual(notChain.errors.map((e) => [e.code, e.pointer]), [["unsupported_format", "/format"]]);
  assert.match(describeChainVerification(notChain), /^The chain cannot be verified \(expected a chain/);
});

test("the chain in words and as documents", () => {
  const cs = (base, n) => ({ format: "rolegate-changeset/1", baseRevision: base, actor: "m-a", now: NOW, operations: Array(n).fill({ op: "block", member: "m-b" }) });
  const steps = [
    { changeSet: cs("r0", 1), preview: { ok: true, n: 1 }, bundleText: "{}" },
    { changeSet: cs("r1", 1), preview: { ok: true, n: 2 }, bundleText: "{}" },
  ];
  assert.deepEqual(breadcrumb([], "r0"), []);
  assert.deepEqual(breadcrumb(steps, "r2"), [
    { label: "Original", revision: "r0", current: false },
    { label: "After change 1", revision: "r1", current: false },
    { label: "After change 2", revision: "r2", current: true },
  ]);
  const current = cs("r2", 1);
  const all = chainSteps(steps, current, { ok: true, n: 3 });
  assert.equal(all.length, 3);
  assert.equal(chainSteps(steps, cs("r2", 0), { ok: true }).length, 2, "an empty change is no step");
  const doc = chainDocument(all, "changeSets");
  assert.equal(doc.format, CHAIN_FORMAT);
  assert.equal(doc.baseRevision, "r0");
  assert.deepEqual(doc.changeSets.map((c) => c.baseRevision), ["r0", "r1", "r2"]);
  assert.deepEqual(chainDocument(all, "previews").previews.map((p) => p.n), [1, 2, 3]);
  assert.deepEqual(chainDocument(all, "both").steps.map((s) => s.changeSet.baseRevision), ["r0", "r1", "r2"]);
});
