// @ts-check
// A bundle that does not load: every error with its JSON Pointer, where that is
// in words, the value found there and, for a parse error, the lines around it.
import { h } from "../lib/dom.js";
import { linesAround } from "../logic/errors.js";
import { count } from "../logic/words.js";
import { stacked } from "./controls.js";

/** @typedef {import("../app.js").AppState} AppState */

/** @param {AppState} state */
export function renderInvalid(state) {
  const errors = state.errors;
  return h(
    "section",
    { class: "card invalid", "aria-labelledby": "invalid-title" },
    h("h2", { id: "invalid-title" }, `${state.source?.label ?? "This bundle"} cannot be loaded: ${count(errors.length, "error")}`),
    h(
      "p",
      null,
      "The engine checks the whole bundle and reports every problem, not only the first. Each one names the place in the file with a JSON Pointer. Fix them and open the file again, or choose an example.",
    ),
    h(
      "div",
      { class: "table-wrap" },
      stacked(h(
        "table",
        { class: "errors-table" },
        h("caption", { class: "visually-hidden" }, "Validation errors"),
        h(
          "thead",
          null,
          h("tr", null, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Where"), h("th", { scope: "col" }, "Problem"), h("th", { scope: "col" }, "Value there")),
        ),
        h(
          "tbody",
          null,
          errors.map((e, i) =>
            h(
              "tr",
              { class: "error-row" },
              h("td", null, String(i + 1)),
              h("td", null, h("code", { class: "pointer" }, e.pointer === "" ? "(whole document)" : e.pointer), h("div", { class: "where" }, e.where)),
              h("td", null, h("div", { class: "message" }, e.message), h("div", { class: "code" }, e.code)),
              h("td", null, e.value === null ? h("span", { class: "muted" }, "—") : h("code", null, e.value)),
            ),
          ),
        ),
      )),
    ),
    errors
      .filter((e) => e.line !== null)
      .slice(0, 1)
      .map((e) =>
        h(
          "figure",
          { class: "source-lines" },
          h("figcaption", null, `Around line ${e.line}:`),
          h(
            "pre",
            null,
            linesAround(state.bundleText, /** @type {number} */ (e.line)).map((l) =>
              h("span", { class: l.here ? "here" : "" }, `${String(l.number).padStart(4)}  ${l.text}\n`),
            ),
          ),
        ),
      ),
  );
}

/** @param {AppState} state */
export function renderFailed(state) {
  return h(
    "section",
    { class: "card invalid", "aria-labelledby": "failed-title" },
    h("h2", { id: "failed-title" }, "Nothing loaded"),
    h("p", null, state.message),
    h("p", null, "Choose an example or open a bundle file above, or drop a file onto the page."),
  );
}
