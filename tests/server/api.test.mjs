// The server of record over HTTP (docs/server.md), on the account-hub example with
// `server` permissions added: who is calling (401, 403), the head revision (409),
// the preview checked at the server's time (409, 422), commits that leave an audit
// entry and messages, approvals between two people, invitations accepted with the
// e-mailed token, bundles redacted per caller, the enforcement point for backends.
// Loopback only; the server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, letters, call, previewed, commit, cli } from "./lib.mjs";

let dir, db, bundleFile, server, base;
const tokens = {};

before(async () => {
  if (skip) return;
  dir = tempDir();
  db = path.join(dir, "hub.sqlite");
  bundleFile = fixture(dir, "account-hub", (b) => {
    b.server = { auditPermission: "approvals.configure", decisionsPermission: "roles.configure" };
    // Tara's role ran out on 2026-12-02: a preview made before then says she may
    // invite; at the server's time she may not.
    for (const binding of b.bindings) {
      if (binding.member === "m-tara") binding.expiresAt = "2026-12-02T00:00:00Z";
    }
  });
  server = await startServer(db, bundleFile);
  base = server.base;
  for (const m of ["m-olivia", "m-marcus", "m-omar", "m-lena", "m-tara", "m-ivan", "m-devon", "m-jon"]) tokens[m] = token(db, m);
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

test("health needs no token and reports the revision and the database", { skip }, async () => {
  const r = await call(base, "GET", "/v1/health");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.ok, true);
  assert.equal(r.body.database, "ok");
  assert.match(r.body.revision, /^fnv1a64:[0-9a-f]{16}$/);
  assert.match(r.body.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(typeof r.body.uptimeSeconds, "number");
  // The server of record allows no other origin unless told to.
  assert.equal(r.headers.get("access-control-allow-origin"), null);
});

test("no token, an unknown token and a revoked token get 401", { skip }, async () => {
  for (const headers of [{}, { Authorization: "Bearer rg_nope" }, { Authorization: "Basic abc" }]) {
    const r = await call(base, "GET", "/v1/bundle", { headers });
    assert.equal(r.status, 401, r.text);
    assert.equal(r.body.errors[0].code, "unauthenticated");
    assert.equal(r.headers.get("www-authenticate"), "Bearer");
  }
  const devon = token(db, "m-devon");
  assert.equal((await call(base, "GET", "/v1/bundle", { token: devon })).status, 200);
  const revoked = cli(["token", "--db", db, "m-devon", "--revoke"]);
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.match(revoked.stdout, /revoked 2 tokens of m-devon/);
  assert.equal((await call(base, "GET", "/v1/bundle", { token: devon })).status, 401);
  assert.equal((await call(base, "GET", "/v1/bundle", { token: tokens["m-devon"] })).status, 401);
  // A token for nobody is refused at minting.
  assert.notEqual(cli(["token", "--db", db, "m-nobody"]).status, 0);
});

test("a change set whose actor is not the caller gets 403", { skip }, async () => {
  const { changeSet, preview } = await previewed(base, tokens["m-olivia"], "m-olivia", [{ op: "block", member: "m-devon" }], dir);
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-lena"], body: { changeSet, preview } });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.errors[0].code, "actor_not_caller");
  assert.equal(r.body.errors[0].pointer, "/changeSet/actor");
  const s = await call(base, "POST", "/v1/simulate", { token: tokens["m-lena"], body: changeSet });
  assert.equal(s.status, 403, s.text);
});

test("a member who is not active reads nothing but their own outbox", { skip }, async () => {
  for (const [method, route, body] of [["GET", "/v1/bundle"], ["GET", "/v1/requests"], ["POST", "/v1/check", { action: "orders.view", resource: "acc-9002" }], ["GET", "/v1/audit"]]) {
    const r = await call(base, method, route, { token: tokens["m-ivan"], body });
    assert.equal(r.status, 403, `${route}: ${r.text}`);
    assert.equal(r.body.errors[0].code, "member_not_active");
  }
  const r = await call(base, "GET", "/v1/outbox", { token: tokens["m-ivan"] });
  assert.equal(r.status, 200, r.text);
});

test("the bundle is redacted per caller: an end user never receives e-mails they may not see", { skip }, async () => {
  const lena = await call(base, "GET", "/v1/bundle", { token: tokens["m-lena"] });
  assert.equal(lena.status, 200, lena.text);
  const olivia = await call(base, "GET", "/v1/bundle", { token: tokens["m-olivia"] });
  const byId = (b) => Object.fromEntries(b.body.bundle.members.map((m) => [m.id, m]));
  const seenByLena = byId(lena), seenByOlivia = byId(olivia);
  assert.equal(seenByLena["m-lena"].email, seenByOlivia["m-lena"].email, "a member sees themself");
  assert.ok(lena.body.withheld > 0);
  const fs = await import("node:fs");
  const real = JSON.stringify(JSON.parse(fs.readFileSync(bundleFile, "utf8")).members.map((m) => [m.name, m.email]));
  for (const m of lena.body.bundle.members) {
    if (m.id === "m-lena") continue;
    assert.equal(m.name, "Withheld", `${m.id}'s name reached an end user`);
    assert.ok(!real.includes(`"${m.name}"`));
    assert.ok(!real.includes(m.email), `${m.id}'s e-mail reached an end user`);
    assert.match(m.email, /^withheld-[0-9a-f]{16}@/);
  }
  // Stable from one call to the next, same revision, and still a valid bundle the
  // browser's engine can preview on.
  const again = await call(base, "GET", "/v1/bundle", { token: tokens["m-lena"] });
  assert.equal(again.text, lena.text);
  assert.equal(lena.body.revision, olivia.body.revision);
  assert.deepEqual(lena.body.checkedByServer, ["unique_email", "member_field"]);
  const file = path.join(dir, "lena-view.json");
  fs.writeFileSync(file, JSON.stringify(lena.body.bundle));
  assert.equal(cli(["validate", file]).status, 0);
});

test("a commit previewed by the client's engine lands: new revision, audit entry, messages", { skip }, async () => {
  const before = await call(base, "GET", "/v1/health");
  const { changeSet, preview } = await previewed(base, tokens["m-olivia"], "m-olivia",
    [{ op: "invite", member: { id: "m-gwen", name: "Gwen Alvarez", email: "gwen@northwindfreight.example.com" }, role: "hub.end_user", scope: "ln-0204" }], dir);
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], body: { changeSet, preview } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.revisionBefore, before.body.revision);
  assert.notEqual(r.body.revision, before.body.revision);
  assert.equal(r.body.pending.invitations.length, 1);
  assert.equal(r.body.pending.invitations[0].member, "m-gwen");
  const after = await call(base, "GET", "/v1/health");
  assert.equal(after.body.revision, r.body.revision);

  // The audit entry: who, when, the change set, the access diff, before and after.
  const audit = await call(base, "GET", "/v1/audit?limit=500", { token: tokens["m-olivia"] });
  assert.equal(audit.status, 200, audit.text);
  const entry = audit.body.entries.find((e) => e.revisionAfter === r.body.revision);
  assert.ok(entry, "an audit entry for the commit");
  assert.equal(entry.actor, "m-olivia");
  assert.equal(entry.kind, "change");
  assert.equal(entry.revisionBefore, before.body.revision);
  assert.equal(entry.at, r.body.now);
  assert.equal(entry.detail.changeSet.now, r.body.now, "judged at the server's time");
  assert.deepEqual(entry.detail.changeSet.operations, changeSet.operations);
  assert.ok(entry.detail.accessDiff.members.some((m) => m.member === "m-gwen"));

  // The invitation e-mail carries a one-time token; the API never shows it.
  const mail = letters(db, "m-gwen").find((l) => l.message.event === "invitation_token");
  assert.ok(mail && /^inv-[0-9a-f]{16}\.[0-9a-f]{48}$/.test(mail.secret), JSON.stringify(mail));
  assert.equal(mail.channel, "email");
  assert.ok(letters(db, "m-gwen").some((l) => l.message.event === "member_invited"));
});

