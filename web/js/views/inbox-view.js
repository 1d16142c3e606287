// @ts-check
// The inbox of connected mode: approval requests and requests for a role the member
// may decide (in plain words, with approve or reject and a comment), their own
// requests (a request for a role with Withdraw) and self-upgrades waiting on a PIN
// (Enter PIN, Resend PIN), and their messages from the outbox,
// including, in the demo only, the PIN a letter carries, marked as what the post
// would deliver.
import { formValues, h } from "../lib/dom.js";
import { describeOperation } from "../logic/operations.js";
import { eventWords } from "../logic/preview.js";
import { channelWords } from "../logic/preview.js";
import { capitalize, count, formatTime, humanize, joinList } from "../logic/words.js";
import { button, field, input, statusPill, textarea } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 */

/** @param {string} at */
const when = (at) => (at ? formatTime(at) : "");

/**
 * An approval request in words: who asks, what, where, why it needs approval, who
 * decides, until when.
 * @param {any} entry {request, status} @param {BundleIndex} index @param {string} me
 */
function requestWords(entry, index, me) {
  const r = entry.request;
  const s = entry.status ?? {};
  const others = (s.eligible ?? []).filter((/** @type {string} */ id) => id !== me && id !== r.requester);
  const approvals = (s.approvals ?? []).map(index.memberName);
  return {
    who: r.requester === me ? "You ask" : `${index.memberName(r.requester)} asks`,
    // "Lena Fischer: “Place orders” on …" reads "“Place orders” on …" after "Lena Fischer asks".
    what: capitalize(describeOperation(r.operation, index, r.requester).replace(`${index.memberName(r.requester)}: `, "")),
    where: index.scopeName(r.resource),
    why: `“${index.permissionName(r.action)}” on ${index.scopeName(r.resource)} needs ${count(s.quorum ?? 1, "approval")} under the rule ${index.ruleName(r.rule)}.`,
    others: others.length ? `${r.requester === me ? "Who may decide" : "Who else may decide"}: ${joinList(others.map(index.memberName), "or")}.` : r.requester === me ? "Nobody may decide it at the moment." : "Nobody else may decide it.",
    so: approvals.length ? `Approved so far by ${joinList(approvals)}.` : "",
    expiry: r.expiresAt ? `Expires ${when(r.expiresAt)}.` : "Does not expire.",
    asked: `Asked ${when(r.createdAt)}.`,
  };
}

/**
 * A request for a role (docs/changes.md section 2b) in words: who asks for which role
 * where, what they hold there now, why, for how long, who decides, when it lapses.
 * @param {any} entry {request, status, kind: "role"} @param {BundleIndex} index @param {string} me
 */
function roleRequestWords(entry, index, me) {
  const r = entry.request;
  const s = entry.status ?? {};
  const mine = r.requester === me;
  const name = index.memberName(r.requester);
  const role = index.roleName(r.role);
  const scope = index.scopeName(r.scope);
  const family = index.roles.get(r.role)?.family;
  const current = index.roleOn(r.requester, r.scope, family);
  const others = (s.eligible ?? []).filter((/** @type {string} */ id) => id !== me && id !== r.requester);
  return {
    what: `${mine ? "You ask" : `${name} asks`} for ${role} on ${scope}`,
    holds: current
      ? `${mine ? "You are" : `${name} is`} ${index.roleName(current.id)} there now.`
      : `${mine ? "You hold" : `${name} holds`} no ${family ? `${index.familyName(family)} ` : ""}role there now.`,
    reason: typeof r.reason === "string" && r.reason ? `“${r.reason}”` : "",
    until: r.until ? `For a while only: the role would end ${when(r.until)}.` : "",
    others: others.length
      ? `${mine ? "Who may decide" : "Who else may decide"}: ${joinList(others.map(index.memberName), "or")}.`
      : mine
        ? "Nobody may decide it at the moment."
        : "Nobody else may decide it.",
    expiry: r.expiresAt ? `Lapses ${when(r.expiresAt)} if nobody decides.` : "Does not lapse.",
    asked: `Asked ${when(r.createdAt)}.`,
    approving: `Approving gives ${name} ${role} on ${scope} at once, as your own change; rejecting tells ${name} so.`,
    role,
    scope,
    name,
  };
}

