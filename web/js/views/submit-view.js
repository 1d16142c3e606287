// @ts-check
// Submitting the change: download the change set and its preview, verify the
// preview in the page, and, with a backend configured, POST {changeSet, preview}
// and show the backend's verdict beside the preview.
import { download, h } from "../lib/dom.js";
import { chainDocument, chainSteps, describeChainVerification } from "../logic/chain.js";
import { count } from "../logic/words.js";
import { button, stacked } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/compare.js").Difference} Difference
 */

/** @param {unknown} value */
function show(value) {
  if (value === undefined) return h("span", { class: "muted" }, "(absent)");
  const text = JSON.stringify(value);
  return h("code", null, text.length > 120 ? `${text.slice(0, 119)}…` : text);
}

/** @param {Difference[]} differences @param {string} id */
export function differenceTable(differences, id) {
  return h(
    "div",
    { class: "table-wrap" },
    stacked(h(
      "table",
      { class: "differences", id },
      h("caption", null, `${count(differences.length, "difference")}`),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Where"), h("th", { scope: "col" }, "In the preview"), h("th", { scope: "col" }, "By the backend"))),
      h(
        "tbody",
        null,
        differences.map((d) => h("tr", null, h("td", null, h("code", { class: "pointer" }, d.pointer || "/")), h("td", null, show(d.expected)), h("td", null, show(d.actual)))),
      ),
    ), { head: -1 }),
  );
}

/** @param {AppState} state @param {App} app */
export function renderSubmit(state, app) {
  const { changeSet, simulation, backendUrl, submission } = state;
  if (!changeSet || !simulation?.ok || changeSet.operations.length === 0) return null;
  const local = h("p", { class: "verify-here", role: "status" });
  // In a what-if chain every download carries each step, with the revision it was built on.
  const steps = state.chain.length ? chainSteps(state.chain, changeSet, simulation) : null;
  const backend = backendVerdict(state, simulation);
  return h(
    "section",
    { class: "card submit", "aria-labelledby": "submit-title" },
    h("h2", { id: "submit-title" }, "Submit"),
    steps
      ? h(
          "p",
          { class: "hint", id: "chain-hint" },
          `This change is step ${steps.length} of a what-if chain: the downloads hold all ${steps.length} change sets in order, each with its base revision, so a server can verify and apply them one after the other.`,
        )
      : null,
    h(
      "div",
      { class: "actions wrap" },
      downloadButtons(changeSet, simulation, steps),
      button("Verify here", () => verifyHere(app, steps, local), { id: "verify-here" }),
      backendUrl ? button("Submit to backend", () => app.submit(), { kind: "primary", id: "submit-backend", disabled: submission.status === "sending" }) : null,
    ),
    local,
    backend,
  );
}

/**
 * The downloads: the change set, its preview, both; in a what-if chain, each step's.
 * @param {import("../logic/types.js").ChangeSet} changeSet @param {any} simulation
 * @param {ReturnType<typeof chainSteps> | null} steps the what-if chain's, if any
 */
function downloadButtons(changeSet, simulation, steps) {
  const stamp = changeSet.now.replace(/[:]/g, "").replace(/Z$/, "");
  const json = (/** @type {unknown} */ doc) => `${JSON.stringify(doc, null, 2)}\n`;
  if (steps) {
    return [
      button(`Download the ${steps.length} change sets`, () => download(`changechain-${stamp}.json`, json(chainDocument(steps, "changeSets"))), { id: "download-changeset" }),
      button(`Download the ${steps.length} previews`, () => download(`previews-${stamp}.json`, json(chainDocument(steps, "previews"))), { id: "download-preview" }),
      button("Download both", () => download(`chain-and-previews-${stamp}.json`, json(chainDocument(steps, "both"))), { id: "download-both" }),
    ];
  }
  return [
    button("Download change set", () => download(`changeset-${stamp}.json`, json(changeSet)), { id: "download-changeset" }),
    button("Download preview", () => download(`preview-${stamp}.json`, json(simulation)), { id: "download-preview" }),
    button("Download both", () => download(`change-and-preview-${stamp}.json`, json({ changeSet, preview: simulation })), { id: "download-both" }),
  ];
}