test("a change set built on an older revision gets 409 with the head", { skip }, async () => {
  const { changeSet, preview } = await previewed(base, tokens["m-olivia"], "m-olivia", [{ op: "block", member: "m-jon" }], dir);
  const first = await commit(base, tokens["m-olivia"], "m-olivia", [{ op: "block", member: "m-devon" }]);
  assert.equal(first.status, 200, first.text);
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], body: { changeSet, preview } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.errors[0].code, "stale_revision");
  assert.equal(r.body.revision, first.body.revision);
  const undo = await commit(base, tokens["m-olivia"], "m-olivia", [{ op: "unblock", member: "m-devon" }]);
  assert.equal(undo.status, 200, undo.text);
});

test("a forged preview gets 422 with the differences, and nothing is committed", { skip }, async () => {
  const { changeSet, preview } = await previewed(base, tokens["m-lena"], "m-lena", [{ op: "perform", action: "billing.view", scope: "acc-9002" }], dir);
  // Lena may not see another account's bills; the forged preview says she may.
  assert.equal(preview.operations[0].effect, "deny");
  const forged = structuredClone(preview);
  forged.operations[0].effect = "allow";
  forged.summary = { allowed: 1, conditional: 0, denied: 0, blocked: false };
  const head = (await call(base, "GET", "/v1/health")).body.revision;
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-lena"], body: { changeSet, preview: forged } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.errors[0].code, "preview_mismatch");
  assert.ok(r.body.differences.some((d) => d.pointer === "/operations/0/effect"));
  assert.equal((await call(base, "GET", "/v1/health")).body.revision, head);
});

