// @ts-check
// The server of record's API (docs/server.md), as the admin app calls it: one
// function per call, each answering {status, body}. A server that cannot be
// reached answers status 0 with an `unreachable` error, so callers handle every
// outcome the same way. The bearer token lives here and nowhere else in the app.

/**
 * @typedef {{ code: string, pointer: string, message: string }} ServerError
 * @typedef {{ status: number, body: any }} Answer
 */

/**
 * @param {{ base?: string, fetch?: typeof fetch }} [options] base: the API's origin
 *   and path prefix ("" for the page's own origin)
 */
export function createServerClient({ base = "", fetch: fetchImpl = (...args) => fetch(...args) } = {}) {
  let token = "";

  /**
   * @param {string} method @param {string} path
   * @param {{ body?: unknown, auth?: boolean }} [options]
   * @returns {Promise<Answer>}
   */
  async function call(method, path, { body, auth = true } = {}) {
    /** @type {Record<string, string>} */
    const headers = { Accept: "application/json" };
    if (auth && token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (error) {
      return unreachable(`the server could not be reached (${/** @type {Error} */ (error).message})`);
    }
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: { ok: false, errors: [{ code: "not_json", pointer: "", message: `the server answered ${response.status} with something that is not JSON` }] } };
    }
  }

  /** @param {Record<string, string | number | null | undefined>} query */
  function search(query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
    }
    const text = params.toString();
    return text ? `?${text}` : "";
  }

  return {
    /** @param {string} value a bearer token ("" signs out) */
    setToken(value) {
      token = value;
    },
    hasToken: () => token !== "",
    health: () => call("GET", "/v1/health", { auth: false }),
    bundle: () => call("GET", "/v1/bundle"),
    /** @param {{ changeSet: unknown, preview: unknown }} submitted */
    commit: (submitted) => call("POST", "/v1/changes", { body: submitted }),
    requests: () => call("GET", "/v1/requests"),
    /** @param {string} id @param {"approve" | "reject"} decision @param {string} comment */
    decide: (id, decision, comment) => call("POST", `/v1/requests/${encodeURIComponent(id)}/decision`, { body: comment ? { decision, comment } : { decision } }),
    /** @param {string} id @param {string} pin */
    completeVerification: (id, pin) => call("POST", `/v1/verifications/${encodeURIComponent(id)}/complete`, { body: { pin } }),
    /** @param {string} id */
    resendVerification: (id) => call("POST", `/v1/verifications/${encodeURIComponent(id)}/resend`, { body: {} }),
    /** @param {number} after */
    outbox: (after = 0) => call("GET", `/v1/outbox${search({ after, limit: 500 })}`),
    /** @param {{ before?: number | null, member?: string, scope?: string, limit?: number }} query */
    audit: ({ before = null, member = "", scope = "", limit = 20 } = {}) => call("GET", `/v1/audit${search({ order: "newest", before, member, scope, limit })}`),
    demoMembers: () => call("GET", "/v1/demo/members", { auth: false }),
    /** @param {string} member */
    demoSignIn: (member) => call("POST", "/v1/demo/sign-in", { body: { member }, auth: false }),
    /** @param {string} invitation the token an invitation e-mail carries */
    acceptInvitation: (invitation) => call("POST", "/v1/invitations/accept", { body: { token: invitation }, auth: false }),
  };
}

/** @param {string} message @returns {Answer} */
function unreachable(message) {
  return { status: 0, body: { ok: false, errors: [{ code: "unreachable", pointer: "", message }] } };
}

/**
 * The first error of an answer in plain words.
 * @param {Answer} answer
 */
export function answerError(answer) {
  const errors = /** @type {ServerError[]} */ (answer.body?.errors ?? []);
  if (errors.length === 0) return `the server answered ${answer.status}`;
  return errors.map((e) => e.message).join("; ");
}

/**
 * The server's time now, from a clock offset measured against it: the app previews at
 * the time the server will judge at.
 * @param {number} offsetMs server time minus this machine's
 * @param {number} [nowMs]
 */
export function serverNow(offsetMs, nowMs = Date.now()) {
  return new Date(Math.floor((nowMs + offsetMs) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The offset of the server's clock: its `now` against the middle of the call.
 * @param {string} serverTime @param {number} sentMs @param {number} receivedMs
 */
export function clockOffset(serverTime, sentMs, receivedMs) {
  const at = Date.parse(serverTime);
  if (Number.isNaN(at)) return 0;
  return at - (sentMs + receivedMs) / 2;
}

/**
 * What a commit's answer means for the person who submitted it.
 * @param {Answer} answer
 * @returns {{ kind: "committed", revision: string, revisionBefore: string, pending: any, summary: any, now: string }
 *   | { kind: "stale", revision: string, message: string }
 *   | { kind: "changed", now: string, differences: any[], message: string }
 *   | { kind: "blocked", simulation: any, message: string }
 *   | { kind: "mismatch", differences: any[], message: string }
 *   | { kind: "refused", status: number, errors: ServerError[] }}
 */
export function commitOutcome(answer) {
  const body = answer.body ?? {};
  if (answer.status === 200 && body.ok) {
    return { kind: "committed", revision: body.revision, revisionBefore: body.revisionBefore, pending: body.pending ?? {}, summary: body.summary ?? null, now: body.now };
  }
  const errors = /** @type {ServerError[]} */ (body.errors ?? []);
  const code = errors[0]?.code ?? "";
  const message = errors[0]?.message ?? "";
  if (code === "stale_revision") return { kind: "stale", revision: body.revision ?? "", message };
  if (code === "outcome_changed") return { kind: "changed", now: body.now ?? "", differences: body.differences ?? [], message };
  if (code === "blocked") return { kind: "blocked", simulation: body.simulation ?? null, message };
  if (code === "preview_mismatch") return { kind: "mismatch", differences: body.differences ?? [], message };
  return { kind: "refused", status: answer.status, errors: errors.length ? errors : [{ code: "unexpected", pointer: "", message: `the server answered ${answer.status}` }] };
}

/**
 * Whether the server withheld a member's name and e-mail from the caller (docs/server.md,
 * "What a caller may see"): the placeholders it puts in their place.
 * @param {{ name?: string, email?: string } | undefined} member
 */
export function isWithheld(member) {
  return member?.name === "Withheld" && /^withheld-[0-9a-f]{16}@/.test(member.email ?? "");
}