/** @param {{ kind: string, tone: string, text: string } | undefined} result @param {string} id */
function resultLine(result, id) {
  if (!result) return null;
  return h("p", { class: `verdict ${result.tone === "allow" ? "allow" : result.tone === "deny" ? "deny" : "neutral"}`, role: "status", id: `result-${id}` }, result.text);
}

/** @param {AppState} state @param {App} app */
function toDecide(state, app) {
  const { inbox, index, session } = state;
  if (!index) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "to-decide-title", id: "to-decide" },
    h("h2", { id: "to-decide-title" }, `Waiting for your decision${inbox.toDecide.length ? ` (${inbox.toDecide.length})` : ""}`),
    inbox.toDecide.length === 0
      ? h("p", { class: "muted" }, "Nothing waits for your decision.")
      : h("ul", { class: "inbox-list" }, inbox.toDecide.map((entry) => decideItem(entry, inbox, index, session.member, app))),
    // A decision whose request has left the list (decided, carried out) still says how it went.
    ...Object.entries(inbox.results)
      .filter(([id, result]) => result.kind === "request" && !inbox.toDecide.some((e) => e.request.id === id) && !inbox.requested.some((e) => e.request.id === id))
      .map(([id, result]) => resultLine(result, id)),
  );
}

/**
 * A request waiting for the member's decision: a request for a role, or an approval
 * request, in words, with a comment and Approve or Reject.
 * @param {any} entry @param {AppState["inbox"]} inbox @param {BundleIndex} index @param {string} me @param {App} app
 */
function decideItem(entry, inbox, index, me, app) {
  const r = entry.request;
  const busy = inbox.busy === r.id;
  const decideWith = (/** @type {"approve" | "reject"} */ decision) => (/** @type {Event} */ e) => {
    const form = /** @type {HTMLFormElement} */ (/** @type {HTMLElement} */ (e.target).closest("form"));
    const values = formValues(form);
    app.decide(r.id, decision, String(values.comment ?? "").trim());
  };
  if (entry.kind === "role") {
    const w = roleRequestWords(entry, index, me);
    return h(
      "li",
      { class: "inbox-item role-request", "data-request": r.id, "data-kind": "role" },
      h("p", null, entry.status?.status && entry.status.status !== "pending" ? [statusPill(entry.status.status), " "] : null, h("strong", null, w.what), "."),
      h("p", { class: "muted small" }, `${w.asked} ${w.expiry}`),
      w.reason ? h("p", { class: "request-reason" }, h("span", { class: "muted" }, "Why: "), w.reason) : h("p", { class: "request-reason muted" }, "No reason given."),
      h("p", null, w.holds, w.until ? ` ${w.until}` : ""),
      h("p", { class: "muted" }, w.others),
      h("p", { class: "muted small" }, w.approving),
      decideForm(
        r.id,
        h("button", { type: "button", class: "btn primary approve", id: `approve-${r.id}`, disabled: busy, "aria-label": `Approve: give ${w.name} ${w.role} on ${w.scope}`, onClick: decideWith("approve") }, "Approve"),
        h("button", { type: "button", class: "btn danger reject", id: `reject-${r.id}`, disabled: busy, "aria-label": `Reject ${w.name}'s request for ${w.role}`, onClick: decideWith("reject") }, "Reject"),
      ),
      resultLine(inbox.results[r.id], r.id),
    );
  }
  const w = requestWords(entry, index, me);
  return h(
    "li",
    { class: "inbox-item", "data-request": r.id },
    h("p", null, h("strong", null, `${w.who}: `), w.what, "."),
    h("p", { class: "muted small" }, `${w.asked} ${w.expiry}`),
    h("p", null, w.why),
    h("p", { class: "muted" }, w.others, w.so ? ` ${w.so}` : ""),
    decideForm(
      r.id,
      h("button", { type: "button", class: "btn primary approve", id: `approve-${r.id}`, disabled: busy, onClick: decideWith("approve") }, "Approve"),
      h("button", { type: "button", class: "btn danger reject", id: `reject-${r.id}`, disabled: busy, onClick: decideWith("reject") }, "Reject"),
    ),
    resultLine(inbox.results[r.id], r.id),
  );
}

/**
 * A decision's form: the comment, and the approve and reject buttons.
 * @param {string} id the request's @param {HTMLButtonElement} approve @param {HTMLButtonElement} reject
 */
