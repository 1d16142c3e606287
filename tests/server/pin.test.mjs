// Postal PINs on the server of record (bt-business): the server generates the PIN,
// keeps only its salted hash and posts the letter; a wrong PIN is refused and
// counted, five lock it, a resend voids the old one, an expired one is refused at
// the server's time (the client sends no time at all), the right one unlocks the
// role. The API never shows the PIN; only the delivery side (`rolegate outbox`)
// reads it. Loopback only; each server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, letters, call, commit } from "./lib.mjs";

const DAY = 24 * 3600;
let dir, db, bundleFile, server;
const tokens = {};

function pinOf(member, verification) {
  const letter = letters(db, member).find((l) => l.message.event === "verification_code" && l.message.verification === verification);
  assert.ok(letter, `a letter for ${verification}`);
  assert.equal(letter.channel, "post");
  assert.match(letter.secret, /^\d{6}$/);
  return letter.secret;
}

async function upgrade(member, role, scope) {
  const r = await commit(server.base, tokens[member], member, [{ op: "request_self_upgrade", role, scope }]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.summary.conditional, 1);
  assert.equal(r.body.pending.verifications.length, 1);
  return r.body.pending.verifications[0].id;
}

const complete = (member, id, pin) => call(server.base, "POST", `/v1/verifications/${id}/complete`, { token: tokens[member], body: { pin } });