test("a blocked change is refused with 422 even when its preview is faithful", { skip }, async () => {
  const { changeSet, preview } = await previewed(base, tokens["m-lena"], "m-lena", [{ op: "perform", action: "billing.view", scope: "acc-9002" }], dir);
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-lena"], body: { changeSet, preview } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.errors[0].code, "blocked");
  assert.equal(r.body.simulation.operations[0].effect, "deny");
  assert.ok(!("match" in r.body));
});

test("a preview made at another time is judged again at the server's: 409 with now and the differences", { skip }, async () => {
  // Tara's role ran out on 2026-12-02. At 2026-12-01 she could have invited.
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-tara", now: "2026-12-01T09:00:00Z",
    operations: [{ op: "invite", member: { id: "m-quinn", name: "Quinn Hale", email: "quinn@northwindfreight.example.com" }, role: "hub.end_user", scope: "ln-0102" }] };
  const fs = await import("node:fs");
  const olivia = await call(base, "GET", "/v1/bundle", { token: tokens["m-olivia"] });
  fs.writeFileSync(path.join(dir, "tara-head.json"), JSON.stringify(olivia.body.bundle));
  fs.writeFileSync(path.join(dir, "tara-cs.json"), JSON.stringify(changeSet));
  const preview = JSON.parse(cli(["simulate", path.join(dir, "tara-head.json"), path.join(dir, "tara-cs.json")]).stdout);
  assert.equal(preview.operations[0].effect, "allow", JSON.stringify(preview.operations[0]));
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-tara"], body: { changeSet, preview } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.errors[0].code, "outcome_changed");
  assert.match(r.body.now, /^\d{4}-/);
  assert.ok(r.body.differences.some((d) => d.pointer === "/operations/0/effect" && d.actual === "deny"), r.text);
  assert.equal((await call(base, "GET", "/v1/health")).body.revision, health.body.revision);
});

test("operations that need a secret are not taken in a change set", { skip }, async () => {
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-olivia", now: health.body.now,
    operations: [{ op: "accept_invitation" }] };
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], body: { changeSet, preview: {} } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.errors[0].code, "proof_required");
  assert.equal(r.body.errors[0].pointer, "/changeSet/operations/0/op");
});