function decideForm(id, approve, reject) {
  return h(
    "form",
    { class: "decide-form", onSubmit: (/** @type {Event} */ e) => e.preventDefault() },
    field({ label: "Comment (optional, kept in the audit log)", control: textarea({ name: "comment", id: `comment-${id}`, rows: 2 }) }),
    h("div", { class: "actions" }, approve, reject),
  );
}

/** @param {AppState} state @param {App} app */
function mine(state, app) {
  const { inbox, index, session } = state;
  if (!index) return null;
  const verifications = inbox.verifications;
  return h(
    "section",
    { class: "card", "aria-labelledby": "mine-title", id: "my-requests" },
    h("h2", { id: "mine-title" }, "Your requests and upgrades"),
    verifications.length === 0 && inbox.requested.length === 0 ? h("p", { class: "muted" }, "You have no request or upgrade in progress.") : null,
    verifications.length ? h("ul", { class: "inbox-list" }, verifications.map((v) => verificationItem(v, inbox, index, app))) : null,
    inbox.requested.length ? h("ul", { class: "inbox-list" }, inbox.requested.map((entry) => ownRequestItem(entry, inbox, index, session.member, app))) : null,
    // A withdrawal whose request has left the list still says how it went.
    ...Object.entries(inbox.results)
      .filter(([id, result]) => result.kind === "withdrawal" && !inbox.requested.some((e) => e.request.id === id))
      .map(([id, result]) => resultLine(result, id)),
  );
}

/**
 * Where a self-upgrade's PIN stands, in words.
 * @param {any} v a verification
 */
function pinStateWords(v) {
  if (v.state === "live") return `${count(v.attemptsLeft, "try", "tries")} left; the PIN works until ${when(v.expiresAt)}.`;
  if (v.state === "locked") return "Locked after too many wrong PINs: ask for a new one.";
  if (v.state === "expired") return "The PIN has expired: ask for a new one.";
  if (v.state === "void") return "Replaced by a newer PIN.";
  return "Used.";
}

/**
 * A self-upgrade waiting on its PIN: Enter PIN while the PIN works, Resend PIN.
 * @param {any} v a verification @param {AppState["inbox"]} inbox @param {BundleIndex} index @param {App} app
 */
function verificationItem(v, inbox, index, app) {
  const busy = inbox.busy === v.id;
  const live = v.state === "live";
  return h(
    "li",
    { class: "inbox-item verification", "data-verification": v.id },
    h("p", null, h("strong", null, `Upgrade to ${index.roleName(v.role)} on ${index.scopeName(v.scope)}`), ": waiting for the PIN we sent you by post."),
    h("p", { class: "muted small" }, `Letter sent ${when(v.issuedAt)}. ${pinStateWords(v)}`),
    h(
      "form",
      {
        class: "pin-form",
        onSubmit: (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          const values = formValues(/** @type {HTMLFormElement} */ (e.target));
          app.enterPin(v.id, String(values.pin ?? ""));
        },
      },
      live
        ? field({ label: "PIN from the letter", control: input({ name: "pin", id: `pin-${v.id}`, inputmode: "numeric", autocomplete: "one-time-code" }) })
        : null,
      h(
        "div",
        { class: "actions" },
        live ? button("Enter PIN", () => {}, { type: "submit", kind: "primary", id: `enter-pin-${v.id}`, disabled: busy }) : null,
        button("Resend PIN", () => app.resendPin(v.id), { id: `resend-pin-${v.id}`, disabled: busy, title: "A new letter with a new PIN; the old PIN stops working." }),
      ),
    ),
    resultLine(inbox.results[v.id], v.id),
  );
}

/**
 * One of the member's own requests: a request for a role (with Withdraw), or an
 * approval request.
 * @param {any} entry @param {AppState["inbox"]} inbox @param {BundleIndex} index @param {string} me @param {App} app
 */
