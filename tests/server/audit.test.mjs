// The audit log for an admin app (docs/server.md, "API"): newest first with
// `before`, filtered by member and by scope (and the scopes below it), and shown to
// each caller only as far as they hold the bundle's `server.auditPermission`: an
// entry only when every scope it touches is one where they hold it (below a scope
// held through a role that applies to descendants, or that scope itself). Written as an attacker would try it: an administrator of one account never
// sees an entry of another, nor one touching both, whatever the filter or page.
// Also: an old database (no subjects table, user_version 0) is migrated at open.
// Loopback only; each server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, call, commit } from "./lib.mjs";

// account-hub: one root (biz-northwind) and three accounts. approvals.configure is
// held by Olivia on the business, by Bea on acc-9001, by Omar on acc-9002 and by Sam
// on both; Lena (an end user) and Priya (a line coordinator) hold it nowhere.
let dir, db, server, base;
const tokens = {};
const ids = {}; // name -> audit entry id, in commit order

async function must(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  return r;
}

// The id of the newest entry (as the global reader sees it).
async function newestId() {
  const r = await call(base, "GET", "/v1/audit?order=newest&limit=1", { token: tokens["m-olivia"] });
  return r.body.entries[0].id;
}

const audit = (who, query = "") => call(base, "GET", `/v1/audit${query ? `?${query}` : ""}`, { token: tokens[who] });

// Every page of a query, following `next` with `key` (before or after); checks that
// `next` is always the id of the last entry of its page, so it names no hidden one.
async function allPages(who, query, key, limit = 2) {
  const seen = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const q = [query, `limit=${limit}`, cursor === null ? "" : `${key}=${cursor}`].filter(Boolean).join("&");
    const r = await audit(who, q);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.entries.length <= limit);
    seen.push(...r.body.entries.map((e) => e.id));
    if (r.body.next === null) return seen;
    assert.equal(r.body.next, r.body.entries.at(-1).id, "next is the last entry returned");
    cursor = r.body.next;
  }
  throw new Error("too many pages");
}

const sorted = (list) => [...list].sort((a, b) => a - b);
const pick = (...names) => sorted(names.map((n) => ids[n]));

before(async () => {
  if (skip) return;
  dir = tempDir("rg-audit-");
  db = path.join(dir, "hub.sqlite");
  const bundleFile = fixture(dir, "account-hub", (b) => {
    b.server = { auditPermission: "approvals.configure" };
  });
  server = await startServer(db, bundleFile);
  base = server.base;
  for (const m of ["m-olivia", "m-bea", "m-omar", "m-sam", "m-lena", "m-priya"]) tokens[m] = token(db, m);
  ids.seed = 1;
  const olivia = (ops) => commit(base, tokens["m-olivia"], "m-olivia", ops);
  // acc-9001 only.
  await must(await olivia([{ op: "assign_role", member: "m-devon", role: "hub.end_user", scope: "ln-0101" }]), "A");
  ids.a = await newestId();
  // acc-9002 only.
  await must(await olivia([{ op: "assign_role", member: "m-kim", role: "hub.end_user", scope: "ln-0204" }]), "B");
  ids.b = await newestId();
  // Both accounts in one change set.
  await must(await olivia([{ op: "assign_role", member: "m-jon", role: "hub.end_user", scopes: ["ln-0102", "ln-0202"] }]), "AB");
  ids.ab = await newestId();
  // Names no scope: the member's own scopes (Devon's lines, in acc-9001) are touched.
  await must(await olivia([{ op: "edit_member", member: "m-devon", name: "Devon Brooks-Lee" }]), "A edit");
  ids.aEdit = await newestId();
  // Lena's order waits for approval; Omar approves it: the decision names only the
  // request, whose operation is on ln-0201 (acc-9002).
  const order = await must(await commit(base, tokens["m-lena"], "m-lena", [{ op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 2500, item: "case" } }]), "order");
  ids.order = await newestId();
  const decided = await call(base, "POST", `/v1/requests/${order.body.pending.requests[0]}/decision`, { token: tokens["m-omar"], body: { decision: "approve" } });
  await must(decided, "decision");
  assert.equal(decided.body.applied, true);
  ids.decision = await newestId();
  await must(await olivia([{ op: "assign_role", member: "m-lena", role: "hub.end_user", scope: "ln-0202" }]), "B2");
  ids.b2 = await newestId();
  // Jon holds lines in acc-9001, acc-9002 and acc-9003.
  await must(await olivia([{ op: "block", member: "m-jon" }]), "ABC");
  ids.abc = await newestId();
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

test("oldest first with `after` pages as before", { skip }, async () => {
  const first = await audit("m-olivia", "limit=2");
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.body.entries.map((e) => e.id), [1, 2]);
  assert.equal(first.body.entries[0].kind, "seed");
  assert.equal(first.body.next, 2);
  const all = await allPages("m-olivia", "", "after");
  assert.deepEqual(all, sorted(Object.values(ids)));
  const explicit = await audit("m-olivia", "order=oldest&after=8&limit=500");
  assert.deepEqual(explicit.body.entries.map((e) => e.id), [9]);
  assert.equal(explicit.body.next, null);
});

