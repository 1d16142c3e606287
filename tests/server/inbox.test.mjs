// What the admin app's inbox reads from the server of record: who the caller is
// (GET /v1/bundle), the self-upgrades waiting on a PIN with their tries and state
// (GET /v1/requests, never the PIN), role requests in their deciders' inbox and
// decided there, and the demo's member list with role and scope names. Loopback
// only; the server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, letters, call, commit } from "./lib.mjs";

let server, db;
const tokens = {};

before(async () => {
  if (skip) return;
  const dir = tempDir();
  db = path.join(dir, "bt.sqlite");
  server = await startServer(db, fixture(dir, "bt-business"), ["--demo"]);
  for (const m of ["m-george", "m-fatima", "m-uma", "m-raj", "m-olivia", "m-alex", "m-chen"]) tokens[m] = token(db, m);
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

const requests = (member) => call(server.base, "GET", "/v1/requests", { token: tokens[member] });

test("the bundle's answer says who the caller is and the server's time", { skip }, async () => {
  const b = await call(server.base, "GET", "/v1/bundle", { token: tokens["m-george"] });
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.member, "m-george");
  assert.match(b.body.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(b.body.bundle.revision, b.body.revision, "the bundle carries the server's revision");
});

test("a self-upgrade waiting on a PIN: its id, expiry, tries left and state, to its member only", { skip }, async () => {
  assert.deepEqual((await requests("m-george")).body.verifications, []);
  const asked = await commit(server.base, tokens["m-george"], "m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]);
  assert.equal(asked.status, 200, asked.text);
  const id = asked.body.pending.verifications[0].id;
  let list = (await requests("m-george")).body.verifications;
  assert.equal(list.length, 1);
  assert.deepEqual(
    { id: list[0].id, role: list[0].role, scope: list[0].scope, method: list[0].method, state: list[0].state, attemptsLeft: list[0].attemptsLeft },
    { id, role: "billing.admin", scope: "acc-1003", method: "postal_pin", state: "live", attemptsLeft: 5 },
  );
  assert.ok(list[0].expiresAt > list[0].issuedAt);
  assert.deepEqual(Object.keys(list[0]).sort(), ["attemptsLeft", "expiresAt", "id", "issuedAt", "method", "role", "scope", "state"], "never the PIN");
  const pin = letters(db, "m-george").find((l) => l.message.verification === id).secret;
  assert.deepEqual((await requests("m-fatima")).body.verifications, [], "nobody else sees it");

  const wrong = pin === "000000" ? "111111" : "000000";
  await call(server.base, "POST", `/v1/verifications/${id}/complete`, { token: tokens["m-george"], body: { pin: wrong } });
  list = (await requests("m-george")).body.verifications;
  assert.equal(list[0].attemptsLeft, 4);
  for (let i = 0; i < 4; i++) await call(server.base, "POST", `/v1/verifications/${id}/complete`, { token: tokens["m-george"], body: { pin: wrong } });
  list = (await requests("m-george")).body.verifications;
  assert.equal(list[0].state, "locked");
  assert.equal(list[0].attemptsLeft, 0);

  const resent = await call(server.base, "POST", `/v1/verifications/${id}/resend`, { token: tokens["m-george"], body: {} });
  assert.equal(resent.status, 200, resent.text);
  const fresh = resent.body.pending.verifications[0].id;
  list = (await requests("m-george")).body.verifications;
  assert.deepEqual([list.length, list[0].id, list[0].state, list[0].attemptsLeft], [1, fresh, "live", 5], "only the newest PIN is listed");

  const right = letters(db, "m-george").find((l) => l.message.verification === fresh).secret;
  const done = await call(server.base, "POST", `/v1/verifications/${fresh}/complete`, { token: tokens["m-george"], body: { pin: right } });
  assert.equal(done.status, 200, done.text);
  assert.deepEqual((await requests("m-george")).body.verifications, [], "done: nothing waits");
});

test("the demo's members carry role and scope names", { skip }, async () => {
  const members = await call(server.base, "GET", "/v1/demo/members");
  const olivia = members.body.members.find((m) => m.member === "m-olivia");
  assert.deepEqual(olivia.roles, [{ role: "billing.super_admin", roleName: "Super admin", scope: "acc-1001", scopeName: "Leeds head office" }]);
});

test("a role request: in its deciders' inbox only, its reason kept from others, decided by one of them, never by the one who asked", { skip }, async () => {
  const asked = await commit(server.base, tokens["m-uma"], "m-uma",
    [{ op: "request_role", role: "billing.advanced_user", scope: "acc-1001", reason: "I tag costs for finance" }]);
  assert.equal(asked.status, 200, asked.text);
  const [id] = asked.body.pending.requests;
  assert.match(id, /^role-request-\d+$/);

  const raj = (await requests("m-raj")).body;
  const entry = raj.toDecide.find((e) => e.request.id === id);
  assert.ok(entry, JSON.stringify(raj.toDecide));
  assert.equal(entry.kind, "role");
  assert.deepEqual(entry.status.eligible, ["m-olivia", "m-raj"]);
  assert.equal(entry.request.reason, "I tag costs for finance");
  const uma = (await requests("m-uma")).body;
  assert.ok(uma.requested.some((e) => e.request.id === id && e.kind === "role"));
  assert.ok(!uma.toDecide.some((e) => e.request.id === id), "nobody decides their own");
  assert.ok(!(await requests("m-alex")).body.toDecide.some((e) => e.request.id === id), "Alex could not give the role");

  // The reason goes to the requester and the deciders only.
  const reasonFor = async (m) => (await call(server.base, "GET", "/v1/bundle", { token: tokens[m] })).body.bundle.roleRequests.find((r) => r.id === id).reason;
  assert.equal(await reasonFor("m-olivia"), "I tag costs for finance");
  assert.equal(await reasonFor("m-uma"), "I tag costs for finance");
  assert.equal(await reasonFor("m-alex"), undefined);

  const decide = (m, decision) => call(server.base, "POST", `/v1/requests/${id}/decision`, { token: tokens[m], body: { decision } });
  const self = await decide("m-uma", "approve");
  assert.equal(self.status, 403, self.text);
  assert.equal(self.body.errors[0].code, "not_an_approver");
  const chen = await decide("m-chen", "reject");
  assert.equal(chen.status, 403, chen.text);
  assert.equal(chen.body.errors[0].code, "not_a_decider");
  const alex = await decide("m-alex", "approve");
  assert.equal(alex.status, 422, alex.text);

  const approved = await decide("m-raj", "approve");
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.body.applied, true);
  const check = await call(server.base, "POST", "/v1/check", { token: tokens["m-uma"], body: { action: "billing.tag_services", resource: "acc-1001" } });
  assert.equal(check.body.effect, "allow", check.text);
  const outbox = await call(server.base, "GET", "/v1/outbox", { token: tokens["m-uma"] });
  const events = outbox.body.messages.map((m) => m.message.event);
  assert.ok(events.includes("role_upgraded") && events.includes("request_decided"), JSON.stringify(events));
  assert.ok(!(await requests("m-raj")).body.toDecide.some((e) => e.request.id === id), "decided: gone from the inbox");
  const again = await decide("m-olivia", "reject");
  assert.equal(again.status, 404, again.text);
});
