// Verification ids on the server of record (bt-business): the id a preview names is
// the id the server records, even when the server judges the change a second or more
// later; asking for one upgrade twice in one change sends one letter. Loopback only;
// the server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, letters, call } from "./lib.mjs";

let dir, db, server;
const tokens = {};

before(async () => {
  if (skip) return;
  dir = tempDir();
  db = path.join(dir, "bt.sqlite");
  server = await startServer(db, fixture(dir, "bt-business"));
  for (const m of ["m-george", "m-fatima"]) tokens[m] = token(db, m);
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

/** The server's preview of `operations` by `actor`, and the change set it is of. */
async function preview(actor, operations) {
  const health = await call(server.base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor, now: health.body.now, operations };
  const sim = await call(server.base, "POST", "/v1/simulate", { token: tokens[actor], body: changeSet });
  assert.equal(sim.status, 200, sim.text);
  changeSet.now = sim.body.now;
  delete sim.body.now;
  return { changeSet, preview: sim.body };
}

test("a self-upgrade previewed a moment before it is committed keeps the verification id it names", { skip }, async () => {
  const { changeSet, preview: p } = await preview("m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]);
  const named = p.events.find((e) => e.event === "verification_sent").verification;
  assert.match(named, /^verification-[0-9a-f]{16}$/);
  await sleep(1100); // the server's clock moves on to another second
  const r = await call(server.base, "POST", "/v1/changes", { token: tokens["m-george"], body: { changeSet, preview: p } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.pending.verifications.map((v) => v.id), [named], "the server records the id the preview named");
});

test("asking for one upgrade twice in one change set sends one letter, for the record it leaves", { skip }, async () => {
  const { changeSet, preview: p } = await preview("m-fatima", [
    { op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" },
    { op: "resend_verification", role: "billing.admin", scope: "acc-1003" },
  ]);
  const resent = p.events.find((e) => e.event === "verification_resent");
  assert.ok(resent, JSON.stringify(p.events));
  const r = await call(server.base, "POST", "/v1/changes", { token: tokens["m-fatima"], body: { changeSet, preview: p } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.pending.verifications.map((v) => v.id), [resent.verification]);
  const sent = letters(db, "m-fatima").filter((l) => l.message.event === "verification_code");
  assert.deepEqual(sent.map((l) => l.message.verification), [resent.verification], "one letter, for the verification that counts");
});
