// The app's client of the server of record (web/js/logic/server.js): the calls it
// makes (method, path, headers, body), what an unreachable server answers, the
// clock offset, and what a commit's answer means.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clockOffset, commitOutcome, createServerClient, serverNow } from "../../web/js/logic/server.js";

/** A fetch that records each call and answers `reply`. */
function recorder(reply = { status: 200, text: '{"ok":true}' }) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, ...init });
    if (reply instanceof Error) throw reply;
    return { status: reply.status, text: async () => reply.text };
  };
  return { calls, fetch };
}

test("calls carry the bearer token only once signed in, and JSON bodies", async () => {
  const { calls, fetch } = recorder();
  const client = createServerClient({ base: "http://h", fetch });
  await client.bundle();
  assert.equal(calls[0].headers.Authorization, undefined);
  client.setToken("rg_" + "a".repeat(64));
  await client.bundle();
  assert.equal(calls[1].url, "http://h/v1/bundle");
  assert.equal(calls[1].headers.Authorization, `Bearer rg_${"a".repeat(64)}`);
  await client.decide("req 1/x", "approve", "ok");
  assert.equal(calls[2].url, "http://h/v1/requests/req%201%2Fx/decision");
  assert.equal(calls[2].method, "POST");
  assert.equal(calls[2].headers["Content-Type"], "application/json");
  assert.deepEqual(JSON.parse(calls[2].body), { decision: "approve", comment: "ok" });
  await client.decide("r", "reject", "");
  assert.deepEqual(JSON.parse(calls[3].body), { decision: "reject" });
  await client.audit({ before: 40, member: "m-a", scope: "", limit: 20 });
  assert.equal(calls[4].url, "http://h/v1/audit?order=newest&before=40&member=m-a&limit=20");
  // Sign-in and invitations never send a token, even when one is set.
  await client.acceptInvitation("inv-1.abc");
  assert.equal(calls[5].headers.Authorization, undefined);
  assert.deepEqual(JSON.parse(calls[5].body), { token: "inv-1.abc" });
  await client.demoSignIn("m-a");
  assert.equal(calls[6].headers.Authorization, undefined);
});

test("an unreachable server and an answer that is not JSON are errors with codes", async () => {
  const down = createServerClient({ fetch: recorder(new Error("connection refused")).fetch });
  const a = await down.health();
  assert.equal(a.status, 0);
  assert.equal(a.body.errors[0].code, "unreachable");
  const html = createServerClient({ fetch: recorder({ status: 502, text: "<html>" }).fetch });
  const b = await html.health();
  assert.equal(b.status, 502);
  assert.equal(b.body.errors[0].code, "not_json");
});

test("the server's time from a measured offset, to the second", () => {
  const sent = Date.parse("2026-12-07T10:00:00.000Z");
  const offset = clockOffset("2026-12-07T10:05:00Z", sent, sent + 200);
  assert.equal(offset, 5 * 60 * 1000 - 100);
  assert.equal(serverNow(offset, sent + 1000), "2026-12-07T10:05:00Z");
  assert.equal(serverNow(0, Date.parse("2026-12-07T10:00:00.999Z")), "2026-12-07T10:00:00Z");
  assert.equal(clockOffset("not a time", 0, 0), 0);
});

test("a commit's answer: committed, stale, changed, blocked, mismatch, refused", () => {
  assert.deepEqual(commitOutcome({ status: 200, body: { ok: true, revision: "r2", revisionBefore: "r1", now: "t", pending: { requests: ["q"] } } }).kind, "committed");
  const stale = commitOutcome({ status: 409, body: { ok: false, revision: "r3", errors: [{ code: "stale_revision", pointer: "/changeSet/baseRevision", message: "another change was committed first" }] } });
  assert.deepEqual(stale, { kind: "stale", revision: "r3", message: "another change was committed first" });
  assert.equal(commitOutcome({ status: 409, body: { ok: false, now: "t", differences: [{}], errors: [{ code: "outcome_changed" }] } }).kind, "changed");
  const blocked = commitOutcome({ status: 422, body: { ok: false, simulation: { summary: { blocked: true } }, errors: [{ code: "blocked", message: "m" }] } });
  assert.equal(blocked.kind, "blocked");
  assert.deepEqual(blocked.simulation, { summary: { blocked: true } });
  assert.equal(commitOutcome({ status: 422, body: { ok: false, differences: [], errors: [{ code: "preview_mismatch" }] } }).kind, "mismatch");
  const refused = commitOutcome({ status: 403, body: { ok: false, errors: [{ code: "target_not_visible", pointer: "/x", message: "no" }] } });
  assert.deepEqual(refused, { kind: "refused", status: 403, errors: [{ code: "target_not_visible", pointer: "/x", message: "no" }] });
  assert.equal(commitOutcome({ status: 500, body: {} }).errors[0].code, "unexpected");
});
