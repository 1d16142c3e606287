// The state of record holds under pressure: 20 clients committing on one revision
// at once (exactly one wins, the others get 409), and `kill -9` in the middle of a
// stream of commits (after a restart every acknowledged commit is there, the
// revision chain and the audit log agree, nothing is half-applied).
// Loopback only; each server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, call } from "./lib.mjs";

let dir, db, server;
const tokens = {};

before(async () => {
  if (skip) return;
  dir = tempDir();
  db = path.join(dir, "hub.sqlite");
  const bundle = fixture(dir, "account-hub", (b) => {
    b.server = { auditPermission: "approvals.configure" };
  });
  server = await startServer(db, bundle);
  tokens.olivia = token(db, "m-olivia");
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

// A change set and its preview (the server's own simulation) on the head.
async function prepared(operations) {
  const health = await call(server.base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor: "m-olivia", now: health.body.now, operations };
  const sim = await call(server.base, "POST", "/v1/simulate", { token: tokens.olivia, body: changeSet });
  assert.equal(sim.status, 200, sim.text);
  changeSet.now = sim.body.now;
  delete sim.body.now;
  return { changeSet, preview: sim.body };
}

async function allAudit() {
  const entries = [];
  let after = 0;
  for (;;) {
    const page = await call(server.base, "GET", `/v1/audit?after=${after}&limit=500`, { token: tokens.olivia });
    assert.equal(page.status, 200, page.text);
    entries.push(...page.body.entries);
    if (page.body.next === null) return entries;
    after = page.body.next;
  }
}

test("20 clients commit on the same revision at once: exactly one wins, the others get 409", { skip }, async () => {
  const members = ["m-sam", "m-bea", "m-tara", "m-omar", "m-priya", "m-lena", "m-jon", "m-devon", "m-kim", "m-marcus"];
  const bodies = [];
  for (let i = 0; i < 20; i++) {
    bodies.push(await prepared([{ op: i < 10 ? "block" : "disable", member: members[i % 10] }]));
  }
  const base = bodies[0].changeSet.baseRevision;
  assert.ok(bodies.every((b) => b.changeSet.baseRevision === base));
  const answers = await Promise.all(bodies.map((body) => call(server.base, "POST", "/v1/changes", { token: tokens.olivia, body })));
  const won = answers.filter((a) => a.status === 200);
  const lost = answers.filter((a) => a.status === 409);
  assert.equal(won.length, 1, answers.map((a) => `${a.status} ${a.text.slice(0, 120)}`).join("\n"));
  assert.equal(lost.length, 19);
  for (const a of lost) {
    assert.equal(a.body.errors[0].code, "stale_revision");
    assert.equal(a.body.revision, won[0].body.revision);
  }
  const health = await call(server.base, "GET", "/v1/health");
  assert.equal(health.body.revision, won[0].body.revision);
  // Undo, so the next test starts from active members.
  const winner = bodies[answers.indexOf(won[0])].changeSet.operations[0];
  const undo = await prepared([{ op: winner.op === "block" ? "unblock" : "enable", member: winner.member }]);
  assert.equal((await call(server.base, "POST", "/v1/changes", { token: tokens.olivia, body: undo })).status, 200);
});

test("kill -9 during a stream of commits: every acknowledged commit survives, nothing is half-applied", { skip }, async () => {
  const acknowledged = [];
  let blocked = false;
  let stopStream = false;
  const stream = (async () => {
    while (!stopStream) {
      let body;
      try {
        body = await prepared([{ op: blocked ? "unblock" : "block", member: "m-devon" }]);
        const r = await call(server.base, "POST", "/v1/changes", { token: tokens.olivia, body });
        if (r.status === 200) {
          acknowledged.push(r.body.revision);
          blocked = !blocked;
        }
      } catch {
        return;  // the server is gone
      }
    }
  })();
  // Let some commits land, then kill the server without warning mid-stream.
  while (acknowledged.length < 25) await new Promise((r) => setTimeout(r, 5));
  server.proc.kill("SIGKILL");
  await server.exited;
  stopStream = true;
  await stream;

  server = await startServer(db, null);
  const entries = await allAudit();
  const health = await call(server.base, "GET", "/v1/health");
  // The chain: each entry starts where the one before ended, and the head is the last.
  for (let i = 1; i < entries.length; i++) {
    assert.equal(entries[i].revisionBefore, entries[i - 1].revisionAfter, `audit entry ${entries[i].id} does not follow ${entries[i - 1].id}`);
  }
  assert.equal(entries.at(-1).revisionAfter, health.body.revision);
  const recorded = new Set(entries.map((e) => e.revisionAfter));
  for (const revision of acknowledged) assert.ok(recorded.has(revision), `acknowledged ${revision} is lost`);
  // At most the one commit in flight when the process died may have landed unacknowledged.
  const streamEntries = entries.filter((e) => e.detail.changeSet && e.detail.changeSet.operations[0].member === "m-devon");
  assert.ok(streamEntries.length - acknowledged.length <= 1, `${streamEntries.length} stream entries, ${acknowledged.length} acknowledged`);
  // The bundle at the head agrees with the last committed change.
  const bundle = await call(server.base, "GET", "/v1/bundle", { token: tokens.olivia });
  const devon = bundle.body.bundle.members.find((m) => m.id === "m-devon");
  const last = streamEntries.at(-1).detail.changeSet.operations[0].op;
  assert.equal(devon.status ?? "active", last === "block" ? "blocked" : "active");
  // And it still takes commits.
  const next = await prepared([{ op: devon.status === "blocked" ? "unblock" : "block", member: "m-devon" }]);
  assert.equal((await call(server.base, "POST", "/v1/changes", { token: tokens.olivia, body: next })).status, 200);
});

test("a database that holds a bundle ignores a seed bundle, and says so", { skip }, async () => {
  const head = (await call(server.base, "GET", "/v1/health")).body.revision;
  await stop(server);
  const other = fixture(tempDir(), "bt-business");
  server = await startServer(db, null, ["--bundle", other]);
  assert.equal((await call(server.base, "GET", "/v1/health")).body.revision, head);
  for (let i = 0; i < 50 && !server.stderr().includes("ignored"); i++) await new Promise((r) => setTimeout(r, 10));
  assert.match(server.stderr(), /already holds a bundle; .*bt-business\.json is ignored/);
});
