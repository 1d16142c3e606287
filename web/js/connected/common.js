// @ts-check
// What connected mode's actions share: the context they run in, the session kept
// for the tab, the server's clock, the head bundle read, and the polls.
import { answerError, clockOffset, serverNow } from "../logic/server.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../logic/server.js").Answer} Answer
 * @typedef {ReturnType<typeof import("../logic/server.js").createServerClient>} ServerClient
 * @typedef {import("../logic/types.js").Operation} Operation
 * @typedef {{
 *   store: import("../logic/store.js").Store<AppState>,
 *   get: () => AppState,
 *   client: ServerClient,
 *   session: Storage | null,
 *   loadServerBundle: (text: string, options: { actor: string, now: string, operations: Operation[], message: string }) => Promise<void>,
 *   setNow: (now: string) => void,
 *   pollMs: number,
 *   timer: ReturnType<typeof setTimeout> | null,
 *   epoch: number,
 * }} Connection
 *   (`epoch`: a sign-out or a new sign-in ends the polls of the one before)
 */

export const TOKEN_KEY = "rolegate.session";

/** @returns {AppState["inbox"]} */
export function emptyInbox() {
  return { status: "idle", error: "", requested: [], toDecide: [], verifications: [], messages: [], results: {}, busy: null, at: "" };
}

/** @returns {AppState["audit"]} */
export function emptyAudit() {
  return { status: "idle", error: "", filter: { member: "", scope: "" }, entries: [], next: null, before: null, pages: [] };
}

/** @param {Connection} c @param {string} token */
export function remember(c, token) {
  try {
    if (token) c.session?.setItem(TOKEN_KEY, token);
    else c.session?.removeItem(TOKEN_KEY);
  } catch {
    // Without session storage a reload signs out; nothing else changes.
  }
}

/** @param {Connection} c @param {string} text @param {"info" | "warning" | "error"} tone */
export function notify(c, text, tone) {
  c.store.set({ notice: { text, tone } });
}

/** The server's clock, measured on one call. @param {Connection} c */
export async function measureClock(c) {
  const sent = Date.now();
  const health = await c.client.health();
  const received = Date.now();
  if (health.status === 200 && health.body?.ok) {
    c.store.set({ clockOffset: clockOffset(health.body.now, sent, received), headRevision: health.body.revision ?? c.get().headRevision });
  }
  return health;
}

/**
 * An answer of 401 means the token is no longer good (revoked, or the database
 * started afresh): back to the sign-in page.
 * @param {Connection} c @param {Answer} answer
 */
export function lostSession(c, answer) {
  if (answer.status !== 401) return false;
  signOutLocally(c, "Your session is no longer valid: sign in again.");
  return true;
}

/** @param {Connection} c @param {string} message */
export function signOutLocally(c, message) {
  c.epoch += 1;
  stopPolling(c);
  c.client.setToken("");
  remember(c, "");
  c.store.set({
    mode: "signin",
    session: { member: "", status: "signed-out", error: message },
    inbox: emptyInbox(),
    audit: emptyAudit(),
    commit: { status: "idle" },
  });
}

/**
 * Reads the head bundle and loads it, keeping the operations being built when
 * asked (a re-preview on a new revision).
 * @param {Connection} c
 * @param {{ keepDraft: boolean, message?: string }} options
 * @returns {Promise<boolean>}
 */
export async function loadHead(c, { keepDraft, message = "Reading the policy from the server…" }) {
  const { store, get } = c;
  const answer = await c.client.bundle();
  if (lostSession(c, answer)) return false;
  if (answer.status !== 200 || !answer.body?.ok) {
    if (answer.status === 403 && answer.body?.errors?.[0]?.code === "member_not_active") {
      // Blocked, disabled, invited…: the server lets them read their own messages only.
      store.set({ mode: "inactive", session: { ...get().session, status: "signed-in", error: "" }, phase: "ready", message: answerError(answer) });
      await refreshInbox(c);
      return true;
    }
    notify(c, `The server's policy could not be read: ${answerError(answer)}`, "error");
    return false;
  }
  const { bundle, member, revision, withheld, checkedByServer } = answer.body;
  const operations = keepDraft ? get().draft.present : [];
  store.set({ mode: "connected", session: { member, status: "signed-in", error: "" }, headRevision: revision, withheld: withheld ?? 0, checkedByServer: checkedByServer ?? [] });
  await c.loadServerBundle(JSON.stringify(bundle), { actor: member, now: serverNow(get().clockOffset), operations, message });
  return true;
}

