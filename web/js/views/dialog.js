// @ts-check
// A question asked in the page: a modal dialog (role=dialog, aria-modal) with a
// few answers. The focus moves into it, stays in it until it closes, and goes
// back where it was; Escape cancels. Also the question asked before acting as
// another member while a change is being built.
import { h } from "../lib/dom.js";
import { actorChangeWords, asksBeforeActing } from "../logic/actor-change.js";

/**
 * @typedef {import("../app.js").App} App
 * @typedef {{ value: string, label: string, kind?: "primary" | "secondary" }} Answer
 */

/**
 * Asks a question; resolves with the value of the answer chosen, or null when it
 * is cancelled (Escape, or the answer whose value is "cancel").
 * @param {{ id: string, title: string, text: string, answers: Answer[], returnFocus?: string }} question
 *   returnFocus: the id of the element to focus afterwards (it may have been drawn anew meanwhile)
 * @returns {Promise<string | null>}
 */
export function ask({ id, title, text, answers, returnFocus }) {
  document.getElementById(id)?.remove();
  /** @type {HTMLDialogElement} */
  const dialog = h(
    "dialog",
    { id, class: "ask", role: "dialog", "aria-modal": "true", "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-text` },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: `${id}-title` }, title),
      h("p", { id: `${id}-text` }, text),
      h(
        "div",
        { class: "ask-answers" },
        answers.map((a, i) =>
          h("button", { type: "submit", value: a.value, class: `btn ${a.kind ?? "secondary"}`, id: `${id}-${a.value}`, autofocus: i === 0 }, a.label),
        ),
      ),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const value = dialog.returnValue;
      dialog.remove();
      const target = returnFocus ? document.getElementById(returnFocus) : null;
      resolve(value && value !== "cancel" ? value : null);
      // After the answer is acted on, which may draw the target anew.
      queueMicrotask(() => (returnFocus ? document.getElementById(returnFocus) ?? target : null)?.focus());
    });
    dialog.showModal();
  });
}

/**
 * Acts as `next`, first asking what becomes of the change being built when there
 * is one: kept (acting as the new member) or started afresh. Cancelled, nothing
 * changes and `onCancel` runs (the picker shows the member acting again).
 * @param {App} app
 * @param {string} next
 * @param {{ onCancel?: () => void, returnFocus?: string }} [options]
 * @returns {Promise<boolean>} whether the member acting is now `next`
 */
export async function actAs(app, next, { onCancel, returnFocus } = {}) {
  const state = app.get();
  if (!state.index || !asksBeforeActing({ mode: state.mode, actor: state.actor, next, operations: state.draft.present })) {
    app.setActor(next);
    return app.get().actor === next;
  }
  const words = actorChangeWords(state.index, state.actor, next, state.draft.present.length);
  const answer = await ask({
    id: "actor-dialog",
    title: words.title,
    text: words.text,
    answers: [
      { value: "keep", label: words.keep, kind: "primary" },
      { value: "fresh", label: words.fresh },
      { value: "cancel", label: words.cancel },
    ],
    returnFocus,
  });
  if (answer !== "keep" && answer !== "fresh") {
    onCancel?.();
    return false;
  }
  app.setActor(next, { draft: answer });
  return app.get().actor === next;
}
