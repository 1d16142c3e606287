// @ts-check
// The live preview of the change being built: the verdict, each operation with
// its reasons and required approvals (naming the approvers), the access diff per
// member (expandable), invariant violations and the notifications to be sent.
import { h } from "../lib/dom.js";
import { rewriteMessage } from "../logic/bundle-index.js";
import { describeSimulation } from "../logic/preview.js";
import { describePointer } from "../logic/errors.js";
import { count } from "../logic/words.js";
import { badge, lines } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {ReturnType<typeof describeSimulation>} PreviewModel
 */

/**
 * An operation's permission checks under a heading that says what they are
 * ("Why it is denied", "Checks it passes"), expandable.
 * @param {PreviewModel["operations"][number]["why"]} group
 * @param {string} className
 */
function checkGroup(group, className) {
  if (!group) return null;
  return h(
    "details",
    { class: className, open: group.open },
    h("summary", null, group.summary),
    h("ul", { class: "lines" }, group.checks.map((c) => h("li", null, h("span", { class: "check-text" }, c.text), lines(c.reasons)))),
  );
}

/**
 * The body of a preview (shared by the change preview and the role editor).
 * @param {PreviewModel} model
 * @param {string} idPrefix for unique heading ids
 */
export function renderPreviewBody(model, idPrefix) {
  return h(
    "div",
    { class: "preview-body" },
    h(
      "div",
      { class: `verdict ${model.operations.length ? verdictEffect(model) : "neutral"}` },
      h("strong", null, model.verdict),
      model.counts ? h("span", null, ` (${model.counts})`) : null,
    ),
    model.operations.length
      ? h(
          "div",
          { class: "preview-block" },
          h("h3", { id: `${idPrefix}-ops` }, "Operations"),
          h("ol", { class: "op-results", "aria-labelledby": `${idPrefix}-ops` }, model.operations.map(operationResult)),
        )
      : null,
    accessDiff(model.diff, idPrefix),
    h(
      "div",
      { class: "preview-block" },
      h("h3", null, "Rules this change breaks"),
      model.violations.length
        ? h(
            "ul",
            { class: "violations" },
            model.violations.map((v) =>
              h("li", { class: v.blocking ? "blocking" : "warning" }, badge(v.blocking ? "deny" : "conditional", v.label), " ", v.text),
            ),
          )
        : h("p", { class: "muted" }, "None."),
    ),
    h(
      "div",
      { class: "preview-block" },
      h("h3", null, "Notifications to be sent"),
      model.events.length
        ? h("ul", { class: "events lines" }, model.events.map((e) => h("li", { "data-event": e.event }, e.text)))
        : h("p", { class: "muted" }, "None."),
    ),
  );
}

/**
 * The change's verdict as an effect: allowed, or, blocked, denied (an operation
 * denied or a rule broken that blocks it) or waiting on approvals.
 * @param {PreviewModel} model
 */
function verdictEffect(model) {
  if (!model.blocked) return "allow";
  return model.operations.some((o) => o.effect === "deny") || model.violations.some((v) => v.blocking) ? "deny" : "conditional";
}

/**
 * An operation's result: its verdict, who decides, the reasons, the approvals and
 * verifications it needs, and its permission checks.
 * @param {PreviewModel["operations"][number]} o
 */
function operationResult(o) {
  return h(
    "li",
    { class: `op-result ${o.effect}`, "data-op": String(o.index) },
    h("div", { class: "op-head" }, badge(o.effect, o.label), " ", h("span", { class: "op-title" }, o.title)),
    o.deciders ? h("p", { class: "deciders" }, o.deciders) : null,
    lines(o.reasons),
    o.approvals.length
      ? h(
          "div",
          { class: "approvals" },
          h("strong", null, "Needs approval: "),
          h("ul", { class: "lines" }, o.approvals.map((a) => h("li", { class: "approval" }, a.text))),
        )
      : null,
    o.verifications.length
      ? h("div", { class: "verifications" }, h("strong", null, "Needs: "), h("ul", { class: "lines" }, o.verifications.map((v) => h("li", null, v))))
      : null,
    checkGroup(o.why, "checks-detail"),
    checkGroup(o.also, "checks-detail checks-also"),
  );
}

/**
 * Who gains or loses access: the headline, and each member's changes, expandable.
 * @param {PreviewModel["diff"]} diff @param {string} idPrefix
 */