test("two people: an approval-gated order is requested, approved by an eligible approver, and applied", { skip }, async () => {
  const asked = await commit(base, tokens["m-lena"], "m-lena",
    [{ op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 24900, item: "tablet" } }]);
  assert.equal(asked.status, 200, asked.text);
  assert.equal(asked.body.summary.conditional, 1);
  assert.equal(asked.body.pending.requests.length, 1);
  const id = asked.body.pending.requests[0];

  const mine = await call(base, "GET", "/v1/requests", { token: tokens["m-lena"] });
  assert.ok(mine.body.requested.some((e) => e.request.id === id));
  assert.ok(!mine.body.toDecide.some((e) => e.request.id === id));
  const omar = await call(base, "GET", "/v1/requests", { token: tokens["m-omar"] });
  assert.ok(omar.body.toDecide.some((e) => e.request.id === id), omar.text);

  // The requester never approves their own request; nor does someone not eligible.
  const self = await call(base, "POST", `/v1/requests/${id}/decision`, { token: tokens["m-lena"], body: { decision: "approve" } });
  assert.equal(self.status, 403, self.text);
  assert.equal(self.body.errors[0].code, "not_an_approver");
  const jon = await call(base, "POST", `/v1/requests/${id}/decision`, { token: tokens["m-jon"], body: { decision: "approve" } });
  assert.equal(jon.status, 403, jon.text);
  const unknown = await call(base, "POST", "/v1/requests/req-nope/decision", { token: tokens["m-omar"], body: { decision: "approve" } });
  assert.equal(unknown.status, 404, unknown.text);

  const decided = await call(base, "POST", `/v1/requests/${id}/decision`, { token: tokens["m-omar"], body: { decision: "approve", comment: "fine" } });
  assert.equal(decided.status, 200, decided.text);
  assert.equal(decided.body.applied, true);
  const audit = await call(base, "GET", "/v1/audit?limit=500", { token: tokens["m-olivia"] });
  const entry = audit.body.entries.find((e) => e.revisionAfter === decided.body.revision);
  assert.equal(entry.kind, "decision");
  assert.equal(entry.actor, "m-omar");
  assert.equal(entry.detail.comment, "fine");
  assert.deepEqual(entry.detail.changeSet.operations.map((o) => o.op), ["decide_request", "apply_approved"]);
  // Lena hears of the decision.
  const outbox = await call(base, "GET", "/v1/outbox", { token: tokens["m-lena"] });
  assert.ok(outbox.body.messages.some((m) => m.message.event === "request_decided"), outbox.text);
  // Decided once: it cannot be decided again.
  const again = await call(base, "POST", `/v1/requests/${id}/decision`, { token: tokens["m-olivia"], body: { decision: "reject" } });
  assert.notEqual(again.status, 200, again.text);
});

