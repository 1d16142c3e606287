// @ts-check
// Connected mode: the app signed in to the server of record (docs/server.md). The
// policy is the server's head bundle as the signed-in member may see it; previews run
// in the page at the server's time; Submit commits through POST /v1/changes; the
// inbox and the audit log come from the server. Nothing the page says is trusted by
// the server: it recomputes everything with its own clock and its own record.
import { buildChangeSet } from "./logic/changeset.js";
import { answerError, clockOffset, commitOutcome, serverNow } from "./logic/server.js";

/**
 * @typedef {import("./app.js").AppState} AppState
 * @typedef {import("./logic/server.js").Answer} Answer
 * @typedef {ReturnType<typeof import("./logic/server.js").createServerClient>} ServerClient
 * @typedef {import("./logic/types.js").Operation} Operation
 */

const TOKEN_KEY = "rolegate.session";
/** How many bounded searches one click of the audit log makes before it stops to ask. */
const AUDIT_SEARCHES = 10;

/**
 * @param {{
 *   store: import("./logic/store.js").Store<AppState>,
 *   client: ServerClient,
 *   session: Storage | null,
 *   loadServerBundle: (text: string, options: { actor: string, now: string, operations: Operation[], message: string }) => Promise<void>,
 *   setNow: (now: string) => void,
 *   pollMs?: number,
 * }} options
 */
