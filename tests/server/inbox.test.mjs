// What the admin app's inbox reads from the server of record: who the caller is
// (GET /v1/bundle), the self-upgrades waiting on a PIN with their tries and state
// (GET /v1/requests, never the PIN), and the demo's member list with role and
// scope names. Loopback only; the server is stopped by its pid.
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
  for (const m of ["m-george", "m-fatima"]) tokens[m] = token(db, m);
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