test("an invitation is accepted with the e-mailed token, once, and yields the member's token", { skip }, async () => {
  const invited = await commit(base, tokens["m-olivia"], "m-olivia",
    [{ op: "invite", member: { id: "m-hugo", name: "Hugo Reyes", email: "hugo@northwindfreight.example.com" }, role: "hub.end_user", scope: "ln-0303" }]);
  assert.equal(invited.status, 200, invited.text);
  const mail = letters(db, "m-hugo").find((l) => l.message.event === "invitation_token");
  const wrong = await call(base, "POST", "/v1/invitations/accept", { body: { token: mail.secret.slice(0, -1) + (mail.secret.endsWith("0") ? "1" : "0") } });
  assert.equal(wrong.status, 401, wrong.text);
  const forged = await call(base, "POST", "/v1/invitations/accept", { body: { token: "inv-0000000000000000.00" } });
  assert.equal(forged.status, 401, forged.text);
  const r = await call(base, "POST", "/v1/invitations/accept", { body: { token: mail.secret } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.member, "m-hugo");
  assert.match(r.body.token, /^rg_[0-9a-f]{64}$/);
  const me = await call(base, "GET", "/v1/bundle", { token: r.body.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.bundle.members.find((m) => m.id === "m-hugo").status, "active");
  const twice = await call(base, "POST", "/v1/invitations/accept", { body: { token: mail.secret } });
  assert.equal(twice.status, 401, twice.text);
});

test("check: the caller's own decisions, and anyone's for a member the bundle lets ask", { skip }, async () => {
  const own = await call(base, "POST", "/v1/check", { token: tokens["m-lena"], body: { action: "orders.place", resource: "ln-0201", now: "1970-01-01T00:00:00Z" } });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.effect, "conditional");
  assert.notEqual(own.body.now, "1970-01-01T00:00:00Z", "judged at the server's time");
  const other = await call(base, "POST", "/v1/check", { token: tokens["m-lena"], body: { actor: "m-olivia", action: "orders.place", resource: "ln-0201" } });
  assert.equal(other.status, 403, other.text);
  const asOwner = await call(base, "POST", "/v1/check", { token: tokens["m-olivia"], body: { actor: "m-lena", action: "orders.place", resource: "ln-0201" } });
  assert.equal(asOwner.status, 200, asOwner.text);
  const batch = await call(base, "POST", "/v1/check/batch", { token: tokens["m-olivia"], body: { requests: [
    { actor: "m-lena", action: "orders.view", resource: "ln-0201" },
    { action: "billing.view", resource: "acc-9001" },
    { actor: "m-lena", action: "no.such", resource: "ln-0201" },
  ] } });
  assert.equal(batch.status, 200, batch.text);
  assert.equal(batch.body.results.length, 3);
  assert.equal(batch.body.results[1].effect, "allow");
  assert.equal(batch.body.results[2].ok, false);
  assert.match(batch.body.results[2].errors[0].pointer, /^\/requests\/2\//);
  const lenaBatch = await call(base, "POST", "/v1/check/batch", { token: tokens["m-lena"], body: { requests: [{ actor: "m-olivia", action: "orders.view", resource: "ln-0201" }] } });
  assert.equal(lenaBatch.body.results[0].errors[0].code, "forbidden");
  const tooMany = await call(base, "POST", "/v1/check/batch", { token: tokens["m-olivia"], body: { requests: Array(1001).fill({ action: "orders.view", resource: "ln-0201" }) } });
  assert.equal(tooMany.status, 413, tooMany.text);
});

test("the audit log is for members the bundle names, and pages", { skip }, async () => {
  // Lena holds the audit permission nowhere; Omar holds it on acc-9002 only, so he
  // reads no entry touching another account, nor the seed (which touches no scope).
  const lena = await call(base, "GET", "/v1/audit", { token: tokens["m-lena"] });
  assert.equal(lena.status, 403, lena.text);
  const omar = await call(base, "GET", "/v1/audit?limit=500", { token: tokens["m-omar"] });
  assert.equal(omar.status, 200, omar.text);
  const all = await call(base, "GET", "/v1/audit?limit=500", { token: tokens["m-olivia"] });
  assert.ok(omar.body.entries.length < all.body.entries.length);
  assert.ok(omar.body.entries.every((e) => e.kind !== "seed"));
  const first = await call(base, "GET", "/v1/audit?limit=1", { token: tokens["m-olivia"] });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.entries.length, 1);
  assert.equal(first.body.entries[0].kind, "seed");
  const next = await call(base, "GET", `/v1/audit?after=${first.body.next}&limit=2`, { token: tokens["m-olivia"] });
  assert.equal(next.body.entries.length, 2);
  assert.equal(next.body.entries[0].revisionBefore, first.body.entries[0].revisionAfter);
  const bad = await call(base, "GET", "/v1/audit?limit=x", { token: tokens["m-olivia"] });
  assert.equal(bad.status, 400, bad.text);
});

test("wrong content type 415, a body over the limit 413, too many operations 413, unknown route 404", { skip }, async () => {
  const typed = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], raw: "{}", headers: { "Content-Type": "text/plain" } });
  assert.equal(typed.status, 415, typed.text);
  const big = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], raw: " ".repeat(17 * 1024 * 1024), headers: { "Content-Type": "application/json" } });
  assert.equal(big.status, 413, big.text);
  const health = await call(base, "GET", "/v1/health");
  const ops = Array(257).fill({ op: "block", member: "m-jon" });
  const many = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], body: { changeSet: { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-olivia", now: health.body.now, operations: ops }, preview: {} } });
  assert.equal(many.status, 413, many.text);
  assert.equal(many.body.errors[0].code, "too_many_operations");
  const nowhere = await call(base, "GET", "/v1/nowhere", { token: tokens["m-olivia"] });
  assert.equal(nowhere.status, 404);
  const method = await call(base, "GET", "/v1/changes", { token: tokens["m-olivia"] });
  assert.equal(method.status, 405);
  const notJson = await call(base, "POST", "/v1/check", { token: tokens["m-olivia"], raw: "{nope", headers: { "Content-Type": "application/json" } });
  assert.equal(notJson.status, 400);
});