function accessDiff(diff, idPrefix) {
  return h(
    "div",
    { class: "preview-block" },
    h("h3", { id: `${idPrefix}-diff` }, "Who gains or loses access"),
    h("p", { class: "diff-headline" }, diff.headline),
    diff.members.length ? h("ul", { class: "diff-members", "aria-labelledby": `${idPrefix}-diff` }, diff.members.map(memberDiff)) : null,
  );
}

/**
 * A member's access diff: roles, changes in power, and what they gain or lose on each scope.
 * @param {PreviewModel["diff"]["members"][number]} m
 */
function memberDiff(m) {
  return h(
    "li",
    { "data-member": m.member },
    h(
      "details",
      null,
      h("summary", null, h("span", { class: "diff-line" }, m.headline), m.gained ? h("span", { class: "gain" }, ` +${m.gained}`) : null, m.lost ? h("span", { class: "loss" }, ` −${m.lost}`) : null),
      lines(m.roles),
      m.power.length ? h("div", { class: "diff-power" }, h("div", { class: "scope-name" }, "Changes in power"), lines(m.power)) : null,
      m.scopes.map((s) =>
        h(
          "div",
          { class: "diff-scope" },
          h("div", { class: "scope-name", title: s.path }, `On ${s.name}`),
          s.gained.length ? h("p", { class: "gain" }, `Gains: ${s.gained.join(", ")}`) : null,
          s.lost.length ? h("p", { class: "loss" }, `Loses: ${s.lost.join(", ")}`) : null,
        ),
      ),
    ),
  );
}

/**
 * @param {AppState} state
 * @param {import("../app.js").App} [app] offers to continue from the result
 */
export function renderPreview(state, app) {
  const { index, simulation, changeSet } = state;
  if (!index || !changeSet) return null;
  const heading = h("h2", { id: "preview-title" }, "Preview");
  if (!simulation) return h("section", { class: "card preview" }, heading, h("p", { class: "muted" }, "Starting…"));
  if (!simulation.ok) {
    return h(
      "section",
      { class: "card preview", "aria-labelledby": "preview-title" },
      heading,
      h("div", { class: "verdict deny" }, h("strong", null, `The change set is not well formed: ${count(simulation.errors.length, "error")}`)),
      h(
        "ul",
        { class: "lines change-errors" },
        simulation.errors.map((/** @type {{ pointer: string, message: string, code: string }} */ e) =>
          h("li", null, h("code", { class: "pointer" }, e.pointer || "(whole change set)"), ` ${describePointer(changeSet, e.pointer)}: ${rewriteMessage(e.message, index)}`),
        ),
      ),
    );
  }
  if (changeSet.operations.length === 0) {
    return h(
      "section",
      { class: "card preview", "aria-labelledby": "preview-title" },
      heading,
      h("p", { class: "muted" }, "Add an operation, or load an example change set, and its effect shows here as you build it."),
    );
  }
  return h(
    "section",
    { class: "card preview", "aria-labelledby": "preview-title", "aria-live": "polite" },
    heading,
    renderPreviewBody(describeSimulation(simulation, changeSet, index), "preview"),
    h("p", { class: "muted small" }, `Revision ${simulation.baseRevision} → ${simulation.revisionAfter}`),
    app && state.mode === "offline" // what-if chains belong to the simulation; signed in, Submit commits
      ? h(
          "div",
          { class: "continue" },
          h(
            "button",
            { type: "button", class: "btn secondary", id: "continue-from-result", "aria-describedby": "continue-hint", onClick: async () => {
              await app.continueFromResult();
              // A self-upgrade waiting for its PIN: the PIN is what comes next, so the focus goes
              // there, shown in the middle of the window (on a phone it is far below the banner).
              const pin = document.getElementById("pin-step-0");
              if (pin) {
                pin.focus({ preventScroll: true });
                document.getElementById("pin-step-0-box")?.scrollIntoView({ block: "center" });
              } else {
                document.getElementById("whatif")?.focus();
              }
            } },
            "Continue from this result",
          ),
          h(
            "p",
            { class: "hint", id: "continue-hint" },
            "What-if: takes the policy as it would be after this change (pending approvals and PINs recorded) as the one to build the next change on, such as an approver deciding, or the PIN entered. The original stays one click away.",
          ),
          simulation.summary.denied
            ? h("p", { class: "hint" }, `${count(simulation.summary.denied, "denied operation")} change${simulation.summary.denied === 1 ? "s" : ""} nothing there.`)
            : null,
        )
      : null,
  );
}
