// Access requests (docs/changes.md section 2b) in the admin app: asking for a role,
// withdrawing the request and deciding it, as forms, choices, sentences and previews,
// on the BT Business example with the real engine.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { indexBundle } from "../../web/js/logic/bundle-index.js";
import { askableRoles, buildOperation, editPlan, fieldOptions, operationToValues, untilTimestamp } from "../../web/js/logic/op-form.js";
import { availableKinds, describeOperation, kindLabel, roleRequestWords } from "../../web/js/logic/operations.js";
import { describeEvent, describeSimulation, eventWords } from "../../web/js/logic/preview.js";
import { decidableRoleRequests, mayDecideRoleRequest, roleRequestScopes, visibleTo } from "../../web/js/logic/queries.js";
import { describeReason, operationContext } from "../../web/js/logic/reasons.js";
import { changeSet, example, NOW } from "./helpers.mjs";

const ASK = { op: "request_role", role: "billing.advanced_user", scope: "acc-1001", reason: "I tag our services' costs for finance" };

/** A form context for an actor (on the example, or on another bundle and engine). */
async function context(actor, on) {
  const { index, engine } = on ?? (await example("bt-business"));
  return { index, actor, visible: new Set(visibleTo(engine, index, actor, NOW).keys()), operations: [] };
}

/** The BT Business bundle after Uma asked for Advanced user: its index and engine. */
async function afterUmaAsked() {
  const { engine } = await example("bt-business");
  const result = engine.simulate(changeSet(engine, "m-uma", [ASK]), { bundleAfter: true });
  assert.ok(result.ok, JSON.stringify(result.errors));
  const after = await createEngine(JSON.stringify(result.bundleAfter));
  assert.ok(after.ok);
  return { index: indexBundle(result.bundleAfter), engine: after, bundle: result.bundleAfter };
}

test("a policy that maps request_role offers asking for a role and withdrawing it", async () => {
  const { index } = await example("bt-business");
  const kinds = availableKinds(index.operations).map((k) => k.kind);
  assert.ok(kinds.includes("request_role") && kinds.includes("withdraw_request"));
  assert.equal(kindLabel("request_role"), "Ask for a role");
  assert.equal(kindLabel("withdraw_request"), "Withdraw your request for a role");
  const hub = await example("account-hub");
  assert.ok(!availableKinds(hub.index.operations).some((k) => k.kind === "request_role" || k.kind === "withdraw_request"), "a policy without requests");
});

test("asking: the actor's scopes where asking applies, then the roles given there they do not hold", async () => {
  const uma = await context("m-uma");
  assert.deepEqual(fieldOptions("request_role", "scope", {}, uma).map((o) => o.value), ["acc-1001"], "not svc-5001, where asking does not apply");
  const roles = fieldOptions("request_role", "role", { scope: "acc-1001" }, uma);
  assert.deepEqual(roles.map((o) => o.value), ["billing.super_admin", "billing.admin", "billing.advanced_user"]);
  const { index } = await example("bt-business");
  assert.ok(!askableRoles(index, "m-uma", "acc-1001").some((r) => r.id === "billing.user"), "she holds User there");
  const george = await context("m-george");
  assert.deepEqual(fieldOptions("request_role", "scope", {}, george).map((o) => o.value), ["acc-1003", "co-2002"]);
  // Asked already: still offered, marked.
  const after = await afterUmaAsked();
  const again = fieldOptions("request_role", "role", { scope: "acc-1001" }, await context("m-uma", after));
  assert.equal(again.find((o) => o.value === "billing.advanced_user").label, "Advanced user · rank 20 (you asked already)");
});

