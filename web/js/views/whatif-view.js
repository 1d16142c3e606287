// @ts-check
// The what-if banner: shown while the policy is the result of previewed changes
// rather than the one loaded, with the way back (a breadcrumb of the chain).
import { h } from "../lib/dom.js";
import { breadcrumb } from "../logic/chain.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 */

/** @param {AppState} state @param {App} app */
export function renderWhatIf(state, app) {
  const { chain, engine, source } = state;
  if (chain.length === 0 || !engine) return null;
  const crumbs = breadcrumb(chain, engine.revision);
  const origin = source?.label ?? "the policy loaded";
  /** Goes back along the chain; the focus goes to what is shown then. @param {number} k */
  const back = async (k) => {
    await app.backTo(k);
    const target = document.getElementById("whatif") ?? document.getElementById("main");
    target?.focus();
  };
  return h(
    "section",
    { class: "whatif", id: "whatif", "aria-labelledby": "whatif-title", tabindex: "-1" },
    h("h2", { id: "whatif-title" }, "What-if: not the saved policy"),
    h(
      "p",
      null,
      `Everything on this page now shows ${origin} as it would be after ${chain.length === 1 ? "the change you previewed" : `the ${chain.length} changes you previewed`}. Nothing has been submitted; downloads and submissions carry every step, each with the revision it was built on.`,
    ),
    h(
      "nav",
      { "aria-label": "What-if steps", class: "crumbs" },
      h(
        "ol",
        null,
        crumbs.map((c, k) =>
          h(
            "li",
            { "aria-current": c.current ? "step" : undefined },
            c.current
              ? h("span", { class: "crumb current", title: `revision ${c.revision}` }, c.label)
              : h(
                  "button",
                  {
                    type: "button",
                    class: "btn quiet crumb",
                    id: `whatif-step-${k}`,
                    title: `revision ${c.revision}`,
                    "aria-label": k === 0 ? `Back to the original policy (revision ${c.revision})` : `Back to the policy after change ${k} (revision ${c.revision})`,
                    onClick: () => back(k),
                  },
                  c.label,
                ),
          ),
        ),
      ),
    ),
    h("button", { type: "button", class: "btn secondary", id: "whatif-original", onClick: () => back(0) }, "Back to the original"),
  );
}
