// @ts-check
// Connected mode's actions on the inbox and the audit log: requests decided or
// withdrawn, PINs entered or sent again, pages of the log.
import { buildChangeSet } from "../logic/changeset.js";
import { answerError, serverNow } from "../logic/server.js";
import { emptyAudit, inboxCall, loadHead, lostSession, measureClock, refreshInbox as readInbox } from "./common.js";

/**
 * @typedef {import("./common.js").Connection} Connection
 * @typedef {import("./common.js").Answer} Answer
 */

/** How many bounded searches one click of the audit log makes before it stops to ask. */
const AUDIT_SEARCHES = 10;

/** @param {Connection} c */
export async function refreshInbox(c) {
  await readInbox(c);
}

/** The policy read again after an inbox action: keeping the change being built, if any. @param {Connection} c */
const reloadKeeping = (c) => ({ keepDraft: c.get().draft.present.length > 0, message: "Reading the new policy…" });

/**
 * What deciding came to, in words.
 * @param {Answer} answer @param {"approve" | "reject"} decision
 * @param {boolean} roleRequest @param {string} grant who now has what, when a role request is approved
 */
function decisionResult(answer, decision, roleRequest, grant) {
  if (answer.status !== 200) return { kind: /** @type {const} */ ("request"), tone: "deny", text: `Not decided: ${answerError(answer)}` };
  const text = roleRequest
    ? decision === "reject" ? "Rejected: the member who asked is told." : answer.body.applied ? `Approved: ${grant || "the role is given"}.` : "Approved: giving the role waits for its own approval."
    : decision === "approve" ? (answer.body.applied ? "Approved: the request had enough approvals and was carried out." : answer.body.applyRefused ? `Approved, but it could not be carried out now: ${answer.body.applyRefused}` : "Approved: it waits for more approvals.") : "Rejected.";
  return { kind: /** @type {const} */ ("request"), tone: "allow", text };
}

/**
 * @param {Connection} c
 * @param {string} id the approval request @param {"approve" | "reject"} decision
 * @param {string} comment
 */
export async function decide(c, id, decision, comment) {
  const { get } = c;
  // A role request (docs/changes.md section 2b) is decided in one commit: approving gives the role.
  const entry = get().inbox.toDecide.find((e) => e.request?.id === id);
  const asked = entry?.kind === "role" ? entry.request : null;
  const index = get().index;
  const grant = asked && index ? `${index.memberName(asked.requester)} now has ${index.roleName(asked.role)} on ${index.scopeName(asked.scope)}` : "";
  await inboxCall(c, id, () => c.client.decide(id, decision, comment), (answer) => ({ [id]: decisionResult(answer, decision, Boolean(asked), grant) }), reloadKeeping(c));
}

/** @param {string} code @param {string} message @returns {Answer} */
const refusal = (code, message) => ({ status: 0, body: { ok: false, errors: [{ code, pointer: "", message }] } });

/**
 * A change set of one `withdraw_request`, previewed in the page at the server's
 * time and committed.
 * @param {Connection} c @param {string} id @returns {Promise<Answer>}
 */
async function commitWithdrawal(c, id) {
  await measureClock(c);
  const { engine, session } = c.get();
  if (!engine) return refusal("no_policy", "the policy is not loaded");
  const changeSet = buildChangeSet({ revision: engine.revision, actor: session.member, now: serverNow(c.get().clockOffset), operations: [{ op: "withdraw_request", request: id }] });
  const preview = /** @type {any} */ (engine.simulate(changeSet));
  if (!preview.ok) return refusal(preview.errors?.[0]?.code ?? "invalid", answerError({ status: 0, body: preview }));
  return c.client.commit({ changeSet, preview });
}

/**
 * Withdraws one of the member's own role requests: a change set of one
 * `withdraw_request`, previewed in the page at the server's time and committed
 * through POST /v1/changes like any other change (the change being built is left
 * alone). A policy read before someone else's commit is read again first.
 * @param {Connection} c @param {string} id the role request
 */