test("building a request: the reason (at most 500 characters) and until (a date or a time)", async () => {
  const ctx = await context("m-uma");
  assert.deepEqual(buildOperation("request_role", { scope: "acc-1001", role: "billing.admin" }, ctx), { ok: true, op: { op: "request_role", scope: "acc-1001", role: "billing.admin" } });
  const full = buildOperation("request_role", { scope: "acc-1001", role: "billing.admin", reason: "  Cover for Raj  ", until: "2027-03-31" }, ctx);
  assert.deepEqual(full.op, { op: "request_role", scope: "acc-1001", role: "billing.admin", reason: "Cover for Raj", until: "2027-03-31T00:00:00Z" });
  const bad = buildOperation("request_role", { scope: "acc-1001", reason: "x".repeat(501), until: "next week" }, ctx);
  assert.deepEqual(Object.keys(bad.errors).sort(), ["reason", "role", "until"]);
  assert.equal(bad.errors.reason, "keep it to 500 characters (this is 501)");
  assert.match(bad.errors.until, /2027-03-31/);
  assert.equal(untilTimestamp("2027-02-30"), null);
  assert.equal(untilTimestamp("2027-03-31T17:00:00Z"), "2027-03-31T17:00:00Z");
  // Edited in its own form, it comes back the same.
  assert.deepEqual(operationToValues(full.op), { scope: "acc-1001", role: "billing.admin", reason: "Cover for Raj", until: "2027-03-31T00:00:00Z" });
  assert.equal(editPlan(full.op, ctx).asJson, false);
  assert.equal(editPlan({ op: "withdraw_request", request: "role-request-1" }, ctx).asJson, false);
});

test("asking, withdrawing and deciding read as sentences with names", async () => {
  const { index } = await example("bt-business");
  assert.equal(describeOperation(ASK, index, "m-uma"), "Uma Brooks asks for Advanced user on Leeds head office: “I tag our services' costs for finance”");
  assert.equal(describeOperation({ op: "request_role", role: "billing.admin", scope: "acc-1001", until: "2027-03-31T00:00:00Z" }, index, "m-uma"), "Uma Brooks asks for Admin (billing) on Leeds head office, until 31 Mar 2027");
  assert.equal(describeOperation({ op: "withdraw_request", request: "role-request-7" }, index, "m-uma"), "Uma Brooks withdraws request role-request-7", "a request the policy does not hold yet");
  const after = await afterUmaAsked();
  assert.equal(describeOperation({ op: "withdraw_request", request: "role-request-1" }, after.index, "m-uma"), "Uma Brooks withdraws the request for Advanced user on Leeds head office");
  assert.equal(describeOperation({ op: "decide_request", request: "role-request-1", decision: "approve" }, after.index, "m-raj"), "Approve Uma Brooks's request for Advanced user on Leeds head office");
  assert.equal(describeOperation({ op: "decide_request", request: "role-request-1", decision: "reject" }, after.index, "m-raj"), "Reject Uma Brooks's request for Advanced user on Leeds head office");
  const request = after.index.roleRequests.get("role-request-1");
  assert.equal(roleRequestWords(request, after.index), "Uma Brooks asks for Advanced user on Leeds head office");
  assert.equal(roleRequestWords(request, after.index, "m-uma"), "You ask for Advanced user on Leeds head office");
});