/**
 * Verifies the preview in the page (each step of a what-if chain), and says how it went in `local`.
 * @param {App} app @param {ReturnType<typeof chainSteps> | null} steps @param {HTMLElement} local
 */
async function verifyHere(app, steps, local) {
  if (steps) {
    local.textContent = "Verifying each step…";
    const result = await app.verifyChainHere();
    if (!result) return;
    local.textContent = describeChainVerification(result);
    return;
  }
  const result = app.verifyHere();
  if (!result) return;
  local.textContent = result.ok
    ? result.match
      ? "The engine recomputed this preview and it matches (what rolegate verify does on a server)."
      : `The engine recomputed this preview and found ${count(result.differences.length, "difference")}.`
    : `Verification failed: ${result.errors.map((/** @type {{ message: string }} */ e) => e.message).join("; ")}`;
}

/**
 * The backend's side: none configured, sending, unreachable, or its verdict beside the preview's.
 * @param {AppState} state @param {any} simulation
 * @returns {import("../lib/dom.js").Child}
 */
function backendVerdict(state, simulation) {
  const { backendUrl, submission } = state;
  if (!backendUrl) {
    return h("p", { class: "hint" }, "No backend is configured: set its URL in Settings, or open the page with ?backend=URL, to submit the change and compare its verdict with this preview.");
  }
  if (submission.status === "idle") return h("p", { class: "hint" }, `Submitting sends {changeSet, preview} to ${backendUrl}.`);
  if (submission.status === "sending") return h("p", { role: "status" }, `Sending to ${submission.url}…`);
  if (submission.status === "failed") return h("p", { class: "field-error", role: "alert" }, `The backend could not be reached: ${submission.error}`);
  const summary = simulation.summary;
  const previewVerdict = summary.blocked ? "blocked" : "ready";
  return h(
    "div",
    { class: "side-by-side", id: "backend-verdict", role: "status" },
    h(
      "div",
      { class: "side" },
      h("h3", null, "This preview"),
      h("p", null, `${summary.allowed} allowed, ${summary.conditional} conditional, ${summary.denied} denied: ${previewVerdict}.`),
      h("p", { class: "muted small" }, `Revision after: ${simulation.revisionAfter}`),
    ),
    h("div", { class: "side" }, h("h3", null, `Backend (${submission.url})`), comparisonVerdict(submission.comparison)),
  );
}

/**
 * The backend's answer against the preview: a match (committable or not), the
 * differences, its rejection, or why it could not be compared.
 * @param {import("../logic/compare.js").Comparison} c
 */
function comparisonVerdict(c) {
  if (c.kind === "match") {
    return c.committable === false
      ? h("p", { class: "verdict neutral" }, h("strong", null, "Match, but blocked: the backend reached the same verdict, and the change cannot be committed as it stands."))
      : h("p", { class: "verdict allow" }, h("strong", null, "Match: the backend reached the same verdict."));
  }
  if (c.kind === "differences") {
    return h("div", null, h("p", { class: "verdict deny" }, h("strong", null, `Difference: the backend disagrees in ${count(c.differences.length, "place")}.`)), differenceTable(c.differences, "backend-differences"));
  }
  if (c.kind === "rejected") {
    return h("div", null, h("p", { class: "verdict deny" }, h("strong", null, "The backend rejected the change set.")), h("ul", { class: "lines" }, c.errors.map((e) => h("li", null, h("code", { class: "pointer" }, e.pointer || "/"), ` ${e.message}`))));
  }
  return h("p", { class: "verdict neutral" }, `The backend answered, but ${c.reason}.`);
}