function ownRequestItem(entry, inbox, index, me, app) {
  if (entry.kind !== "role") {
    const w = requestWords(entry, index, me);
    return h(
      "li",
      { class: "inbox-item", "data-own-request": entry.request.id },
      h("p", null, statusPill(entry.status?.status ?? "pending"), " ", h("strong", null, `${w.who}: `), w.what, "."),
      h("p", { class: "muted small" }, `${w.asked} ${w.expiry}`),
      h("p", { class: "muted" }, w.others, w.so ? ` ${w.so}` : ""),
    );
  }
  const id = entry.request.id;
  const w = roleRequestWords(entry, index, me);
  const status = entry.status?.status ?? "pending";
  return h(
    "li",
    { class: "inbox-item role-request", "data-own-request": id, "data-kind": "role" },
    h("p", null, statusPill(status), " ", h("strong", null, w.what), status === "pending" ? ": waiting for a decision." : ": it lapsed without a decision; you may ask again."),
    h("p", { class: "muted small" }, `${w.asked} ${w.expiry}`),
    w.reason ? h("p", { class: "request-reason" }, h("span", { class: "muted" }, "Why: "), w.reason) : null,
    w.until ? h("p", null, w.until) : null,
    h("p", { class: "muted" }, w.others),
    h(
      "div",
      { class: "actions" },
      button("Withdraw", () => app.withdraw(id), { id: `withdraw-${id}`, disabled: inbox.busy === id, label: `Withdraw your request for ${w.role} on ${w.scope}` }),
    ),
    resultLine(inbox.results[id], id),
  );
}

/**
 * Names for a member who may not read the policy (not active): ids in words.
 * @type {BundleIndex}
 */
const NO_POLICY = /** @type {any} */ ({ roleName: humanize, scopeName: (/** @type {string} */ id) => id, memberName: (/** @type {string} */ id) => id, permissionName: humanize });

/** @param {AppState} state */
function messages(state) {
  const { inbox } = state;
  const index = state.index ?? NO_POLICY;
  return h(
    "section",
    { class: "card", "aria-labelledby": "messages-title", id: "messages" },
    h("h2", { id: "messages-title" }, `Your notifications${inbox.messages.length ? ` (${inbox.messages.length})` : ""}`),
    inbox.messages.length === 0
      ? h("p", { class: "muted" }, "No notification yet.")
      : h(
          "ul",
          { class: "inbox-list messages" },
          inbox.messages.map((m) =>
            h(
              "li",
              { class: `inbox-item message channel-${m.channel}`, "data-message": String(m.id), "data-event": m.message?.event ?? "" },
              h("p", null, h("strong", null, capitalize(channelWords([m.channel]))), ` · ${when(m.at)}`),
              h("p", null, capitalize(eventWords(m.message ?? {}, index)), m.message?.by ? ` (by ${index.memberName(m.message.by)})` : ""),
              typeof m.demoSecret === "string"
                ? h(
                    "p",
                    { class: "demo-letter", "data-secret": "true" },
                    h("strong", null, m.channel === "post" ? "In the letter: " : "In the e-mail: "),
                    h("code", { class: "demo-secret" }, m.demoSecret),
                    h("span", { class: "muted small" }, m.channel === "post" ? " (demo only: what the post would deliver to your address)" : " (demo only: what the e-mail would carry)"),
                  )
                : m.carriesSecret
                  ? h("p", { class: "muted small" }, m.channel === "post" ? "The PIN is in the letter, which comes by post." : "The token is in the e-mail.")
                  : null,
            ),
          ),
        ),
  );
}

/** @param {AppState} state @param {App} app */
export function renderInbox(state, app) {
  const { inbox } = state;
  return h(
    "div",
    { class: "inbox" },
    h(
      "div",
      { class: "actions" },
      button(inbox.status === "loading" ? "Refreshing…" : "Refresh", () => app.refreshInbox(), { id: "refresh-inbox", disabled: inbox.status === "loading" }),
      inbox.at ? h("span", { class: "muted small" }, `As of ${when(inbox.at)}`) : null,
    ),
    inbox.status === "failed" ? h("p", { class: "field-error", role: "alert" }, `The inbox could not be read: ${inbox.error}`) : null,
    h("div", { class: "two-columns" }, h("div", null, toDecide(state, app), mine(state, app)), h("div", null, messages(state))),
  );
}

/**
 * A member who is signed in but not active (blocked, disabled, invited, removed): the
 * server shows them their own messages and nothing else.
 * @param {AppState} state @param {App} app
 */
export function renderInactive(state, app) {
  return h(
    "div",
    { class: "inactive", id: "inactive" },
    h(
      "section",
      { class: "card" },
      h("h2", null, "Your membership is not active"),
      h("p", null, "You can read your messages here, and nothing else, until an administrator makes your membership active again."),
      h("p", { class: "muted small" }, `The server says: ${state.message}`),
      h("div", { class: "actions" }, button("Refresh", () => app.refreshInbox(), { id: "refresh-inbox" }), button("Sign out", () => app.signOut(), { id: "sign-out" })),
    ),
    messages(state),
  );
}