test("newest first with `before` pages backwards; next is null at the end", { skip }, async () => {
  const first = await audit("m-olivia", "order=newest&limit=2");
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.body.entries.map((e) => e.id), [ids.abc, ids.b2]);
  assert.equal(first.body.next, ids.b2);
  const entry = first.body.entries[0];
  for (const key of ["id", "at", "actor", "kind", "revisionBefore", "revisionAfter", "detail"]) assert.ok(key in entry, key);
  const all = await allPages("m-olivia", "order=newest", "before");
  assert.deepEqual(all, sorted(Object.values(ids)).reverse());
  const older = await audit("m-olivia", `order=newest&before=${ids.b}&limit=500`);
  assert.deepEqual(older.body.entries.map((e) => e.id), [ids.a, 1]);
  assert.equal(older.body.next, null);
});

test("member filter: entries that name the member, as actor or subject", { skip }, async () => {
  assert.deepEqual(await allPages("m-olivia", "order=newest&member=m-devon", "before"), [ids.aEdit, ids.a]);
  assert.deepEqual(sorted(await allPages("m-olivia", "member=m-lena", "after")), pick("order", "decision", "b2"));
  assert.deepEqual(sorted(await allPages("m-olivia", "member=m-omar", "after")), pick("decision"));
  assert.deepEqual(await allPages("m-olivia", "member=m-nobody", "after"), []);
});

test("scope filter: the scope and every scope below it", { skip }, async () => {
  assert.deepEqual(sorted(await allPages("m-olivia", "scope=acc-9001", "after")), pick("a", "ab", "aEdit", "abc"));
  assert.deepEqual(sorted(await allPages("m-olivia", "order=newest&scope=ln-0101", "before")), pick("a", "aEdit", "abc"));
  assert.deepEqual(sorted(await allPages("m-olivia", "scope=acc-9003", "after")), pick("abc"));
  // The decision names only the request: its operation's scope counts.
  assert.deepEqual(sorted(await allPages("m-olivia", "scope=ln-0201", "after")), pick("order", "decision"));
  // The seed touches no scope.
  const everything = sorted(Object.values(ids)).filter((id) => id !== ids.seed);
  assert.deepEqual(sorted(await allPages("m-olivia", "scope=biz-northwind", "after")), everything);
  // Both filters at once.
  assert.deepEqual(await allPages("m-olivia", "scope=acc-9002&member=m-jon", "after"), pick("ab", "abc"));
});

test("an account's administrator sees its entries only: not another account's, not one touching both", { skip }, async () => {
  const omar = await allPages("m-omar", "order=newest", "before");
  assert.deepEqual(omar, [ids.b2, ids.decision, ids.order, ids.b]);
  assert.deepEqual(await allPages("m-omar", "", "after", 500), [ids.b, ids.order, ids.decision, ids.b2]);
  const bea = await allPages("m-bea", "order=newest", "before", 1);
  assert.deepEqual(bea, [ids.aEdit, ids.a]);
  // Sam administers both accounts: the entry touching both, but not acc-9003's, nor the seed.
  assert.deepEqual(sorted(await allPages("m-sam", "", "after")), pick("a", "b", "ab", "aEdit", "order", "decision", "b2"));
});