test("deciding offers the role requests the actor could decide; withdrawing, the actor's own", async () => {
  const after = await afterUmaAsked();
  for (const [member, may] of [["m-raj", true], ["m-olivia", true], ["m-alex", false], ["m-uma", false]]) {
    assert.equal(mayDecideRoleRequest(after.engine, after.index, member, after.index.roleRequests.get("role-request-1"), NOW), may, member);
  }
  const offered = async (kind, actor) => {
    const ctx = { ...(await context(actor, after)), decidable: decidableRoleRequests(after.engine, after.index, actor, NOW) };
    return fieldOptions(kind, "request", {}, ctx);
  };
  assert.deepEqual(await offered("decide_request", "m-raj"), [{ value: "role-request-1", label: "Uma Brooks asks for Advanced user on Leeds head office (asked 1 Dec 2026)" }]);
  assert.deepEqual(await offered("decide_request", "m-alex"), []);
  assert.deepEqual(await offered("decide_request", "m-uma"), [], "nobody decides their own");
  assert.deepEqual(await offered("apply_approved", "m-raj"), [], "a role request is given when approved: nothing to apply");
  assert.deepEqual(await offered("withdraw_request", "m-uma"), [{ value: "role-request-1", label: "Advanced user on Leeds head office (asked 1 Dec 2026)" }]);
  assert.deepEqual(await offered("withdraw_request", "m-raj"), []);
  // A request asked earlier in the same change can be withdrawn in it.
  const ctx = { ...(await context("m-uma")), asked: [{ id: "role-request-1", requester: "m-uma", role: "billing.admin", scope: "acc-1001" }] };
  assert.deepEqual(fieldOptions("withdraw_request", "request", {}, ctx), [{ value: "role-request-1", label: "Admin (billing) on Leeds head office (asked in this change)" }]);
  // The decision, as the engine previews it, gives Uma the role.
  const cs = changeSet(after.engine, "m-raj", [{ op: "decide_request", request: "role-request-1", decision: "approve" }]);
  const model = describeSimulation(after.engine.simulate(cs), cs, after.index);
  assert.equal(model.operations[0].title, "Approve Uma Brooks's request for Advanced user on Leeds head office");
  assert.deepEqual(model.diff.members.map((m) => m.roles), [["User (billing) becomes Advanced user on Leeds head office"]]);
  assert.deepEqual(model.events.map((e) => e.text), [
    "Uma Brooks, by e-mail: upgraded from User (billing) to Advanced user on Leeds head office",
    "Uma Brooks, by e-mail: the request for Advanced user on Leeds head office was approved; names Raj Patel",
  ]);
});

test("the preview of a request names who decides and changes nobody's access", async () => {
  const { index, engine } = await example("bt-business");
  const cs = changeSet(engine, "m-uma", [ASK]);
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.equal(model.verdict, "Ready to submit: nothing blocks this change");
  assert.equal(model.operations[0].deciders, "Goes to Olivia Hart or Raj Patel, who could give this role. Nobody's access changes until one of them approves.");
  assert.equal(model.diff.headline, "Nobody's access changes");
  assert.deepEqual(model.events.map((e) => e.text), [
    "Olivia Hart, by e-mail: Uma Brooks (uma.brooks@hartwell.example.com) asks for Advanced user on Leeds head office: “I tag our services' costs for finance”",
    "Raj Patel, by e-mail: Uma Brooks (uma.brooks@hartwell.example.com) asks for Advanced user on Leeds head office: “I tag our services' costs for finance”",
  ]);
  const raj = changeSet(engine, "m-raj", [{ op: "request_role", role: "billing.super_admin", scope: "acc-1001" }]);
  assert.equal(describeSimulation(engine.simulate(raj), raj, index).operations[0].deciders, "Goes to Olivia Hart, who could give this role. Nobody's access changes until one of them approves.");
  const george = changeSet(engine, "m-george", [{ op: "request_role", role: "billing.admin", scope: "acc-1003" }]);
  const refused = describeSimulation(engine.simulate(george), george, index);
  assert.equal(refused.operations[0].effect, "deny");
  assert.equal(refused.operations[0].deciders, "Nobody could give this role here.");
  assert.deepEqual(refused.operations[0].reasons, ["No active member may give Admin (billing) on Bristol depot, so nobody could decide the request"]);
});