before(async () => {
  if (skip) return;
  dir = tempDir();
  db = path.join(dir, "bt.sqlite");
  bundleFile = fixture(dir, "bt-business");
  server = await startServer(db, bundleFile);
  for (const m of ["m-george", "m-fatima", "m-olivia"]) tokens[m] = token(db, m);
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

test("an expired PIN is refused at the server's time, and the API never shows a PIN", { skip }, async () => {
  const id = await upgrade("m-fatima", "billing.admin", "acc-1003");
  assert.match(id, /^verification-[0-9a-f]{16}$/);
  const pin = pinOf("m-fatima", id);
  const outbox = await call(server.base, "GET", "/v1/outbox", { token: tokens["m-fatima"] });
  assert.equal(outbox.status, 200);
  assert.ok(!outbox.text.includes(pin), "the PIN goes by post only");
  assert.ok(outbox.body.messages.some((m) => m.carriesSecret && m.message.verification === id));

  // 29 days later by the server's clock (the PIN is valid for 28).
  await stop(server);
  server = await startServer(db, null, ["--clock-offset", String(29 * DAY)]);
  const late = await complete("m-fatima", id, pin);
  assert.equal(late.status, 422, late.text);
  assert.equal(late.body.errors[0].code, "verification_expired");
  await stop(server);
  server = await startServer(db, null);
});

test("answers sent at once cannot have more than five PINs checked; a sixth PIN in a day is refused", { skip }, async () => {
  // Fatima's PIN from the first test is live again at the real time.
  const letter = letters(db, "m-fatima").find((l) => l.message.event === "verification_code");
  const id = letter.message.verification;
  const pin = letter.secret;
  const wrong = pin === "000000" ? "111111" : "000000";
  // 50 wrong answers at once: five are checked, the rest find no try left.
  const answers = await Promise.all(Array.from({ length: 50 }, () => complete("m-fatima", id, wrong)));
  const checked = answers.filter((a) => a.body.errors?.[0]?.message.startsWith("wrong PIN"));
  assert.equal(checked.length, 5, answers.map((a) => a.text).join("\n"));
  assert.ok(answers.every((a) => a.status === 422));
  // Locked: the right PIN no longer opens it.
  const after = await complete("m-fatima", id, pin);
  assert.equal(after.body.errors[0].code, "verification_locked", after.text);
  // New PINs: the first was issued in the first test; three resends...
  let current = id;
  for (let i = 0; i < 3; i++) {
    const r = await call(server.base, "POST", `/v1/verifications/${current}/resend`, { token: tokens["m-fatima"], body: {} });
    assert.equal(r.status, 200, r.text);
    current = r.body.pending.verifications[0].id;
  }
  // ...and a fifth PIN in 24 hours is refused, however it is asked for.
  const fifth = await call(server.base, "POST", `/v1/verifications/${current}/resend`, { token: tokens["m-fatima"], body: {} });
  assert.equal(fifth.status, 429, fifth.text);
  assert.equal(fifth.body.errors[0].code, "too_many_pins");
  const again = await commit(server.base, tokens["m-fatima"], "m-fatima", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]);
  assert.equal(again.status, 429, again.text);
  // The newest PIN still works for its verification (not completed here, so
  // that George, below, upgrades while the account has no admin).
  assert.match(pinOf("m-fatima", current), /^\d{6}$/);
});

test("wrong PINs are counted and five lock it; a resend voids the old PIN; the right PIN unlocks the role", { skip }, async () => {
  const id = await upgrade("m-george", "billing.admin", "acc-1003");
  const pin = pinOf("m-george", id);
  const wrong = pin === "000000" ? "111111" : "000000";

  // Someone else cannot use George's verification, even with the right PIN.
  const other = await complete("m-fatima", id, pin);
  assert.equal(other.status, 404, other.text);

  const first = await complete("m-george", id, wrong);
  assert.equal(first.status, 422, first.text);
  assert.equal(first.body.errors[0].code, "wrong_pin");
  assert.equal(first.body.attemptsLeft, 4);
  for (let i = 0; i < 3; i++) assert.equal((await complete("m-george", id, wrong)).body.attemptsLeft, 3 - i);
  const fifth = await complete("m-george", id, wrong);
  assert.equal(fifth.body.errors[0].code, "verification_locked");
  const locked = await complete("m-george", id, pin);
  assert.equal(locked.status, 422, locked.text);
  assert.equal(locked.body.errors[0].code, "verification_locked", "locked: even the right PIN is refused");

  // Resend PIN: a new verification with a new id; the old one is void.
  const resent = await call(server.base, "POST", `/v1/verifications/${id}/resend`, { token: tokens["m-george"], body: {} });
  assert.equal(resent.status, 200, resent.text);
  const newId = resent.body.pending.verifications[0].id;
  assert.notEqual(newId, id);
  const newPin = pinOf("m-george", newId);
  const old = await complete("m-george", id, pin);
  assert.equal(old.body.errors[0].code, "verification_superseded", old.text);
  if (newPin !== pin) {
    const oldOnNew = await complete("m-george", newId, pin);
    assert.equal(oldOnNew.body.errors[0].code, "wrong_pin", "the old PIN does not open the new verification");
  }

  // Not yet an admin...
  const before = await call(server.base, "POST", "/v1/check", { token: tokens["m-george"], body: { action: "members.invite", resource: "acc-1003", attributes: { role: "billing.user" } } });
  assert.equal(before.body.effect, "deny", before.text);
  // A change set completes the upgrade with the PIN it carries: without one, or with
  // a wrong one, it is refused (the same tries as the endpoint); with the right one
  // it commits, and the PIN is nowhere in the audit log or the revision.
  const op = { op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003" };
  const noPin = await commit(server.base, tokens["m-george"], "m-george", [op]);
  assert.equal(noPin.status, 422, noPin.text);
  assert.equal(noPin.body.errors[0].code, "proof_required");
  assert.equal(noPin.body.errors[0].pointer, "/changeSet/operations/0/pin");
  const wrongInSet = await commit(server.base, tokens["m-george"], "m-george", [{ ...op, pin: newPin === "000000" ? "111111" : "000000" }]);
  assert.equal(wrongInSet.status, 422, wrongInSet.text);
  assert.equal(wrongInSet.body.errors[0].code, "wrong_pin");
  assert.equal(wrongInSet.body.errors[0].pointer, "/changeSet/operations/0/pin");
  // The old PIN tried on the new verification above took one try; this is the second.
  assert.equal(wrongInSet.body.attemptsLeft, newPin !== pin ? 3 : 4);
  const preview = await call(server.base, "POST", "/v1/simulate", { token: tokens["m-george"], body: {
    format: "rolegate-changeset/1", baseRevision: (await call(server.base, "GET", "/v1/health")).body.revision,
    actor: "m-george", now: "2026-12-01T00:00:00Z", operations: [{ ...op, pin: "123456" }] } });
  assert.deepEqual(preview.body.operations[0].checkedByServer, ["pin"], preview.text);
  const otherPin = await call(server.base, "POST", "/v1/simulate", { token: tokens["m-george"], body: {
    format: "rolegate-changeset/1", baseRevision: (await call(server.base, "GET", "/v1/health")).body.revision,
    actor: "m-george", now: "2026-12-01T00:00:00Z", operations: [{ ...op, pin: "654321" }] } });
  assert.equal(otherPin.body.revisionAfter, preview.body.revisionAfter, "the PIN is not hashed into the revision");
  const done = await commit(server.base, tokens["m-george"], "m-george", [{ ...op, pin: newPin }]);
  assert.equal(done.status, 200, done.text);
  // ...now one.
  const bundle = await call(server.base, "GET", "/v1/bundle", { token: tokens["m-george"] });
  assert.ok(bundle.body.bundle.bindings.some((b) => b.member === "m-george" && b.role === "billing.admin" && b.scope === "acc-1003"));
  const afterwards = await call(server.base, "POST", "/v1/check", { token: tokens["m-george"], body: { action: "members.invite", resource: "acc-1003", attributes: { role: "billing.user" } } });
  assert.equal(afterwards.body.effect, "allow", afterwards.text);
  // Used once.
  const again = await complete("m-george", newId, newPin);
  assert.equal(again.body.errors[0].code, "verification_used");
  // The audit says who completed which verification, and the PIN is nowhere in it.
  // George, now an admin of acc-1003, holds bt-business's audit permission there.
  const audit = await call(server.base, "GET", "/v1/audit?limit=500", { token: tokens["m-george"] });
  assert.equal(audit.status, 200, audit.text);
  const completed = audit.body.entries.find((e) => e.revisionAfter === done.body.revision);
  assert.ok(completed, "the completing commit is in the audit log");
  assert.equal(completed.actor, "m-george");
  assert.deepEqual(completed.detail.changeSet.operations, [op], "recorded without its PIN");
  assert.ok(!audit.text.includes('"pin"'), "no PIN anywhere in the audit log");
  // Olivia, a super admin of acc-1001 only, reads none of acc-1003's entries.
  const olivia = await call(server.base, "GET", "/v1/audit?limit=500", { token: tokens["m-olivia"] });
  assert.equal(olivia.status, 200, olivia.text);
  assert.deepEqual(olivia.body.entries, []);
});

test("the delivery side marks letters delivered, which forgets the PINs they carried", { skip }, async () => {
  const { cli } = await import("./lib.mjs");
  const r = cli(["outbox", "--db", db, "--deliver"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes("\"secret\""));
  assert.deepEqual(letters(db), [], "nothing left undelivered");
  const outbox = await call(server.base, "GET", "/v1/outbox", { token: tokens["m-george"] });
  assert.ok(outbox.body.messages.every((m) => m.delivered));
});