test("filters reveal nothing hidden: no entry, and no `next`", { skip }, async () => {
  for (const query of ["member=m-jon", "scope=acc-9002", "scope=ln-0202", "member=m-olivia&scope=acc-9003", "scope=biz-northwind&member=m-kim"]) {
    for (const order of ["", "order=newest&"]) {
      const r = await audit("m-bea", `${order}${query}&limit=1`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.entries, [], `${order}${query}`);
      assert.equal(r.body.next, null, `${order}${query}`);
    }
  }
  // Cursors that point into hidden entries give the visible ones around them only.
  const around = await audit("m-bea", `order=newest&before=${ids.abc}&limit=500`);
  assert.deepEqual(around.body.entries.map((e) => e.id), [ids.aEdit, ids.a]);
  const afterHidden = await audit("m-bea", `after=${ids.ab}&limit=500`);
  assert.deepEqual(afterHidden.body.entries.map((e) => e.id), [ids.aEdit]);
  // Filtering by a scope that is Bea's still hides what touches another account too.
  assert.deepEqual(await allPages("m-bea", "scope=acc-9001", "after"), pick("a", "aEdit"));
  assert.deepEqual(await allPages("m-omar", "member=m-jon", "after"), []);
});

test("who holds the permission nowhere gets 403", { skip }, async () => {
  for (const who of ["m-lena", "m-priya"]) {
    for (const query of ["", "order=newest", "member=m-lena", "scope=ln-0201"]) {
      const r = await audit(who, query);
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.errors[0].code, "forbidden");
      assert.equal(r.body.entries, undefined);
    }
  }
});

test("bad parameters are 400 invalid_value, pointing at the parameter", { skip }, async () => {
  const cases = [
    ["order=sideways", "/query/order"],
    ["order=", "/query/order"],
    ["before=x&order=newest", "/query/before"],
    ["order=newest&before=-1", "/query/before"],
    ["before=5", "/query/before"],
    ["order=newest&after=5", "/query/after"],
    ["after=1.5", "/query/after"],
    ["limit=abc", "/query/limit"],
    ["limit=", "/query/limit"],
    ["member=", "/query/member"],
    ["scope=", "/query/scope"],
    ["scope=acc-0000", "/query/scope"],
  ];
  for (const [query, pointer] of cases) {
    const r = await audit("m-olivia", query);
    assert.equal(r.status, 400, `${query}: ${r.text}`);
    assert.equal(r.body.errors[0].code, "invalid_value", query);
    assert.equal(r.body.errors[0].pointer, pointer, query);
  }
  // limit clamps, as before.
  const big = await audit("m-olivia", "limit=100000");
  assert.equal(big.status, 200, big.text);
  assert.equal(big.body.entries.length, Object.keys(ids).length);
  const zero = await audit("m-olivia", "order=newest&limit=0");
  assert.equal(zero.body.entries.length, 1);
});

function sqlite(file, sql) {
  return spawnSync("sqlite3", [file, sql], { encoding: "utf8" });
}
const noSqlite = skip || (spawnSync("sqlite3", ["-version"]).status === 0 ? false : "the sqlite3 CLI is not installed");

test("a database written before subjects were kept is migrated when it is opened", { skip: noSqlite }, async () => {
  const old = tempDir("rg-audit-old-");
  const file = path.join(old, "hub.sqlite");
  const bundleFile = fixture(old, "account-hub", (b) => {
    b.server = { auditPermission: "approvals.configure" };
  });
  let s = await startServer(file, bundleFile);
  const t = {};
  for (const m of ["m-olivia", "m-omar", "m-bea", "m-lena"]) t[m] = token(file, m);
  await must(await commit(s.base, t["m-olivia"], "m-olivia", [{ op: "assign_role", member: "m-devon", role: "hub.end_user", scope: "ln-0101" }]), "A");
  const order = await must(await commit(s.base, t["m-lena"], "m-lena", [{ op: "perform", action: "orders.place", scope: "ln-0201", attributes: { orderTotal: 2500, item: "case" } }]), "order");
  await must(await call(s.base, "POST", `/v1/requests/${order.body.pending.requests[0]}/decision`, { token: t["m-omar"], body: { decision: "approve" } }), "decision");
  await must(await commit(s.base, t["m-olivia"], "m-olivia", [{ op: "assign_role", member: "m-jon", role: "hub.end_user", scopes: ["ln-0102", "ln-0202"] }]), "AB");
  await stop(s);
  // Back to the schema before subjects: no table, user_version 0.
  let r = sqlite(file, "DROP TABLE audit_subjects; PRAGMA user_version = 0;");
  assert.equal(r.status, 0, r.stderr);
  r = sqlite(file, "PRAGMA user_version; SELECT count(*) FROM sqlite_master WHERE name LIKE 'audit_subjects%'; SELECT count(*) FROM audit;");
  assert.deepEqual(r.stdout.trim().split("\n"), ["0", "0", "5"]);

  s = await startServer(file);
  try {
    const get = (who, q) => call(s.base, "GET", `/v1/audit?${q}`, { token: t[who] });
    const omar = await get("m-omar", "order=newest&limit=500");
    assert.equal(omar.status, 200, omar.text);
    // Lena's order and Omar's decision (found through the request in the revision
    // it was made on), not acc-9001's entry, not the one touching both, not the seed.
    assert.deepEqual(omar.body.entries.map((e) => e.kind), ["decision", "change"]);
    assert.deepEqual(omar.body.entries.map((e) => e.id), [4, 3]);
    const bea = await get("m-bea", "limit=500");
    assert.deepEqual(bea.body.entries.map((e) => e.id), [2]);
    const devon = await get("m-olivia", "member=m-devon&order=newest");
    assert.deepEqual(devon.body.entries.map((e) => e.id), [2]);
    const acc9002 = await get("m-olivia", "scope=acc-9002");
    assert.deepEqual(acc9002.body.entries.map((e) => e.id), [3, 4, 5]);
    r = sqlite(file, "PRAGMA user_version; SELECT count(DISTINCT audit_id) FROM audit_subjects;");
    assert.deepEqual(r.stdout.trim().split("\n"), ["1", "4"]);
    // New commits keep their subjects too.
    await must(await commit(s.base, t["m-olivia"], "m-olivia", [{ op: "assign_role", member: "m-kim", role: "hub.end_user", scope: "ln-0204" }]), "B");
    const again = await get("m-omar", "order=newest&limit=1");
    assert.equal(again.body.entries[0].id, 6);
  } finally {
    await stop(s);
  }
  // Opening it again leaves it as it is.
  s = await startServer(file);
  await stop(s);
  r = sqlite(file, "PRAGMA user_version; SELECT count(*) FROM audit_subjects WHERE audit_id = 2;");
  const [version, subjects] = r.stdout.trim().split("\n");
  assert.equal(version, "1");
  assert.ok(Number(subjects) >= 3, "actor, member and scope of entry 2, once each");
});