test("every refusal of an access request is a sentence, not a code", async () => {
  const { index, engine } = await example("bt-business");
  const reasonsOf = (actor, op, on = { index, engine }) => {
    const cs = changeSet(on.engine, actor, [op]);
    const model = describeSimulation(on.engine.simulate(cs), cs, on.index);
    assert.equal(model.operations[0].effect, "deny");
    assert.equal(model.operations[0].deciders ?? null, null, "only a request nobody could decide says so instead of naming deciders");
    return model.operations[0].reasons;
  };
  assert.deepEqual(reasonsOf("m-uma", { op: "request_role", role: "billing.user", scope: "acc-1001" }), ["Uma Brooks already holds User (billing) on Leeds head office"]);
  assert.deepEqual(reasonsOf("m-uma", { op: "request_role", role: "billing.admin", scope: "acc-1001", until: "2020-01-01T00:00:00Z" }), ["The role would end on 1 Jan 2020, 00:00 UTC, which is not after now: choose a later time, or none"]);
  assert.deepEqual(reasonsOf("m-uma", { op: "request_role", role: "apps.admin", scope: "acc-1001" }), ["Admin (apps) is not given on a billing account"]);
  assert.deepEqual(reasonsOf("m-jade", { op: "request_role", role: "billing.admin", scope: "acc-1002" }), ["Member Jade Wilson is invited: only an active member asks for a role"]);
  const after = await afterUmaAsked();
  assert.deepEqual(reasonsOf("m-uma", ASK, after), ["Uma Brooks already asked for Advanced user on Leeds head office, and that request still waits for a decision"]);
  assert.deepEqual(reasonsOf("m-raj", { op: "withdraw_request", request: "role-request-1" }, after), ["Only Uma Brooks, who asked, may withdraw this request"]);
  assert.deepEqual(reasonsOf("m-alex", { op: "decide_request", request: "role-request-1", decision: "reject" }, after), [
    "Alex Morgan could not give Advanced user on Leeds head office now, so may not decide this request; only Olivia Hart or Raj Patel may",
  ]);
  assert.deepEqual(reasonsOf("m-uma", { op: "decide_request", request: "role-request-1", decision: "approve" }, after), ["Uma Brooks asked for it, and nobody decides their own request"]);
  const lapsed = describeReason({ code: "request_expired", message: "request `role-request-1` lapsed at 2026-12-15T09:00:00Z", expiresAt: "2026-12-15T09:00:00Z" }, after.index);
  assert.equal(lapsed, "the request lapsed on 15 Dec 2026, 09:00 UTC without a decision; the member may ask again");
  assert.deepEqual(operationContext({ op: "decide_request", request: "role-request-1" }, after.index, "m-raj"), { actor: "m-raj", resource: "acc-1001", attributes: { role: "billing.advanced_user" } });
});

test("notifications of access requests read as sentences", async () => {
  const { index } = await example("bt-business");
  const withdrawn = { event: "role_request_withdrawn", to: "m-raj", channels: ["email"], op: 0, request: "role-request-1", requester: "m-uma", role: "billing.admin", scope: "acc-1001" };
  assert.equal(describeEvent(withdrawn, index), "Raj Patel, by e-mail: Uma Brooks withdrew the request for Admin (billing) on Leeds head office");
  assert.equal(eventWords({ event: "request_decided", request: "role-request-1", decision: "reject", role: "billing.admin", scope: "acc-1001" }, index), "the request for Admin (billing) on Leeds head office was rejected");
  assert.equal(eventWords({ event: "request_decided", request: "req-1", decision: "approve" }, index), "request req-1 was approved", "an approval request as before");
  assert.equal(eventWords({ event: "role_requested", request: "role-request-1", requester: "m-chen", role: "apps.admin", scope: "co-2001" }, index), "Wei Chen asks for Admin (apps) on Hartwell Trading Ltd".replace("Hartwell Trading Ltd", index.scopeName("co-2001")));
});

test("the members view offers asking on the actor's own scopes where the policy lets them ask", async () => {
  const { index, engine } = await example("bt-business");
  assert.deepEqual(roleRequestScopes(engine, index, "m-uma", NOW), ["acc-1001"]);
  assert.deepEqual(roleRequestScopes(engine, index, "m-george", NOW), ["acc-1003", "co-2002"]);
  assert.deepEqual(roleRequestScopes(engine, index, "m-jade", NOW), [], "an invited member asks for nothing");
  const hub = await example("account-hub");
  assert.deepEqual(roleRequestScopes(hub.engine, hub.index, "m-lena", NOW), [], "a policy without requests offers none");
});