export async function withdraw(c, id) {
  const call = async () => {
    const answer = await commitWithdrawal(c, id);
    if (answer.status !== 409 || answer.body?.errors?.[0]?.code !== "stale_revision") return answer;
    // Someone committed since the policy was read: read it (keeping any draft) and try once more.
    if (!(await loadHead(c, { keepDraft: true, message: "Reading the new policy…" }))) return answer;
    return commitWithdrawal(c, id);
  };
  await inboxCall(
    c,
    id,
    call,
    (answer) => ({
      [id]:
        answer.status === 200
          ? { kind: "withdrawal", tone: "info", text: "Withdrawn: the members who could decide it are told." }
          : { kind: "withdrawal", tone: "deny", text: `Not withdrawn: ${answerError(answer)}` },
    }),
    reloadKeeping(c),
  );
}

/** @param {Connection} c @param {string} id a verification @param {string} pin */
export async function enterPin(c, id, pin) {
  await inboxCall(
    c,
    id,
    () => c.client.completeVerification(id, pin.trim()),
    (answer) => ({
      [id]:
        answer.status === 200
          ? { kind: "verification", tone: "allow", text: "The PIN is right: the upgrade is done." }
          : answer.body?.errors?.[0]?.code === "wrong_pin"
            ? { kind: "verification", tone: "deny", text: `Wrong PIN: ${answer.body.attemptsLeft ?? 0} ${answer.body.attemptsLeft === 1 ? "try" : "tries"} left.` }
            : { kind: "verification", tone: "deny", text: answerError(answer) },
    }),
    { keepDraft: false, message: "Upgraded: reading the new policy…" },
  );
}

/** @param {Connection} c @param {string} id a verification */
export async function resendPin(c, id) {
  await inboxCall(
    c,
    id,
    () => c.client.resendVerification(id),
    (answer) => {
      const result =
        answer.status === 200
          ? { kind: /** @type {const} */ ("verification"), tone: "info", text: "A new PIN is on its way by post; the old one no longer works." }
          : { kind: /** @type {const} */ ("verification"), tone: "deny", text: `No new PIN: ${answerError(answer)}` };
      // The new verification (a new id) says it too.
      const fresh = answer.body?.pending?.verifications?.[0];
      return fresh ? { [id]: result, [typeof fresh === "string" ? fresh : fresh.id]: result } : { [id]: result };
    },
    reloadKeeping(c),
  );
}

/**
 * A page of the audit log, newest first.
 * @param {Connection} c
 * @param {{ member?: string, scope?: string, before?: number | null }} [query]
 */
export async function loadAudit(c, query = {}) {
  const { store, get, client } = c;
  const current = get().audit;
  const filter = { member: query.member ?? current.filter.member, scope: query.scope ?? current.filter.scope };
  const before = query.before ?? null;
  store.set({ audit: { ...current, status: "loading", filter } });
  let answer = await client.audit({ before, member: filter.member, scope: filter.scope, limit: 20 });
  // The server examines a bounded number of entries per request: a page that found
  // none it may show, but stopped early (`next`), goes on from where it stopped, a
  // few times, before saying so.
  let searches = 1;
  while (answer.status === 200 && (answer.body.entries ?? []).length === 0 && answer.body.next != null && searches < AUDIT_SEARCHES) {
    answer = await client.audit({ before: answer.body.next, member: filter.member, scope: filter.scope, limit: 20 });
    searches += 1;
  }
  if (lostSession(c, answer)) return;
  if (answer.status === 403) {
    store.set({ audit: { ...emptyAudit(), status: "forbidden", filter, error: answerError(answer) } });
    return;
  }
  if (answer.status !== 200) {
    store.set({ audit: { ...get().audit, status: "failed", error: answerError(answer) } });
    return;
  }
  const pages = before === null ? [null] : [...current.pages.filter((p) => p !== before), before];
  store.set({ audit: { status: "ready", filter, entries: answer.body.entries ?? [], next: answer.body.next ?? null, before, pages, error: "" } });
}
