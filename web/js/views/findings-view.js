// @ts-check
// The Findings panel: engine.analyze() of the loaded policy in plain words, each
// finding with its severity and links to what it names (a role in the Roles view,
// the members on a scope, the approval rule).
import { h } from "../lib/dom.js";
import { describeFindings, findingsSummary } from "../logic/findings.js";
import { count } from "../logic/words.js";
import { button } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/findings.js").FindingView} FindingView
 * @typedef {import("../logic/findings.js").FindingLink} FindingLink
 */

/** @param {AppState} state @param {App} app */
export function renderFindings(state, app) {
  const index = state.index;
  if (!index) return null;
  const analysis = state.analysis;
  if (!analysis) return null;
  if (!analysis.ok) {
    return h(
      "section",
      { class: "card", "aria-labelledby": "findings-title" },
      h("h2", { id: "findings-title" }, "Findings"),
      h("p", { class: "field-error" }, `The engine could not analyse this policy: ${(analysis.errors ?? []).map((/** @type {any} */ e) => e.message).join("; ")}`),
    );
  }
  const summary = findingsSummary(analysis);
  const views = describeFindings(analysis, index);
  return h(
    "section",
    { class: "card findings", "aria-labelledby": "findings-title" },
    h("h2", { id: "findings-title" }, "Findings"),
    h(
      "p",
      { class: "summary", id: "findings-summary" },
      summary.total === 0
        ? "No findings: nothing in this policy's roles, operations or approval rules looks like an escalation, a veto, an approval that cannot be given, a lockout or a role nobody can get."
        : `${count(summary.total, "finding")}: ${count(summary.error, "error")}, ${count(summary.warning, "warning")}, ${count(summary.info, "note")}. What this policy lets people do that its authors may not have meant, found without running any change (rolegate analyze).`,
    ),
    views.length ? h("ol", { class: "findings-list" }, views.map((v, i) => renderFinding(v, i, app))) : null,
  );
}

/** @param {FindingView} v @param {number} i @param {App} app */
function renderFinding(v, i, app) {
  const titleId = `finding-${i}-title`;
  /** @type {HTMLDetailsElement | null} */
  let ruleDetails = null;
  if (v.rule) {
    ruleDetails = h(
      "details",
      { class: "finding-rule", id: `finding-${i}-rule` },
      h("summary", null, `The approval rule ${v.rule.id}`),
      h("p", null, `${v.rule.words}.`),
    );
  }
  /** @param {FindingLink} link */
  const linkButton = (link) => {
    if (link.kind === "role") {
      return button(["Role: ", h("strong", null, link.label)], () => app.showRole(link.id), { kind: "quiet", label: `Show the role ${link.label} in the Roles view` });
    }
    if (link.kind === "scope") {
      return button(["Members on ", h("strong", null, link.label)], () => app.showScope(link.id), { kind: "quiet", label: `Show the members on ${link.label}` });
    }
    return button(["Rule: ", h("strong", null, link.label)], () => {
      if (!ruleDetails) return;
      ruleDetails.open = true;
      /** @type {HTMLElement | null} */ (ruleDetails.querySelector("summary"))?.focus();
    }, { kind: "quiet", label: `Show the approval rule ${link.label}` });
  };
  return h(
    "li",
    { class: `finding severity-${v.severity}`, "data-code": v.code, "data-pointer": v.pointer, "aria-labelledby": titleId },
    h(
      "div",
      { class: "finding-head" },
      h("span", { class: `badge ${v.severity === "error" ? "deny" : v.severity === "warning" ? "conditional" : "neutral"}` }, v.severityLabel),
      h("h3", { id: titleId }, v.title),
      h("span", { class: "muted small mono", title: "Where in the bundle" }, v.pointer),
    ),
    h("p", { class: "finding-text" }, v.text),
    ruleDetails,
    v.links.length
      ? h("div", { class: "finding-links", role: "group", "aria-labelledby": `finding-${i}-show` }, h("span", { class: "muted small", id: `finding-${i}-show` }, "Show:"), v.links.map(linkButton))
      : null,
  );
}