/** @param {Connection} c @param {number} mine the epoch the poll belongs to */
async function poll(c, mine) {
  const { get } = c;
  if (mine !== c.epoch) return;
  const before = get().headRevision;
  const health = await measureClock(c);
  if (mine !== c.epoch) return;
  const head = health.body?.revision;
  if (health.status === 200 && head && head !== get().engine?.revision && head !== before) {
    // Someone committed. An empty draft moves to the new revision at once; one being
    // built stays on its revision, marked stale, until its author re-previews it.
    if (get().draft.present.length === 0 && get().phase === "ready") {
      await loadHead(c, { keepDraft: false, message: "Someone committed a change: reading the new policy…" });
    }
    await refreshInbox(c);
  }
  if (mine === c.epoch) c.timer = setTimeout(() => poll(c, mine), c.pollMs);
}

/** @param {Connection} c */
export function startPolling(c) {
  stopPolling(c);
  if (c.pollMs <= 0) return;
  const mine = c.epoch;
  c.timer = setTimeout(() => poll(c, mine), c.pollMs);
}

/** @param {Connection} c */
export function stopPolling(c) {
  if (c.timer) clearTimeout(c.timer);
  c.timer = null;
}

/** @param {Connection} c @param {string} token */
export async function signInWith(c, token) {
  const { store, get } = c;
  c.epoch += 1;
  c.client.setToken(token);
  store.set({ session: { member: "", status: "signing-in", error: "" } });
  await measureClock(c);
  const ok = await loadHead(c, { keepDraft: false });
  if (!ok && get().session.status !== "signed-in") {
    if (get().mode !== "signin") signOutLocally(c, get().session.error || "Signing in failed.");
    return false;
  }
  remember(c, token);
  startPolling(c);
  await refreshInbox(c);
  return true;
}

/** The inbox read again: requests to decide, PINs awaited, messages. @param {Connection} c */
export async function refreshInbox(c) {
  const { store, get, client } = c;
  const mode = get().mode;
  if (mode !== "connected" && mode !== "inactive") return;
  const inbox = get().inbox;
  store.set({ inbox: { ...inbox, status: inbox.status === "idle" ? "loading" : inbox.status } });
  const inactive = /** @type {Answer} */ ({ status: 403, body: { ok: false, requested: [], toDecide: [], verifications: [] } });
  const [requests, outbox] = await Promise.all([mode === "inactive" ? Promise.resolve(inactive) : client.requests(), client.outbox(0)]);
  if (lostSession(c, requests) || lostSession(c, outbox)) return;
  const failed = [requests, outbox].find((a) => a.status !== 200 && !(a === requests && a.status === 403));
  store.set({
    inbox: {
      ...get().inbox,
      status: failed ? "failed" : "ready",
      error: failed ? answerError(failed) : "",
      requested: requests.status === 200 ? requests.body.requested ?? [] : [],
      toDecide: requests.status === 200 ? requests.body.toDecide ?? [] : [],
      verifications: requests.status === 200 ? requests.body.verifications ?? [] : [],
      messages: outbox.status === 200 ? [...(outbox.body.messages ?? [])].reverse() : [],
      at: requests.body?.now ?? "",
    },
  });
}

/**
 * One inbox action on `id` (a request decided, a PIN entered or resent): marks it
 * busy, makes the call, keeps what it came to under each id `outcome` names, and
 * after a success reads the new policy and the inbox again.
 * @param {Connection} c
 * @param {string} id
 * @param {() => Promise<Answer>} call
 * @param {(answer: Answer) => AppState["inbox"]["results"]} outcome
 * @param {{ keepDraft: boolean, message: string }} reload
 */
export async function inboxCall(c, id, call, outcome, reload) {
  const { store, get } = c;
  store.set({ inbox: { ...get().inbox, busy: id } });
  const answer = await call();
  if (lostSession(c, answer)) return;
  store.set({ inbox: { ...get().inbox, busy: null, results: { ...get().inbox.results, ...outcome(answer) } } });
  if (answer.status === 200) await loadHead(c, reload);
  await refreshInbox(c);
}
