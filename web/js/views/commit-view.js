// @ts-check
// Submitting in connected mode: the change is previewed again at the server's time
// and committed through POST /v1/changes. The answer is shown as it is: committed
// (the new revision, what is now pending, the notifications sent), refused (with the
// differences or the blocking reasons: a blocked change is never a match), or stale
// (someone committed first: one click previews it again on the new revision).
import { h } from "../lib/dom.js";
import { withChangeNames } from "../logic/change-names.js";
import { describeEvent, describeViolation } from "../logic/preview.js";
import { describeReason, operationContext } from "../logic/reasons.js";
import { describeOperation } from "../logic/operations.js";
import { capitalize, count, formatTime } from "../logic/words.js";
import { button } from "./controls.js";
import { differenceTable } from "./submit-view.js";
import { isWithheld } from "../logic/server.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 */

/**
 * Why a simulation blocks, in words: each denied operation with its reasons, each
 * invariant that fails with severity error.
 * @param {any} simulation @param {any} changeSet @param {BundleIndex} bundleIndex
 */
function blockingReasons(simulation, changeSet, bundleIndex) {
  // Members and roles the change introduces go by the names it gives them.
  const index = withChangeNames(bundleIndex, changeSet?.operations);
  /** @type {string[]} */
  const out = [];
  for (const result of simulation?.operations ?? []) {
    if (result.effect !== "deny") continue;
    const op = changeSet?.operations?.[result.index];
    const reasons = [
      ...(result.reasons ?? []).map((/** @type {any} */ r) => describeReason(r, index, operationContext(op, index, changeSet?.actor))),
      ...(result.checks ?? [])
        .filter((/** @type {any} */ c) => c.effect === "deny")
        .flatMap((/** @type {any} */ c) => (c.reasons ?? []).map((/** @type {any} */ r) => describeReason(r, index, c))),
    ];
    const what = op ? `“${describeOperation(op, index, changeSet.actor, changeSet.operations)}”` : `(${result.op})`;
    out.push(`Operation ${result.index + 1}, ${what}, is denied${reasons.length ? `: ${reasons.join("; ")}` : ""}.`);
  }
  for (const v of simulation?.violations ?? []) {
    const d = describeViolation(v, index);
    if (d.blocking) out.push(d.text);
  }
  return out;
}

/** @param {AppState} state */
function sameOperations(state) {
  const c = state.commit;
  return c.status === "done" && JSON.stringify(c.changeSet?.operations ?? null) === JSON.stringify(state.draft.present);
}

/**
 * The server's answer to a submission: its kind (for tests and styles), a verdict line,
 * then what explains it.
 * @param {string} kind @param {string} tone the verdict's class @param {string} headline
 * @param {string} rest @param {...import("../lib/dom.js").Child} more
 */
function outcomeBox(kind, tone, headline, rest, ...more) {
  const box = kind === "stale" || kind === "changed" ? kind : "refused";
  return h(
    "div",
    { class: `outcome ${box}`, id: "commit-outcome", "data-kind": kind, role: "alert" },
    h("p", { class: `verdict ${tone}` }, h("strong", null, headline), rest),
    ...more,
  );
}