// bt-business, as the example ships it: `server.auditPermission` is roles.manage,
// held by the admins and super admins of a billing account, not by its users.
test("bt-business: each account's admins read their account's entries; billing users get 403", { skip }, async () => {
  const bt = tempDir("rg-audit-bt-");
  const file = path.join(bt, "bt.sqlite");
  const s = await startServer(file, fixture(bt, "bt-business"));
  try {
    const t = {};
    for (const m of ["m-olivia", "m-raj", "m-hannah", "m-uma", "m-george", "m-chen"]) t[m] = token(file, m);
    const get = (who, q = "") => call(s.base, "GET", `/v1/audit?order=newest&limit=500${q}`, { token: t[who] });
    // Olivia, acc-1001.
    await must(await commit(s.base, t["m-olivia"], "m-olivia", [{ op: "change_role", member: "m-alex", role: "billing.user", scope: "acc-1001" }]), "olivia");
    // Raj, admin of acc-1001 and acc-1002, changes one member on each in one change set.
    await must(await commit(s.base, t["m-raj"], "m-raj", [
      { op: "change_role", member: "m-uma", role: "billing.advanced_user", scope: "acc-1001" },
      { op: "change_role", member: "m-chen", role: "billing.advanced_user", scope: "acc-1002" },
    ]), "raj");
    // Hannah, acc-1004 (the South group).
    await must(await commit(s.base, t["m-hannah"], "m-hannah", [{ op: "invite", member: { id: "m-nia", name: "Nia Owen", email: "nia.owen@hartwell-south.example.com" }, role: "billing.user", scope: "acc-1004" }]), "hannah");

    const kinds = async (who, q) => {
      const r = await get(who, q);
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      return r.body.entries.map((e) => e.actor);
    };
    assert.deepEqual(await kinds("m-olivia"), ["m-olivia"]);
    assert.deepEqual(await kinds("m-raj"), ["m-raj", "m-olivia"]);
    assert.deepEqual(await kinds("m-hannah"), ["m-hannah"]);
    assert.deepEqual(await kinds("m-olivia", "&member=m-chen"), []);
    assert.deepEqual(await kinds("m-raj", "&scope=acc-1002"), ["m-raj"]);
    assert.deepEqual(await kinds("m-olivia", "&scope=grp-south"), []);
    // Chen became an advanced user: still no audit permission.
    for (const who of ["m-uma", "m-george", "m-chen"]) {
      const r = await get(who);
      assert.equal(r.status, 403, `${who}: ${r.text}`);
      assert.equal(r.body.errors[0].code, "forbidden");
    }
  } finally {
    await stop(s);
  }
});
