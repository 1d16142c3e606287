// The audit log under attack (docs/server.md, "What a caller may see", "The
// bundle's `server` section", "Limits"): regression tests of a security review.
//   F1, F3: an entry shows a member's name and e-mail only as GET /v1/bundle shows
//       them to the same caller, now (not as they were when it was written), with
//       the bundle's placeholders, wherever the entry gives them;
//   F2: a role that does not apply to descendants gives the audit permission on
//       its own scope only, as POST /v1/check says;
//   F4: one reading examines a bounded number of entries and says where to resume
//       (how few rows a filter outside the caller's reach examines is asserted on
//       the store's counter in tests/unit/store_test.cc, AReadingExaminesBoundedRows).
// Loopback only; each server is stopped by its pid.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, call, commit } from "./lib.mjs";

after(() => stopAll());

const isWithheld = (m) => m.name === "Withheld" && /^withheld-[0-9a-f]{16}@/.test(m.email);
const audit = (s, bearer, query) => call(s.base, "GET", `/v1/audit?${query}`, { token: bearer });
async function must(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  return r;
}
function sqlite(file, sql) {
  const r = spawnSync("sqlite3", [file], { input: sql, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const noSqlite = skip || (spawnSync("sqlite3", ["-version"]).status === 0 ? false : "the sqlite3 CLI is not installed");

// account-hub, with Sam also holding approvals.configure on acc-9003 (where Priya,
// a line coordinator, asks for what she may not do alone; Olivia approves).
function hub(dir, edit = () => {}) {
  return fixture(dir, "account-hub", (b) => {
    b.server = { auditPermission: "approvals.configure" };
    b.bindings.push({ id: "b-90", member: "m-sam", role: "hub.account_maintenance_manager", scope: "acc-9003", grantedAt: "2024-01-15T09:00:00Z" });
    edit(b);
  });
}

test("F1: a pending request's invitee is withheld in the audit log exactly as in the bundle", { skip }, async () => {
  const dir = tempDir("rg-auditsec-f1-");
  const db = path.join(dir, "hub.sqlite");
  const s = await startServer(db, hub(dir));
  try {
    const priya = token(db, "m-priya"), sam = token(db, "m-sam"), olivia = token(db, "m-olivia");
    const zed = { id: "m-zed", name: "Zed Secretname", email: "zed.secret@private.example.net" };
    const r = await must(await commit(s.base, priya, "m-priya", [{ op: "invite", role: "hub.end_user", scope: "ln-0303", member: zed }]), "invite");
    assert.equal(r.body.pending.requests.length, 1);

    // Sam neither asked nor may decide: the bundle withholds Zed, and so does the log.
    const b = await must(await call(s.base, "GET", "/v1/bundle", { token: sam }), "bundle");
    const shown = b.body.bundle.approvalRequests[0].operation.member;
    assert.ok(isWithheld(shown));
    const a = await must(await audit(s, sam, "order=newest&limit=1"), "audit");
    assert.equal(a.body.entries[0].actor, "m-priya");
    assert.ok(!a.text.includes(zed.email) && !a.text.includes(zed.name), a.text);
    assert.deepEqual(a.body.entries[0].detail.changeSet.operations[0].member, shown, "the bundle's placeholders");

    // Olivia may approve it: both show it to her.
    const ob = await must(await call(s.base, "GET", "/v1/bundle", { token: olivia }), "bundle");
    assert.deepEqual(ob.body.bundle.approvalRequests[0].operation.member, zed);
    const oa = await must(await audit(s, olivia, "order=newest&limit=1"), "audit");
    assert.deepEqual(oa.body.entries[0].detail.changeSet.operations[0].member, zed);

    // Rejected, Zed never becomes a member: still withheld from Sam.
    await must(await call(s.base, "POST", `/v1/requests/${r.body.pending.requests[0]}/decision`, { token: olivia, body: { decision: "reject" } }), "reject");
    const later = await must(await audit(s, sam, "limit=500"), "audit");
    assert.ok(later.body.entries.some((e) => e.actor === "m-priya"));
    assert.ok(!later.text.includes(zed.email) && !later.text.includes(zed.name), later.text);
  } finally {
    await stop(s);
  }
});

test("F1: wherever an entry gives a withheld member's name or e-mail, the caller reads the bundle's placeholders", { skip: noSqlite }, async () => {
  const dir = tempDir("rg-auditsec-f1b-");
  const db = path.join(dir, "hub.sqlite");
  const s = await startServer(db, hub(dir));
  try {
    const bea = token(db, "m-bea");
    // Bea (acc-9001) sees Devon, not Rosa nor Kim; Ghost was never a member.
    const b = await must(await call(s.base, "GET", "/v1/bundle", { token: bea }), "bundle");
    const member = (id) => b.body.bundle.members.find((m) => m.id === id);
    assert.ok(isWithheld(member("m-rosa")) && isWithheld(member("m-kim")) && !isWithheld(member("m-devon")));
    const rosa = { name: "Rosa Diaz", email: "rosa.diaz@northwindfreight.example.com" };
    const kim = { name: "Kim Lee", email: "kim.lee@contractor.example.org" };
    const devon = { name: "Devon Brooks", email: "devon.brooks@northwindfreight.example.com" };
    const ghost = { id: "m-ghost", name: "Gus Ghost", email: "gus.ghost@elsewhere.example.net" };
    // An entry as an older build or a future one might write it: operations,
    // new members, a request and its operation, events, violations, free text.
    const detail = {
      changeSet: {
        actor: "m-olivia",
        operations: [
          { op: "edit_member", member: "m-rosa", name: rosa.name, email: rosa.email },
          { op: "add_members", scope: "ln-0101", members: [{ id: "m-kim", name: kim.name, email: kim.email }, { ...ghost }] },
          { op: "invite", role: "hub.end_user", scope: "ln-0101", member: { id: "m-devon", name: devon.name, email: devon.email } },
          { op: "perform", action: "orders.place", scope: "ln-0101", attributes: { note: `ship to ${kim.email} or ${devon.email}, cc ${ghost.email}.` } },
        ],
      },
      request: { id: "request-9", requester: "m-olivia", operation: { op: "invite", member: { id: "m-kim", name: kim.name, email: kim.email } } },
      events: [
        { event: "member_invited", to: "m-devon", by: "m-rosa", byEmail: rosa.email },
        { event: "member_invited", to: "m-kim", member: "m-kim", email: kim.email },
      ],
      violations: [{ invariant: "names", kind: "member_field", severity: "warning", op: 0, member: "m-rosa", field: "name", message: `member \`m-rosa\` has \`name\` \`${rosa.name}\`, which is not one of ... ${rosa.email}` }],
      accessDiff: { members: [{ member: "m-rosa", gained: [], lost: [] }] },
      comment: `asked by ${rosa.email}`,
    };
    const quoted = JSON.stringify(detail).replaceAll("'", "''");
    sqlite(db, `INSERT INTO audit (at, actor, kind, revision_before, revision_after, detail) VALUES ('2026-12-01T10:00:00Z', 'm-olivia', 'change', 'x', 'y', '${quoted}');
      INSERT INTO audit_subjects (audit_id, kind, value) VALUES (last_insert_rowid(), 'scope', 'ln-0101');`);

    const a = await must(await audit(s, bea, "order=newest&limit=1"), "audit");
    const entry = a.body.entries[0];
    for (const hidden of [rosa.name, rosa.email, kim.name, kim.email, ghost.name, ghost.email]) {
      assert.ok(!a.text.includes(hidden), `${hidden} in ${a.text}`);
    }
    // Not more than the bundle withholds: Devon is Bea's to see.
    assert.ok(a.text.includes(devon.email) && a.text.includes(devon.name));
    const ops = entry.detail.changeSet.operations;
    assert.equal(ops[0].name, "Withheld");
    assert.equal(ops[0].email, member("m-rosa").email, "the bundle's placeholder");
    assert.deepEqual(ops[1].members[0], { id: "m-kim", name: "Withheld", email: member("m-kim").email });
    assert.ok(isWithheld(ops[1].members[1]), "never a member: withheld from all but the actor");
    assert.deepEqual(ops[2].member, { id: "m-devon", ...devon });
    assert.equal(ops[3].attributes.note, `ship to ${member("m-kim").email} or ${devon.email}, cc ${ops[1].members[1].email}.`);
    assert.deepEqual(entry.detail.request.operation.member, { id: "m-kim", name: "Withheld", email: member("m-kim").email });
    assert.equal(entry.detail.events[0].byEmail, member("m-rosa").email);
    assert.equal(entry.detail.events[1].email, member("m-kim").email);
    assert.ok(entry.detail.violations[0].message.includes("`Withheld`"), entry.detail.violations[0].message);
    assert.equal(entry.detail.comment, `asked by ${member("m-rosa").email}`);

    // Olivia sees everyone: the entry as written.
    const olivia = token(db, "m-olivia");
    const o = await must(await audit(s, olivia, "order=newest&limit=1"), "audit");
    assert.deepEqual(o.body.entries[0].detail, detail);
  } finally {
    await stop(s);
  }
});

test("F2: a role that does not apply to descendants gives the audit permission on its own scope only", { skip }, async () => {
  const dir = tempDir("rg-auditsec-f2-");
  const db = path.join(dir, "bt.sqlite");
  const s = await startServer(db, fixture(dir, "bt-business"));
  try {
    const alex = token(db, "m-alex"), olivia = token(db, "m-olivia"), raj = token(db, "m-raj");
    const vera = { id: "m-vox", name: "Vera Voxname", email: "vera.vox@voice-only.example.net" };
    await must(await commit(s.base, alex, "m-alex", [{ op: "invite", role: "voice.user", scope: "svc-5001", member: vera }]), "invite");
    await must(await commit(s.base, olivia, "m-olivia", [{ op: "change_role", member: "m-alex", role: "billing.user", scope: "acc-1001" }]), "olivia");
    // Olivia, billing.super_admin on acc-1001 (appliesToDescendants: false), holds
    // roles.manage there and not on svc-5001 below it.
    for (const [resource, effect] of [["acc-1001", "allow"], ["svc-5001", "deny"]]) {
      const c = await must(await call(s.base, "POST", "/v1/check", { token: olivia, body: { action: "roles.manage", resource, attributes: { role: "billing.user" } } }), "check");
      assert.equal(c.body.effect, effect, resource);
    }
    const o = await must(await audit(s, olivia, "order=newest&limit=500"), "audit");
    assert.deepEqual(o.body.entries.map((e) => e.actor), ["m-olivia"]);
    assert.ok(!o.text.includes(vera.email));
    for (const q of ["scope=svc-5001", "member=m-vox", "scope=acc-1001&member=m-alex"]) {
      const f = await must(await audit(s, olivia, `order=newest&${q}`), q);
      assert.deepEqual(f.body.entries.map((e) => e.actor), q.startsWith("scope=acc") ? ["m-olivia"] : [], q);
      assert.equal(f.body.next, null, q);
    }
    // Raj, voice.admin on svc-5001 (which applies to descendants), reads it.
    const r = await must(await audit(s, raj, "order=newest&scope=svc-5001"), "audit");
    assert.deepEqual(r.body.entries.map((e) => e.actor), ["m-alex"]);
  } finally {
    await stop(s);
  }
});

test("F3: an older entry stops showing a member's e-mail once the caller has lost sight of them", { skip }, async () => {
  const dir = tempDir("rg-auditsec-f3-");
  const db = path.join(dir, "hub.sqlite");
  const s = await startServer(db, fixture(dir, "account-hub", (b) => { b.server = { auditPermission: "approvals.configure" }; }));
  try {
    const olivia = token(db, "m-olivia"), bea = token(db, "m-bea");
    const secret = "devon.private@home.example.net";
    await must(await commit(s.base, olivia, "m-olivia", [{ op: "edit_member", member: "m-devon", email: secret }]), "edit");
    // While Devon is on a line of Bea's account, she sees his e-mail, in the log too.
    const before = await must(await audit(s, bea, "member=m-devon"), "audit");
    assert.equal(before.body.entries.length, 1);
    assert.equal(before.body.entries[0].detail.changeSet.operations[0].email, secret);
    // He moves to acc-9002.
    await must(await commit(s.base, olivia, "m-olivia", [{ op: "assign_role", member: "m-devon", role: "hub.end_user", scope: "ln-0201" }, { op: "remove_member", member: "m-devon", scope: "ln-0102" }]), "move");
    const b = await must(await call(s.base, "GET", "/v1/bundle", { token: bea }), "bundle");
    const shown = b.body.bundle.members.find((m) => m.id === "m-devon");
    assert.ok(isWithheld(shown));
    const now = await must(await audit(s, bea, "member=m-devon"), "audit");
    assert.ok(now.body.entries.length >= 1);
    assert.ok(!now.text.includes(secret) && !now.text.includes("devon.brooks@"), now.text);
    assert.equal(now.body.entries[0].detail.changeSet.operations[0].email, shown.email);
  } finally {
    await stop(s);
  }
});

// 6,000 entries the caller may not read, made by copying one (the server keeps
// running: readers see the copies at once).
function copies(db, id, n, subjects) {
  const rows = sqlite(db, `BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
INSERT INTO audit (at, actor, kind, revision_before, revision_after, detail)
  SELECT at, actor, kind, revision_before, revision_after, detail FROM audit, n WHERE audit.id = ${id};
${subjects.map(([kind, value]) => `INSERT INTO audit_subjects (audit_id, kind, value) SELECT id, '${kind}', '${value}' FROM audit WHERE id > (SELECT MAX(id) - ${n} FROM audit);`).join("\n")}
COMMIT;
SELECT MAX(id) FROM audit;`);
  return Number(rows);
}

test("F4: filters outside the caller's reach answer nothing and no cursor, however many hidden entries they match", { skip: noSqlite }, async () => {
  const dir = tempDir("rg-auditsec-f4a-");
  const db = path.join(dir, "hub.sqlite");
  const s = await startServer(db, fixture(dir, "account-hub", (b) => { b.server = { auditPermission: "approvals.configure" }; }));
  try {
    const olivia = token(db, "m-olivia"), bea = token(db, "m-bea");
    await must(await commit(s.base, olivia, "m-olivia", [{ op: "assign_role", member: "m-jon", role: "hub.end_user", scope: "ln-0302" }]), "acc-9003");
    await must(await commit(s.base, olivia, "m-olivia", [{ op: "assign_role", member: "m-devon", role: "hub.end_user", scope: "ln-0101" }]), "acc-9001");
    const last = copies(db, 2, 6000, [["scope", "ln-0302"], ["member", "m-jon"], ["member", "m-olivia"]]);
    assert.equal(last, 6003);
    for (const order of ["order=newest&", ""]) {
      for (const q of ["member=m-jon", "scope=acc-9003", "scope=ln-0302&member=m-jon"]) {
        const r = await must(await audit(s, bea, `${order}${q}`), q);
        assert.deepEqual(r.body, { ok: true, entries: [], next: null }, `${order}${q}`);
      }
      for (const q of ["member=m-olivia", "scope=biz-northwind", "member=m-devon", ""]) {
        const r = await must(await audit(s, bea, `${order}${q}`), q);
        assert.deepEqual(r.body.entries.map((e) => e.id), [3], `${order}${q}`);
        assert.equal(r.body.next, null);
      }
    }
  } finally {
    await stop(s);
  }
});

test("F4: a reading stops after 5,000 entries examined and says where to resume", { skip: noSqlite }, async () => {
  const dir = tempDir("rg-auditsec-f4b-");
  const db = path.join(dir, "hub.sqlite");
  // orders.approve means nothing on the business: Olivia holds it on every one
  // of 1,203 accounts (and their lines), too many to read the log through.
  const file = fixture(dir, "account-hub", (b) => {
    b.server = { auditPermission: "orders.approve" };
    for (let i = 0; i < 1200; i++) b.scopes.push({ id: `acc-x${i}`, type: "account", name: `Account ${i}`, parent: "biz-northwind" });
  });
  const s = await startServer(db, file);
  try {
    const olivia = token(db, "m-olivia");
    await must(await commit(s.base, olivia, "m-olivia", [{ op: "assign_role", member: "m-devon", role: "hub.end_user", scope: "ln-0101" }]), "visible");
    // 6,000 copies of the seed, which touches no scope: hers only if she held it everywhere.
    assert.equal(copies(db, 1, 6000, []), 6002);
    for (const [order, key] of [["order=newest", "before"], ["order=oldest", "after"]]) {
      const seen = [];
      const pages = [];
      let cursor = null;
      for (let i = 0; i < 10; i++) {
        const r = await must(await audit(s, olivia, `${order}&limit=5${cursor === null ? "" : `&${key}=${cursor}`}`), order);
        pages.push(r.body.entries.length);
        seen.push(...r.body.entries.map((e) => e.id));
        if (r.body.next === null) break;
        if (cursor !== null) assert.ok(key === "before" ? r.body.next < cursor : r.body.next > cursor, "it moves on");
        cursor = r.body.next;
      }
      assert.deepEqual(seen, [2], order);
      assert.equal(pages.length, 2, `${order}: one stop at the cap, then the rest: ${pages}`);
      assert.deepEqual(pages, key === "before" ? [0, 1] : [1, 0], order);
    }
  } finally {
    await stop(s);
  }
});