/** @param {AppState} state @param {App} app */
function renderOutcome(state, app) {
  const c = state.commit;
  const index = state.index;
  if (c.status !== "done" || !index) return null;
  const o = c.outcome;
  if (o.kind === "committed") {
    if (state.draft.present.length > 0) return null; // a new change is being built
    const all = c.simulation?.events ?? [];
    // Notifications to members the server withholds from this member are counted, not named.
    const events = all.filter((/** @type {any} */ e) => !isWithheld(index.members.get(e.to)));
    const named = withChangeNames(index, c.changeSet?.operations);
    const unseen = all.length - events.length;
    const pending = o.pending ?? {};
    // The role requests the change opened are the ones its preview recorded (request_role).
    const asked = new Set((c.simulation?.operations ?? []).map((/** @type {any} */ r) => r.request?.id).filter(Boolean));
    /** @type {unknown[]} */
    const requests = pending.requests ?? [];
    const roleRequests = requests.filter((r) => asked.has(typeof r === "string" ? r : /** @type {any} */ (r)?.id)).length;
    const approvalRequests = requests.length - roleRequests;
    const pendingWords = [
      approvalRequests ? count(approvalRequests, "approval request") : "",
      roleRequests ? count(roleRequests, "request for a role", "requests for a role") : "",
      (pending.verifications ?? []).length ? count(pending.verifications.length, "PIN letter") : "",
      (pending.invitations ?? []).length ? count(pending.invitations.length, "invitation") : "",
    ].filter(Boolean);
    return h(
      "div",
      { class: "outcome committed", id: "commit-outcome", "data-kind": "committed", role: "status" },
      h("p", { class: "verdict allow" }, h("strong", null, `Committed: revision ${o.revision}`), ` (it was ${o.revisionBefore}), at ${formatTime(o.now)}.`),
      h("p", null, pendingWords.length ? `Now pending: ${pendingWords.join(", ")}.` : "Nothing is left pending."),
      events.length
        ? h("div", null, h("p", null, `${count(all.length, "notification")} sent${unseen ? `, ${unseen} of them to members your role does not show you` : ""}:`), h("ul", { class: "lines" }, events.map((/** @type {any} */ e) => h("li", null, describeEvent(e, named)))))
        : all.length
          ? h("p", null, `${count(all.length, "notification")} sent, to members your role does not show you.`)
          : h("p", { class: "muted" }, "No notification was sent."),
    );
  }
  if (!sameOperations(state)) return null;
  if (o.kind === "stale") {
    return outcomeBox(
      "stale",
      "neutral",
      "Not committed: someone else committed first.",
      ` The server is at revision ${o.revision}; this change was previewed on ${c.changeSet?.baseRevision ?? "an older one"}.`,
      button("Preview again on the new revision", () => app.repreview(), { kind: "primary", id: "repreview" }),
    );
  }
  if (o.kind === "changed") {
    return outcomeBox(
      "changed",
      "neutral",
      "Not committed: at the server's time the outcome is different.",
      ` ${o.message}`,
      differenceTable(o.differences, "commit-differences"),
      button("Preview again at the server's time", () => app.previewAtServerTime(), { kind: "primary", id: "preview-server-time" }),
    );
  }
  if (o.kind === "blocked") {
    const reasons = blockingReasons(o.simulation ?? c.simulation, c.changeSet, index);
    return outcomeBox(
      "blocked",
      "deny",
      "Refused: the server would not commit this change.",
      " It is blocked:",
      h("ul", { class: "lines", id: "blocking-reasons" }, (reasons.length ? reasons : [o.message]).map((r) => h("li", null, capitalize(r)))),
    );
  }
  if (o.kind === "mismatch") {
    return outcomeBox("mismatch", "deny", "Refused: the server's preview differs from this page's.", ` ${o.message}`, differenceTable(o.differences, "commit-differences"));
  }
  return outcomeBox(
    "refused",
    "deny",
    o.status ? `Refused by the server (${o.status}):` : "Not sent:",
    "",
    h("ul", { class: "lines" }, o.errors.map((e) => h("li", null, e.pointer ? h("code", { class: "pointer" }, e.pointer) : null, e.pointer ? " " : null, e.message))),
  );
}

/** @param {AppState} state @param {App} app */
export function renderCommit(state, app) {
  const { changeSet, simulation, commit } = state;
  const outcome = renderOutcome(state, app);
  const ops = state.draft.present.length;
  const stale = Boolean(state.headRevision && state.engine && state.headRevision !== state.engine.revision);
  if (ops === 0 && !outcome) return null;
  const blocked = simulation?.ok && simulation.summary.blocked;
  return h(
    "section",
    { class: "card submit", "aria-labelledby": "commit-title" },
    h("h2", { id: "commit-title" }, "Submit to the server"),
    stale && ops > 0 && !(commit.status === "done" && commit.outcome.kind === "stale" && sameOperations(state))
      ? h(
          "div",
          { class: "notice warning stale-draft", id: "stale-draft", role: "status" },
          h("span", null, `Someone committed a change since this draft was previewed: the server is at revision ${state.headRevision}. Preview it again on the new revision before submitting.`),
          button("Preview again", () => app.repreview(), { id: "repreview-stale" }),
        )
      : null,
    ops > 0
      ? h(
          "p",
          { class: "hint" },
          blocked
            ? "This preview is blocked: the server will refuse it as it stands. "
            : "",
          `Submitting previews the change again at the server's time and sends it with its preview; the server checks everything again, with its own clock and record, and commits it or says why not.`,
        )
      : null,
    ops > 0 && changeSet && simulation?.ok
      ? h("div", { class: "actions wrap" }, button(commit.status === "sending" ? "Submitting…" : "Submit", () => app.commit(), { kind: "primary", id: "submit-commit", disabled: commit.status === "sending" }))
      : null,
    outcome,
  );
}
