// @ts-check
// Settings (the backend to submit to) and facts about what is loaded.
import { formValues, h } from "../lib/dom.js";
import { rewriteMessage } from "../logic/bundle-index.js";
import { kindLabel } from "../logic/operations.js";
import { supportsPerform } from "../logic/queries.js";
import { count, countsWords } from "../logic/words.js";
import { button, field, input } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 */

/** @param {AppState} state @param {App} app */
export function renderSettings(state, app) {
  const status = h("p", { class: "hint", role: "status" });
  /** @type {HTMLFormElement} */
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      "aria-labelledby": "backend-title",
      onSubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        const url = String(formValues(form).backend ?? "").trim();
        if (url) {
          try {
            new URL(url, location.href);
          } catch {
            status.textContent = "That is not a URL.";
            return;
          }
        }
        app.setBackendUrl(url);
        status.textContent = url ? `Saved: changes are submitted to ${url}.` : "No backend: changes can only be downloaded.";
      },
    },
    h("h2", { id: "backend-title" }, "Backend"),
    h("p", null, "Where to submit a change: the app POSTs {changeSet, preview} as JSON and shows the answer beside the preview. A verification answer ({match, differences}, as rolegate verify gives) or a simulation result is understood."),
    field({ label: "Backend URL", control: input({ name: "backend", id: "backend-url", value: state.backendUrl, type: "url", placeholder: "https://example.com/changes/verify" }) }),
    h("div", { class: "actions" }, button("Save", () => {}, { kind: "primary", type: "submit", id: "backend-save" })),
    status,
  );

  const index = state.index;
  const engine = state.engine;
  const about = index && engine
    ? h(
        "section",
        { class: "card", "aria-labelledby": "about-title" },
        h("h2", { id: "about-title" }, "The loaded policy"),
        h(
          "dl",
          { class: "facts" },
          h("dt", null, "Name"),
          h("dd", null, index.name),
          index.bundle.description ? [h("dt", null, "Description"), h("dd", null, index.bundle.description)] : null,
          h("dt", null, "Source"),
          h("dd", null, state.source?.label ?? "—"),
          h("dt", null, "Revision"),
          h("dd", null, h("code", null, engine.revision)),
          h("dt", null, "Contents"),
          h("dd", null, countsWords(engine.summary.counts)),
          h("dt", null, "Operations offered"),
          h("dd", null, Object.keys(index.operations).map(kindLabel).join(", ") || "none"),
          h("dt", null, "Domain transactions (perform)"),
          h("dd", null, supportsPerform() ? "supported by this engine" : "not supported by this engine"),
        ),
        state.warnings.length
          ? h("div", null, h("h3", null, count(state.warnings.length, "warning")), h("ul", { class: "lines" }, state.warnings.map((w) => h("li", null, h("code", { class: "pointer" }, w.pointer), ` ${rewriteMessage(w.message, index)}`))))
          : null,
      )
    : null;

  const keys = h(
    "section",
    { class: "card", "aria-labelledby": "keys-title" },
    h("h2", { id: "keys-title" }, "Keyboard"),
    h(
      "ul",
      { class: "lines" },
      h("li", null, "Tab and Shift+Tab move between controls; Enter or Space activates a button."),
      h("li", null, "In the tab bar, the arrow keys, Home and End move between tabs."),
      h("li", null, "Ctrl+Z undoes the last change to the operations, Ctrl+Shift+Z (or Ctrl+Y) redoes it, outside text fields."),
      h("li", null, "A bundle or change set file can also be dropped anywhere on the page."),
    ),
  );
  return h("div", { class: "settings" }, form, about, keys);
}