test("a pending request shows the member it would create only to its requester and approvers", { skip }, async () => {
  const priya = token(db, "m-priya");
  const asked = await commit(base, priya, "m-priya", [{ op: "invite", member: { id: "m-eli", name: "Eli Warren", email: "eli.private@mail.example.net" }, role: "hub.end_user", scope: "ln-0303" }]);
  assert.equal(asked.status, 200, asked.text);
  const id = asked.body.pending.requests[0];
  const view = async (t) => (await call(base, "GET", "/v1/bundle", { token: t })).body.bundle.approvalRequests.find((r) => r.id === id).operation.member;
  assert.equal((await view(priya)).email, "eli.private@mail.example.net", "the requester");
  assert.equal((await view(tokens["m-olivia"])).email, "eli.private@mail.example.net", "an eligible approver");
  const seenByJon = await view(tokens["m-jon"]);
  assert.equal(seenByJon.name, "Withheld");
  assert.match(seenByJon.email, /^withheld-[0-9a-f]{16}@mail\.example\.net$/);
});

test("a member the caller may not see cannot be acted on (binding them would uncover them)", { skip }, async () => {
  // Omar manages account acc-9002; Devon is an end user of acc-9001, withheld from Omar.
  const omarView = await call(base, "GET", "/v1/bundle", { token: tokens["m-omar"] });
  assert.equal(omarView.body.bundle.members.find((m) => m.id === "m-devon").name, "Withheld");
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-omar", now: health.body.now,
    operations: [{ op: "assign_role", member: "m-devon", role: "hub.end_user", scope: "ln-0204" }] };
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-omar"], body: { changeSet, preview: {} } });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.errors[0].code, "target_not_visible");
  assert.equal(r.body.errors[0].pointer, "/changeSet/operations/0/member");
});

test("an e-mail already taken is refused without saying whose it is", { skip }, async () => {
  const fs = await import("node:fs");
  const devon = JSON.parse(fs.readFileSync(bundleFile, "utf8")).members.find((m) => m.id === "m-devon");
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-omar", now: health.body.now,
    operations: [{ op: "invite", member: { id: "m-guess", name: "Guess", email: devon.email }, role: "hub.end_user", scope: "ln-0204" }] };
  const r = await call(base, "POST", "/v1/simulate", { token: tokens["m-omar"], body: changeSet });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.summary.blocked, true);
  assert.ok(r.text.includes("another member"), r.text);
  assert.ok(!r.text.includes("m-devon"), "the owner of the e-mail is not named");
});

test("malformed operations are bad requests, never a database outage", { skip }, async () => {
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-olivia", now: health.body.now, operations: [{ op: 1 }, 7, null] };
  const r = await call(base, "POST", "/v1/changes", { token: tokens["m-olivia"], body: { changeSet, preview: {} } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.body.errors.every((e) => e.pointer.startsWith("/changeSet/operations/")), r.text);
});

test("wrong invitation tokens do not lock the invitation for its invitee", { skip }, async () => {
  const invited = await commit(base, tokens["m-olivia"], "m-olivia",
    [{ op: "invite", member: { id: "m-ines", name: "Ines Roth", email: "ines@northwindfreight.example.com" }, role: "hub.end_user", scope: "ln-0303" }]);
  assert.equal(invited.status, 200, invited.text);
  const mail = letters(db, "m-ines").find((l) => l.message.event === "invitation_token");
  const [invitationId] = mail.secret.split(".");
  for (let i = 0; i < 10; i++) {
    const wrong = await call(base, "POST", "/v1/invitations/accept", { body: { token: `${invitationId}.${"0".repeat(48)}` } });
    assert.equal(wrong.status, 401);
  }
  const r = await call(base, "POST", "/v1/invitations/accept", { body: { token: mail.secret } });
  assert.equal(r.status, 200, r.text);
});
