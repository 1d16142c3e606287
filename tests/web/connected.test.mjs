// Connected mode's actions (web/js/connected.js) against a scripted server: signing
// in, a commit refused as stale and previewed again with the draft kept, a lost
// session, the inbox, and the audit log's pages and refusal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection } from "../../web/js/connected.js";
import { createStore } from "../../web/js/logic/store.js";
import { example } from "./helpers.mjs";

/** A client whose answers are scripted per call name; every call is recorded. */
function scripted(answers) {
  const calls = [];
  const client = { setToken: (t) => calls.push(["setToken", t]) };
  for (const name of ["health", "bundle", "commit", "requests", "decide", "completeVerification", "resendVerification", "outbox", "audit", "demoMembers", "demoSignIn", "acceptInvitation"]) {
    client[name] = async (...args) => {
      calls.push([name, ...args]);
      const list = answers[name];
      const next = Array.isArray(list) ? (list.length > 1 ? list.shift() : list[0]) : list;
      return typeof next === "function" ? next(...args) : next ?? { status: 404, body: { ok: false, errors: [{ code: "not_found", pointer: "", message: "no" }] } };
    };
  }
  return { client, calls };
}

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v), removeItem: (k) => map.delete(k) };
}

function setup(answers) {
  const store = createStore({
    mode: "offline", server: null, session: { member: "", status: "signed-out", error: "" }, clockOffset: 0, headRevision: "",
    withheld: 0, checkedByServer: [], demoMembers: [], commit: { status: "idle" }, phase: "ready", notice: null,
    draft: { past: [], present: [], future: [] }, engine: null, changeSet: null, simulation: null, now: "",
    inbox: { status: "idle", error: "", requested: [], toDecide: [], verifications: [], messages: [], results: {}, busy: null, at: "" },
    audit: { status: "idle", error: "", filter: { member: "", scope: "" }, entries: [], next: null, before: null, pages: [] },
  });
  const { client, calls } = scripted(answers);
  const loads = [];
  const session = memoryStorage();
  const connection = createConnection({
    store,
    client,
    session,
    pollMs: 0,
    setNow: (now) => store.set({ now, changeSet: { baseRevision: store.get().engine?.revision, operations: store.get().draft.present, now }, simulation: { ok: true, summary: { blocked: false } } }),
    loadServerBundle: async (text, options) => {
      loads.push(options);
      const bundle = JSON.parse(text);
      // An engine that previews whatever it is given as allowed, on its revision.
      const simulate = (changeSet) => ({ ok: true, baseRevision: changeSet.baseRevision, operations: changeSet.operations.map((o, index) => ({ index, op: o.op, effect: "allow" })), summary: { blocked: false } });
      store.set({ engine: { revision: bundle.revision, simulate }, draft: { past: [], present: options.operations, future: [] } });
    },
  });
  return { store, connection, calls, loads, session };
}

const health = (revision) => ({ status: 200, body: { ok: true, revision, now: "2026-12-07T10:00:00Z" } });
const bundle = (revision) => ({ status: 200, body: { ok: true, revision, member: "m-raj", now: "2026-12-07T10:00:00Z", bundle: { revision }, withheld: 2, checkedByServer: ["unique_email"] } });
const empty = { status: 200, body: { ok: true, requested: [], toDecide: [], verifications: [], now: "2026-12-07T10:00:00Z" } };
const outbox = { status: 200, body: { ok: true, messages: [{ id: 1 }, { id: 2 }], next: null } };
const TOKEN = `rg_${"a".repeat(64)}`;