export function createConnection({ store, client, session, loadServerBundle, setNow, pollMs = 3000 }) {
  const get = store.get;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let epoch = 0; // a sign-out or a new sign-in ends the polls of the one before

  /** @param {string} token */
  function remember(token) {
    try {
      if (token) session?.setItem(TOKEN_KEY, token);
      else session?.removeItem(TOKEN_KEY);
    } catch {
      // Without session storage a reload signs out; nothing else changes.
    }
  }

  /** @param {string} text @param {"info" | "warning" | "error"} tone */
  const notify = (text, tone) => store.set({ notice: { text, tone } });

  /** The server's clock, measured on one call. */
  async function measureClock() {
    const sent = Date.now();
    const health = await client.health();
    const received = Date.now();
    if (health.status === 200 && health.body?.ok) {
      store.set({ clockOffset: clockOffset(health.body.now, sent, received), headRevision: health.body.revision ?? get().headRevision });
    }
    return health;
  }

  /**
   * An answer of 401 means the token is no longer good (revoked, or the database
   * started afresh): back to the sign-in page.
   * @param {Answer} answer
   */
  function lostSession(answer) {
    if (answer.status !== 401) return false;
    signOutLocally("Your session is no longer valid: sign in again.");
    return true;
  }

  /** @param {string} message */
  function signOutLocally(message) {
    epoch += 1;
    stopPolling();
    client.setToken("");
    remember("");
    store.set({
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
   * @param {{ keepDraft: boolean, message?: string }} options
   * @returns {Promise<boolean>}
   */
  async function loadHead({ keepDraft, message = "Reading the policy from the server…" }) {
    const answer = await client.bundle();
    if (lostSession(answer)) return false;
    if (answer.status !== 200 || !answer.body?.ok) {
      if (answer.status === 403 && answer.body?.errors?.[0]?.code === "member_not_active") {
        // Blocked, disabled, invited…: the server lets them read their own messages only.
        store.set({ mode: "inactive", session: { ...get().session, status: "signed-in", error: "" }, phase: "ready", message: answerError(answer) });
        await actions.refreshInbox();
        return true;
      }
      notify(`The server's policy could not be read: ${answerError(answer)}`, "error");
      return false;
    }
    const { bundle, member, revision, withheld, checkedByServer } = answer.body;
    const operations = keepDraft ? get().draft.present : [];
    store.set({ mode: "connected", session: { member, status: "signed-in", error: "" }, headRevision: revision, withheld: withheld ?? 0, checkedByServer: checkedByServer ?? [] });
    await loadServerBundle(JSON.stringify(bundle), { actor: member, now: serverNow(get().clockOffset), operations, message });
    return true;
  }

  async function poll(/** @type {number} */ mine) {
    if (mine !== epoch) return;
    const before = get().headRevision;
    const health = await measureClock();
    if (mine !== epoch) return;
    const head = health.body?.revision;
    if (health.status === 200 && head && head !== get().engine?.revision && head !== before) {
      // Someone committed. An empty draft moves to the new revision at once; one being
      // built stays on its revision, marked stale, until its author re-previews it.
      if (get().draft.present.length === 0 && get().phase === "ready") {
        await loadHead({ keepDraft: false, message: "Someone committed a change: reading the new policy…" });
      }
      await actions.refreshInbox();
    }
    if (mine === epoch) timer = setTimeout(() => poll(mine), pollMs);
  }

  function startPolling() {
    stopPolling();
    if (pollMs <= 0) return;
    const mine = epoch;
    timer = setTimeout(() => poll(mine), pollMs);
  }

  function stopPolling() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  /**
   * One inbox action on `id` (a request decided, a PIN entered or resent): marks it
   * busy, makes the call, keeps what it came to under each id `outcome` names, and
   * after a success reads the new policy and the inbox again.
   * @param {string} id
   * @param {() => Promise<Answer>} call
   * @param {(answer: Answer) => AppState["inbox"]["results"]} outcome
   * @param {{ keepDraft: boolean, message: string }} reload
   */
  async function inboxCall(id, call, outcome, reload) {
    store.set({ inbox: { ...get().inbox, busy: id } });
    const answer = await call();
    if (lostSession(answer)) return;
    store.set({ inbox: { ...get().inbox, busy: null, results: { ...get().inbox.results, ...outcome(answer) } } });
    if (answer.status === 200) await loadHead(reload);
    await actions.refreshInbox();
  }

  /** @param {string} token */
  async function signInWith(token) {
    epoch += 1;
    client.setToken(token);
    store.set({ session: { member: "", status: "signing-in", error: "" } });
    await measureClock();
    const ok = await loadHead({ keepDraft: false });
    if (!ok && get().session.status !== "signed-in") {
      if (get().mode !== "signin") signOutLocally(get().session.error || "Signing in failed.");
      return false;
    }
    remember(token);
    startPolling();
    await actions.refreshInbox();
    return true;
  }

  const actions = {
    /**
     * Whether the page's origin is a server of record: its health answers a revision.
     * @returns {Promise<{ available: boolean, demo: boolean }>}
     */
    async probe() {
      const health = await measureClock();
      const available = health.status === 200 && health.body?.ok === true && typeof health.body.revision === "string";
      const demo = available && health.body.demo === true;
      store.set({ server: available ? { demo } : null });
      return { available, demo };
    },

    /**
     * At start, with a server: an invitation link (#invitation=TOKEN) is accepted; a
     * session kept in this tab resumes; otherwise the sign-in page.
     * @param {string} invitation
     */
    async start(invitation) {
      if (invitation) {
        await actions.acceptInvitation(invitation);
        return;
      }
      let token = "";
      try {
        token = session?.getItem(TOKEN_KEY) ?? "";
      } catch {
        token = "";
      }
      if (token && (await signInWith(token))) return;
      await actions.showSignIn();
    },

    async showSignIn() {
      epoch += 1;
      stopPolling();
      store.set({ mode: "signin", phase: "ready" });
      if (get().server?.demo) {
        const answer = await client.demoMembers();
        store.set({ demoMembers: answer.status === 200 ? answer.body.members ?? [] : [] });
      }
    },

    /** @param {string} member */
    async signInDemo(member) {
      const answer = await client.demoSignIn(member);
      if (answer.status !== 200) {
        store.set({ session: { member: "", status: "signed-out", error: answerError(answer) } });
        return false;
      }
      return signInWith(answer.body.token);
    },

    /** @param {string} token a bearer token, as `rolegate token` printed it */
    async signInWithToken(token) {
      const trimmed = token.trim();
      if (!/^rg_[0-9a-f]{64}$/.test(trimmed)) {
        store.set({ session: { member: "", status: "signed-out", error: "A token is rg_ followed by 64 hexadecimal digits, as `rolegate token` prints it." } });
        return false;
      }
      const ok = await signInWith(trimmed);
      if (!ok) store.set({ session: { ...get().session, error: get().session.error || "The server did not accept this token." } });
      return ok;
    },

    /** @param {string} invitation the token of an invitation e-mail */
    async acceptInvitation(invitation) {
      const answer = await client.acceptInvitation(invitation.trim());
      if (answer.status !== 200 || !answer.body?.ok) {
        await actions.showSignIn();
        store.set({ session: { member: "", status: "signed-out", error: `The invitation could not be accepted: ${answerError(answer)}` } });
        return false;
      }
      const ok = await signInWith(answer.body.token);
      if (ok) notify("Welcome: you accepted the invitation and are signed in.", "info");
      return ok;
    },

    signOut() {
      signOutLocally("");
      store.set({ session: { member: "", status: "signed-out", error: "" } });
      actions.showSignIn();
    },

    /** The policy as the server has it now, keeping the change being built. */
    async repreview() {
      store.set({ commit: { status: "idle" } });
      await measureClock();
      const ok = await loadHead({ keepDraft: true, message: "Previewing again on the server's current policy…" });
      if (ok) notify(`Previewed again on revision ${get().engine?.revision}, at the server's time.`, "info");
    },

    /** Previews again at the server's time now (after an outcome that changed with time). */
    async previewAtServerTime() {
      store.set({ commit: { status: "idle" } });
      await measureClock();
      setNow(serverNow(get().clockOffset));
    },

    /** Commits the change being built: previewed again at the server's time, then sent. */
    async commit() {
      if (get().commit.status === "sending") return;
      const { draft } = get();
      if (draft.present.length === 0) return;
      store.set({ commit: { status: "sending" } });
      await measureClock();
      setNow(serverNow(get().clockOffset));
      const { changeSet, simulation } = get();
      if (!changeSet || !simulation?.ok) {
        store.set({ commit: { status: "done", outcome: { kind: "refused", status: 0, errors: simulation?.errors ?? [] }, changeSet, simulation } });
        return;
      }
      const answer = await client.commit({ changeSet, preview: simulation });
      if (lostSession(answer)) return;
      const outcome = commitOutcome(answer);
      store.set({ commit: { status: "done", outcome, changeSet, simulation } });
      if (outcome.kind === "committed") {
        await loadHead({ keepDraft: false, message: "Committed: reading the new policy…" });
        await actions.refreshInbox();
      }
    },

    async refreshInbox() {
      const mode = get().mode;
      if (mode !== "connected" && mode !== "inactive") return;
      const inbox = get().inbox;
      store.set({ inbox: { ...inbox, status: inbox.status === "idle" ? "loading" : inbox.status } });
      const inactive = /** @type {Answer} */ ({ status: 403, body: { ok: false, requested: [], toDecide: [], verifications: [] } });
      const [requests, outbox] = await Promise.all([mode === "inactive" ? Promise.resolve(inactive) : client.requests(), client.outbox(0)]);
      if (lostSession(requests) || lostSession(outbox)) return;
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
    },

    /**
     * @param {string} id the approval request @param {"approve" | "reject"} decision
     * @param {string} comment
     */
    async decide(id, decision, comment) {
      // A role request (docs/changes.md section 2b) is decided in one commit: approving gives the role.
      const entry = get().inbox.toDecide.find((e) => e.request?.id === id);
      const asked = entry?.kind === "role" ? entry.request : null;
      const index = get().index;
      const grant = asked && index ? `${index.memberName(asked.requester)} now has ${index.roleName(asked.role)} on ${index.scopeName(asked.scope)}` : "";
      await inboxCall(
        id,
        () => client.decide(id, decision, comment),
        (answer) => ({
          [id]:
            answer.status !== 200
              ? { kind: "request", tone: "deny", text: `Not decided: ${answerError(answer)}` }
              : asked
                ? { kind: "request", tone: "allow", text: decision === "reject" ? "Rejected: the member who asked is told." : answer.body.applied ? `Approved: ${grant || "the role is given"}.` : "Approved: giving the role waits for its own approval." }
                : { kind: "request", tone: "allow", text: decision === "approve" ? (answer.body.applied ? "Approved: the request had enough approvals and was carried out." : answer.body.applyRefused ? `Approved, but it could not be carried out now: ${answer.body.applyRefused}` : "Approved: it waits for more approvals.") : "Rejected." },
        }),
        { keepDraft: get().draft.present.length > 0, message: "Reading the new policy…" },
      );
    },

    /**
     * Withdraws one of the member's own role requests: a change set of one
     * `withdraw_request`, previewed in the page at the server's time and committed
     * through POST /v1/changes like any other change (the change being built is left
     * alone). A policy read before someone else's commit is read again first.
     * @param {string} id the role request
     */
    async withdraw(id) {
      /** @param {string} code @param {string} message @returns {Answer} */
      const refusal = (code, message) => ({ status: 0, body: { ok: false, errors: [{ code, pointer: "", message }] } });
      const attempt = async () => {
        await measureClock();
        const { engine, session } = get();
        if (!engine) return refusal("no_policy", "the policy is not loaded");
        const changeSet = buildChangeSet({ revision: engine.revision, actor: session.member, now: serverNow(get().clockOffset), operations: [{ op: "withdraw_request", request: id }] });
        const preview = /** @type {any} */ (engine.simulate(changeSet));
        if (!preview.ok) return refusal(preview.errors?.[0]?.code ?? "invalid", answerError({ status: 0, body: preview }));
        return client.commit({ changeSet, preview });
      };
      await inboxCall(
        id,
        async () => {
          const answer = await attempt();
          if (answer.status !== 409 || answer.body?.errors?.[0]?.code !== "stale_revision") return answer;
          // Someone committed since the policy was read: read it (keeping any draft) and try once more.
          if (!(await loadHead({ keepDraft: true, message: "Reading the new policy…" }))) return answer;
          return attempt();
        },
        (answer) => ({
          [id]:
            answer.status === 200
              ? { kind: "withdrawal", tone: "info", text: "Withdrawn: the members who could decide it are told." }
              : { kind: "withdrawal", tone: "deny", text: `Not withdrawn: ${answerError(answer)}` },
        }),
        { keepDraft: get().draft.present.length > 0, message: "Reading the new policy…" },
      );
    },

    /** @param {string} id a verification @param {string} pin */
    async enterPin(id, pin) {
      await inboxCall(
        id,
        () => client.completeVerification(id, pin.trim()),
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
    },

    /** @param {string} id a verification */
    async resendPin(id) {
      await inboxCall(
        id,
        () => client.resendVerification(id),
        (answer) => {
          const result =
            answer.status === 200
              ? { kind: /** @type {const} */ ("verification"), tone: "info", text: "A new PIN is on its way by post; the old one no longer works." }
              : { kind: /** @type {const} */ ("verification"), tone: "deny", text: `No new PIN: ${answerError(answer)}` };
          // The new verification (a new id) says it too.
          const fresh = answer.body?.pending?.verifications?.[0];
          return fresh ? { [id]: result, [typeof fresh === "string" ? fresh : fresh.id]: result } : { [id]: result };
        },
        { keepDraft: get().draft.present.length > 0, message: "Reading the new policy…" },
      );
    },

    /**
     * A page of the audit log, newest first.
     * @param {{ member?: string, scope?: string, before?: number | null }} [query]
     */
    async loadAudit(query = {}) {
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
      if (lostSession(answer)) return;
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
    },

    /** Leaves the server for the examples: a simulation, nothing is committed. */
    goOffline() {
      epoch += 1;
      stopPolling();
      store.set({ mode: "offline" });
    },
  };
  return actions;
}

/** @returns {AppState["inbox"]} */
export function emptyInbox() {
  return { status: "idle", error: "", requested: [], toDecide: [], verifications: [], messages: [], results: {}, busy: null, at: "" };
}

/** @returns {AppState["audit"]} */
export function emptyAudit() {
  return { status: "idle", error: "", filter: { member: "", scope: "" }, entries: [], next: null, before: null, pages: [] };
}
