// @ts-check
// The audit log of connected mode, for members the bundle's `server.auditPermission`
// lets read it: the committed changes, newest first, with who, when, the operations
// and the access diff in words; filtered by member and scope, a page at a time.
import { h } from "../lib/dom.js";
import { describeMemberDiff } from "../logic/preview.js";
import { capitalize, count, formatTime, humanize } from "../logic/words.js";
import { button, select } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 */

const KIND_WORDS = /** @type {Record<string, string>} */ ({
  seed: "The policy was set up",
  change: "Change",
  decision: "Decision",
  verification: "PIN entered",
  invitation: "Invitation accepted",
});

/**
 * An operation of the log in words that do not depend on the policy as it is now (the
 * member's roles have changed since): its kind, then whom, what and where it names.
 * @param {any} op @param {BundleIndex} index
 */
function operationWords(op, index) {
  /** @type {string[]} */
  const parts = [];
  if (typeof op.member === "string") parts.push(index.memberName(op.member));
  else if (op.member && typeof op.member === "object") parts.push(String(op.member.name ?? op.member.email ?? op.member.id ?? ""));
  if (Array.isArray(op.members)) parts.push(count(op.members.length, "member"));
  if (typeof op.role === "string") parts.push(index.roleName(op.role));
  if (typeof op.action === "string") parts.push(`“${index.permissionName(op.action)}”`);
  if (typeof op.scope === "string") parts.push(`on ${index.scopeName(op.scope)}`);
  if (typeof op.request === "string") parts.push(`request ${op.request}`);
  if (typeof op.decision === "string") parts.push(op.decision === "approve" ? "approved" : "rejected");
  return [capitalize(humanize(op.op ?? "operation")), ...parts.filter(Boolean)].join(" · ");
}

/** @param {any} entry @param {BundleIndex} index */
function renderEntry(entry, index) {
  const d = entry.detail ?? {};
  const ops = Array.isArray(d.changeSet?.operations) ? d.changeSet.operations : [];
  const diffs = Array.isArray(d.accessDiff?.members) ? d.accessDiff.members : [];
  const who = entry.actor ? index.memberName(entry.actor) : "the server";
  return h(
    "li",
    { class: "audit-entry", "data-audit": String(entry.id), "data-kind": entry.kind },
    h(
      "p",
      { class: "audit-head" },
      h("strong", null, KIND_WORDS[entry.kind] ?? capitalize(entry.kind)),
      entry.kind === "seed" ? "" : ` by ${who}`,
      h("span", { class: "muted small" }, ` · ${formatTime(entry.at)} · revision ${entry.revisionAfter}`),
    ),
    d.decision ? h("p", null, `${d.decision === "approve" ? "Approved" : "Rejected"} request ${d.request}${d.comment ? `: “${d.comment}”` : ""}.`) : null,
    ops.length
      ? h("ol", { class: "audit-ops" }, ops.map((/** @type {any} */ op) => h("li", null, operationWords(op, index))))
      : null,
    diffs.length
      ? h(
          "ul",
          { class: "audit-diff" },
          diffs.map((/** @type {any} */ diff) => {
            const words = describeMemberDiff(diff, index);
            const roles = words.roles.length ? `: ${words.roles.join("; ")}` : "";
            return h("li", null, `${words.headline}${roles}.`);
          }),
        )
      : entry.kind === "seed"
        ? null
        : h("p", { class: "muted small" }, "Nobody's access changed."),
  );
}

/** @param {AppState} state @param {App} app */
export function renderAudit(state, app) {
  const { audit, index } = state;
  if (!index) return null;
  if (audit.status === "idle") {
    queueMicrotask(() => app.loadAudit({}));
    return h("p", { role: "status" }, "Reading the audit log…");
  }
  if (audit.status === "forbidden") {
    return h("section", { class: "card", id: "audit-forbidden" }, h("h2", null, "Audit log"), h("p", null, `Your roles do not let you read the audit log: ${audit.error}`));
  }
  const memberOptions = [...index.members.values()].map((m) => ({ value: m.id, label: m.name ?? m.id })).sort((a, b) => a.label.localeCompare(b.label));
  const scopeOptions = [...index.scopes.values()].map((s) => ({ value: s.id, label: index.scopePath ? index.scopePath(s.id) : s.name ?? s.id })).sort((a, b) => a.label.localeCompare(b.label));
  const first = audit.before === null;
  return h(
    "section",
    { class: "card audit", "aria-labelledby": "audit-title", id: "audit" },
    h("h2", { id: "audit-title" }, "Audit log"),
    h("p", { class: "hint" }, "Every committed change, newest first: who, when, what, and whose access changed. You see the entries of the scopes your roles let you audit."),
    h(
      "div",
      { class: "filters" },
      h("label", { for: "audit-member" }, "Member"),
      select({ id: "audit-member", options: memberOptions, value: audit.filter.member, placeholder: "Anyone", onChange: (member) => app.loadAudit({ member }) }),
      h("label", { for: "audit-scope" }, "Scope"),
      select({ id: "audit-scope", options: scopeOptions, value: audit.filter.scope, placeholder: "Anywhere", onChange: (scope) => app.loadAudit({ scope }) }),
      button("Refresh", () => app.loadAudit({}), { id: "audit-refresh" }),
    ),
    audit.status === "failed" ? h("p", { class: "field-error", role: "alert" }, `The audit log could not be read: ${audit.error}`) : null,
    audit.status === "loading" ? h("p", { role: "status" }, "Reading…") : null,
    audit.entries.length === 0 && audit.status === "ready"
      ? audit.next !== null
        ? h("p", { class: "muted", id: "audit-searched" }, "No entry matches in the part of the log searched so far; Older searches further back.")
        : h("p", { class: "muted", id: "audit-empty" }, "No entry matches.")
      : h("ol", { class: "audit-list", id: "audit-list", reversed: true }, audit.entries.map((e) => renderEntry(e, index))),
    h(
      "div",
      { class: "actions pager" },
      button("Newest", () => app.loadAudit({ before: null }), { id: "audit-newest", disabled: first }),
      button("Older", () => app.loadAudit({ before: audit.next }), { id: "audit-older", disabled: audit.next === null }),
      h("span", { class: "muted small" }, audit.entries.length ? `${count(audit.entries.length, "entry", "entries")} on this page` : ""),
    ),
  );
}