test("a token signs in: the server's bundle as the member, at the server's time, kept for the tab", async () => {
  const { store, connection, loads, session } = setup({ health: health("r1"), bundle: bundle("r1"), requests: empty, outbox });
  assert.equal(await connection.signInWithToken("not a token"), false);
  assert.match(store.get().session.error, /rg_ followed by 64 hexadecimal digits/);
  assert.equal(await connection.signInWithToken(` ${TOKEN} `), true);
  const s = store.get();
  assert.equal(s.mode, "connected");
  assert.deepEqual(s.session, { member: "m-raj", status: "signed-in", error: "" });
  assert.equal(s.withheld, 2);
  assert.equal(loads[0].actor, "m-raj");
  assert.match(loads[0].now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(session.getItem("rolegate.session"), TOKEN);
  assert.deepEqual(s.inbox.messages.map((m) => m.id), [2, 1], "newest first");
  connection.signOut();
  assert.equal(session.getItem("rolegate.session"), null);
  assert.equal(store.get().mode, "signin");
});

test("a stale commit keeps the draft, and previewing again loads the new revision with it", async () => {
  const op = { op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.user" };
  const { store, connection, calls, loads } = setup({
    health: [health("r1"), health("r1"), health("r2")],
    bundle: [bundle("r1"), bundle("r2")],
    requests: empty,
    outbox,
    commit: { status: 409, body: { ok: false, revision: "r2", errors: [{ code: "stale_revision", pointer: "/changeSet/baseRevision", message: "another change was committed first" }] } },
  });
  await connection.signInWithToken(TOKEN);
  store.set({ draft: { past: [], present: [op], future: [] } });
  await connection.commit();
  const c = store.get().commit;
  assert.equal(c.status, "done");
  assert.deepEqual(c.outcome, { kind: "stale", revision: "r2", message: "another change was committed first" });
  const sent = calls.find((x) => x[0] === "commit")[1];
  assert.equal(sent.changeSet.baseRevision, "r1");
  assert.deepEqual(sent.changeSet.operations, [op]);
  await connection.repreview();
  assert.equal(store.get().engine.revision, "r2");
  assert.deepEqual(loads.at(-1).operations, [op], "the draft is kept");
  assert.equal(store.get().commit.status, "idle");
});

test("a 401 from any call signs out with a message", async () => {
  const { store, connection } = setup({ health: health("r1"), bundle: bundle("r1"), requests: [empty, { status: 401, body: { ok: false, errors: [{ code: "unauthenticated", pointer: "", message: "revoked" }] } }], outbox });
  await connection.signInWithToken(TOKEN);
  await connection.refreshInbox();
  assert.equal(store.get().mode, "signin");
  assert.match(store.get().session.error, /no longer valid/);
});

test("the audit log: pages newest first by `before`, filters, and a refusal", async () => {
  const page = (ids, next) => ({ status: 200, body: { ok: true, entries: ids.map((id) => ({ id })), next } });
  const { store, connection, calls } = setup({ health: health("r1"), bundle: bundle("r1"), requests: empty, outbox, audit: [page([9, 8], 8), page([7, 6], 6), page([3], null), { status: 403, body: { ok: false, errors: [{ code: "forbidden", pointer: "", message: "needs the audit permission" }] } }] });
  await connection.signInWithToken(TOKEN);
  await connection.loadAudit({});
  assert.deepEqual(store.get().audit.entries.map((e) => e.id), [9, 8]);
  assert.equal(store.get().audit.next, 8);
  await connection.loadAudit({ before: store.get().audit.next });
  assert.deepEqual(store.get().audit.entries.map((e) => e.id), [7, 6]);
  assert.deepEqual(calls.filter((c) => c[0] === "audit").map((c) => c[1].before), [null, 8]);
  await connection.loadAudit({ member: "m-uma" });
  assert.deepEqual(calls.filter((c) => c[0] === "audit").at(-1)[1], { before: null, member: "m-uma", scope: "", limit: 20 }, "a new filter starts at the newest");
  assert.equal(store.get().audit.next, null);
  await connection.loadAudit({});
  assert.equal(store.get().audit.status, "forbidden");
  assert.match(store.get().audit.error, /audit permission/);
});

test("a wrong PIN says how many tries are left; a resend says the old PIN stops working", async () => {
  const { store, connection } = setup({
    health: health("r1"), bundle: bundle("r1"), requests: empty, outbox,
    completeVerification: { status: 422, body: { ok: false, attemptsLeft: 3, errors: [{ code: "wrong_pin", pointer: "/pin", message: "wrong PIN" }] } },
    resendVerification: { status: 200, body: { ok: true, pending: { verifications: [{ id: "ver-2" }] } } },
  });
  await connection.signInWithToken(TOKEN);
  await connection.enterPin("ver-1", " 123456 ");
  assert.equal(store.get().inbox.results["ver-1"].text, "Wrong PIN: 3 tries left.");
  await connection.resendPin("ver-1");
  assert.match(store.get().inbox.results["ver-2"].text, /the old one no longer works/);
});

test("the audit log goes on by itself past searches that stopped early with nothing to show", async () => {
  const stopped = (next) => ({ status: 200, body: { ok: true, entries: [], next } });
  const { store, connection, calls } = setup({ health: health("r1"), bundle: bundle("r1"), requests: empty, outbox, audit: [stopped(9000), stopped(4000), { status: 200, body: { ok: true, entries: [{ id: 12 }], next: null } }] });
  await connection.signInWithToken(TOKEN);
  await connection.loadAudit({ scope: "acc-1" });
  assert.deepEqual(calls.filter((c) => c[0] === "audit").map((c) => c[1].before), [null, 9000, 4000]);
  assert.deepEqual(store.get().audit.entries.map((e) => e.id), [12]);
  const endless = setup({ health: health("r1"), bundle: bundle("r1"), requests: empty, outbox, audit: [stopped(1e6)] });
  await endless.connection.signInWithToken(TOKEN);
  await endless.connection.loadAudit({});
  assert.equal(endless.calls.filter((c) => c[0] === "audit").length, 10, "ten searches, then it asks");
  assert.equal(endless.store.get().audit.next, 1e6);
});

test("a role request: approving says what it gave; withdrawing commits a withdraw_request previewed in the page", async () => {
  const asked = {
    kind: "role",
    request: { id: "role-request-1", requester: "m-uma", role: "billing.advanced_user", scope: "acc-1001", reason: "finance", createdAt: "2026-12-07T09:00:00Z" },
    status: { ok: true, request: "role-request-1", status: "pending", approvals: [], rejections: [], eligible: ["m-olivia", "m-raj"], quorum: 1 },
  };
  const stale = { status: 409, body: { ok: false, revision: "r3", errors: [{ code: "stale_revision", pointer: "/changeSet/baseRevision", message: "another change was committed first" }] } };
  const { store, connection, calls } = setup({
    health: health("r1"),
    bundle: [bundle("r1"), bundle("r2"), bundle("r3")],
    requests: { status: 200, body: { ok: true, requested: [], toDecide: [asked], verifications: [], now: "2026-12-07T10:00:00Z" } },
    outbox,
    decide: { status: 200, body: { ok: true, applied: true } },
    commit: [stale, { status: 200, body: { ok: true, revision: "r4", revisionBefore: "r3", pending: {} } }],
  });
  await connection.signInWithToken(TOKEN);
  store.set({ index: (await example("bt-business")).index });
  await connection.decide("role-request-1", "approve", "");
  assert.deepEqual(calls.find((c) => c[0] === "decide").slice(1), ["role-request-1", "approve", ""]);
  assert.deepEqual(store.get().inbox.results["role-request-1"], { kind: "request", tone: "allow", text: "Approved: Uma Brooks now has Advanced user on Leeds head office." });

  await connection.withdraw("role-request-9");
  const sent = calls.filter((c) => c[0] === "commit").map((c) => c[1]);
  assert.equal(sent.length, 2, "refused as stale, the policy is read again and it is sent once more");
  assert.deepEqual(sent.map((x) => x.changeSet.baseRevision), ["r2", "r3"], "the approval moved the page to r2; someone else committed r3");
  assert.deepEqual(sent[1].changeSet.operations, [{ op: "withdraw_request", request: "role-request-9" }]);
  assert.equal(sent[1].changeSet.actor, "m-raj");
  assert.equal(sent[1].preview.baseRevision, "r3", "sent with the page's own preview");
  assert.deepEqual(store.get().inbox.results["role-request-9"], { kind: "withdrawal", tone: "info", text: "Withdrawn: the members who could decide it are told." });
});
