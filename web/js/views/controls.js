// @ts-check
// Form controls and small pieces shared by the views. Every control gets a
// visible label (or an aria-label) tied to it.
import { h, uid } from "../lib/dom.js";
import { matchOptions, searchText } from "../logic/match.js";

/**
 * @typedef {import("../lib/dom.js").Child} Child
 * @typedef {{ value: string, label: string }} Option
 */

/**
 * A labelled field: the label, the control, a hint and an error line.
 * @param {{ label: string, control: HTMLElement, hint?: string, error?: string, id?: string }} props
 */
export function field({ label, control: given, hint, error }) {
  // A search box's own input is what the label names (combobox).
  const control = /** @type {HTMLElement} */ (given.classList.contains("combo") ? given.querySelector("[role=combobox]") : given);
  const id = control.id || uid("field");
  control.id = id;
  const described = [];
  /** @type {HTMLElement | null} */
  let hintEl = null;
  if (hint) {
    hintEl = h("p", { class: "hint", id: `${id}-hint` }, hint);
    described.push(hintEl.id);
  }
  /** @type {HTMLElement | null} */
  let errorEl = null;
  if (error) {
    errorEl = h("p", { class: "field-error", id: `${id}-error`, role: "alert" }, error);
    described.push(errorEl.id);
    control.setAttribute("aria-invalid", "true");
  }
  if (described.length) control.setAttribute("aria-describedby", described.join(" "));
  return h("div", { class: "field" }, h("label", { for: id }, label), given, hintEl, errorEl);
}

// Past this many options a select becomes a search box with a short list of
// matches (combobox): a page with 100,000 options in one select takes seconds to
// build and to lay out, and nobody scrolls through them.
export const SEARCH_ABOVE = 500;
// The matches a search box lists at once; typing more narrows them.
export const MATCHES_SHOWN = 50;

/**
 * A select of options; `placeholder` adds a first, empty choice. With more than
 * SEARCH_ABOVE options, a search box instead (combobox).
 * @param {{ name?: string, options: Option[], value?: string, placeholder?: string, id?: string,
 *   label?: string, onChange?: (value: string) => void, required?: boolean }} props
 */
export function select({ name, options, value = "", placeholder, id, label, onChange, required }) {
  if (options.length > SEARCH_ABOVE) return combobox({ name, options, value, placeholder, id, label, onChange });
  const el = h(
    "select",
    {
      name,
      id: id ?? uid("select"),
      "aria-label": label,
      required,
      onChange: onChange ? (/** @type {Event} */ e) => onChange(/** @type {HTMLSelectElement} */ (e.target).value) : undefined,
    },
    placeholder !== undefined ? h("option", { value: "" }, placeholder) : null,
    options.map((o) => h("option", { value: o.value, selected: o.value === value }, o.label)),
  );
  if (value && options.some((o) => o.value === value)) el.value = value;
  return el;
}

/**
 * The list a search box shows: the matches `shown` (the `active` one marked), and a
 * line saying how many more there are, or that nothing matches.
 * @param {HTMLElement} list @param {string} inputId @param {Option[]} shown @param {number} total
 * @param {number} active @param {(o: Option) => void} choose
 */
function drawMatches(list, inputId, shown, total, active, choose) {
  const note = (/** @type {string} */ text) => h("li", { class: "combo-more", "aria-hidden": "true" }, text);
  list.replaceChildren(
    ...shown.map((o, i) =>
      h("li", {
        id: `${inputId}-option-${i}`,
        role: "option",
        class: "combo-option",
        "aria-selected": String(i === active),
        "data-value": o.value,
        // Before the box loses the focus to the list.
        onMousedown: (/** @type {MouseEvent} */ e) => {
          e.preventDefault();
          choose(o);
        },
      }, o.label || "\u00a0"),
    ),
    ...(total > shown.length ? [note(`${(total - shown.length).toLocaleString("en")} more: type to narrow`)] : []),
    ...(total === 0 ? [note("No match")] : []),
  );
}

/**
 * A search box over many options (the WAI-ARIA combobox pattern, list
 * autocomplete): typing lists the first MATCHES_SHOWN matches, the arrow keys
 * move through them, Enter or a click chooses, Escape gives up. It shows the
 * chosen option's label; its value goes with the form in a hidden input named
 * `name`. `placeholder` is the choice of nothing (an empty value).
 * @param {{ name?: string, options: Option[], value?: string, placeholder?: string, id?: string,
 *   label?: string, onChange?: (value: string) => void }} props
 */
export function combobox({ name, options, value = "", placeholder, id, label, onChange }) {
  const inputId = id ?? uid("combo");
  const all = placeholder !== undefined ? [{ value: "", label: placeholder }, ...options] : options;
  /** @type {string[] | null} */
  let haystack = null; // made on first use: a search box may never be opened
  let current = all.find((o) => o.value === value) ?? (placeholder !== undefined ? all[0] : null);
  /** @type {Option[]} */
  let shown = [];
  let active = -1;
  const shownLabel = () => current?.label.trim() ?? ""; // without a tree's indentation
  const hidden = h("input", { type: "hidden", name, value: current?.value ?? "" });
  const list = h("ul", { id: `${inputId}-list`, role: "listbox", class: "combo-list", "aria-label": label, hidden: true });
  const box = h("input", {
    type: "text", id: inputId, role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
    "aria-controls": list.id, "aria-label": label, autocomplete: "off", spellcheck: "false",
    placeholder: `Search ${options.length.toLocaleString("en")}…`, value: shownLabel(), "data-value": current?.value ?? "",
  });
  const mark = () => {
    list.querySelectorAll("[role=option]").forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active < 0) return box.removeAttribute("aria-activedescendant");
    box.setAttribute("aria-activedescendant", `${inputId}-option-${active}`);
    document.getElementById(`${inputId}-option-${active}`)?.scrollIntoView({ block: "nearest" });
  };
  const show = (/** @type {string} */ query) => {
    haystack ??= all.map(searchText);
    const found = matchOptions(all, haystack, query, MATCHES_SHOWN);
    shown = found.shown;
    active = shown.length ? 0 : -1;
    drawMatches(list, inputId, shown, found.total, active, choose);
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    mark();
  };
  const restore = () => {
    box.value = shownLabel();
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  };
  /** Shows `o` as chosen; tells onChange when it is another. @param {Option} o @param {boolean} [quiet] */
  const choose = (o, quiet = false) => {
    const changed = o.value !== current?.value;
    current = o;
    hidden.value = o.value;
    box.dataset.value = o.value;
    restore();
    if (changed && !quiet) onChange?.(o.value);
  };
  // Shows a value again without telling anyone (a choice the app did not take).
  box.addEventListener("combo-reset", (e) => choose(all.find((o) => o.value === /** @type {CustomEvent<string>} */ (e).detail) ?? current ?? all[0], true));
  box.addEventListener("focus", () => box.select());
  box.addEventListener("input", () => show(box.value));
  box.addEventListener("blur", restore);
  box.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden) return show(box.value === shownLabel() ? "" : box.value);
      if (!shown.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      mark();
    } else if (e.key === "Enter" && !list.hidden) {
      e.preventDefault();
      if (active >= 0) choose(shown[active]);
    } else if (e.key === "Escape") {
      if (!list.hidden) e.preventDefault();
      restore();
    }
  });
  return h("div", { class: "combo" }, box, hidden, list);
}

/**
 * A group of checkboxes with a legend; values come back as a list (data-many).
 * @param {{ name: string, legend: string, options: Option[], values?: string[], error?: string,
 *   columns?: boolean, onChange?: () => void }} props
 */
export function checkboxes({ name, legend, options, values = [], error, columns, onChange }) {
  const chosen = new Set(values);
  const errorId = error ? uid("error") : undefined;
  return h(
    "fieldset",
    { class: `checks${columns ? " columns" : ""}`, "aria-describedby": errorId, "aria-invalid": error ? "true" : undefined },
    h("legend", null, legend),
    options.length === 0 ? h("p", { class: "hint" }, "Nothing to choose here.") : null,
    options.map((o) => {
      const id = uid(name);
      return h(
        "div",
        { class: "check" },
        h("input", { type: "checkbox", id, name, value: o.value, checked: chosen.has(o.value), "data-many": true, onChange }),
        h("label", { for: id }, o.label),
      );
    }),
    error ? h("p", { class: "field-error", id: errorId, role: "alert" }, error) : null,
  );
}

/**
 * A text input.
 * @param {{ name?: string, value?: string, type?: string, placeholder?: string, id?: string,
 *   label?: string, onInput?: (value: string) => void, autocomplete?: string, inputmode?: string }} props
 */
export function input({ name, value = "", type = "text", placeholder, id, label, onInput, autocomplete, inputmode }) {
  return h("input", {
    name,
    type,
    value,
    placeholder,
    id: id ?? uid("input"),
    "aria-label": label,
    autocomplete: autocomplete ?? "off",
    inputmode,
    onInput: onInput ? (/** @type {Event} */ e) => onInput(/** @type {HTMLInputElement} */ (e.target).value) : undefined,
  });
}

/**
 * A textarea.
 * @param {{ name?: string, value?: string, rows?: number, placeholder?: string, id?: string, label?: string,
 *   onInput?: (value: string) => void }} props
 */
export function textarea({ name, value = "", rows = 3, placeholder, id, label, onInput }) {
  return h("textarea", {
    name,
    rows,
    placeholder,
    id: id ?? uid("text"),
    "aria-label": label,
    value,
    onInput: onInput ? (/** @type {Event} */ e) => onInput(/** @type {HTMLTextAreaElement} */ (e.target).value) : undefined,
  });
}

/**
 * A button.
 * @param {string | Child} text
 * @param {() => void} onClick
 * @param {{ kind?: "primary" | "secondary" | "quiet" | "danger", label?: string, disabled?: boolean,
 *   type?: "button" | "submit", title?: string, id?: string, pressed?: boolean }} [props]
 */
export function button(text, onClick, props = {}) {
  return h(
    "button",
    {
      type: props.type ?? "button",
      class: `btn ${props.kind ?? "secondary"}`,
      "aria-label": props.label,
      title: props.title,
      disabled: props.disabled,
      id: props.id,
      "aria-pressed": props.pressed === undefined ? undefined : String(props.pressed),
      onClick: props.type === "submit" ? undefined : onClick,
    },
    text,
  );
}

const EFFECT_CLASS = /** @type {Record<string, string>} */ ({ allow: "allow", deny: "deny", conditional: "conditional" });

/**
 * A verdict badge.
 * @param {string} effect allow, deny or conditional
 * @param {string} text
 */
export function badge(effect, text) {
  return h("span", { class: `badge ${EFFECT_CLASS[effect] ?? "neutral"}` }, text);
}

/**
 * A status pill for a member.
 * @param {string} status
 */
export function statusPill(status) {
  return h("span", { class: `status status-${status}` }, status);
}

/**
 * A section with a heading.
 * @param {string} title
 * @param {...Child} children
 */
export function section(title, ...children) {
  const id = uid("section");
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

/**
 * A list of plain-word lines, or a line saying there is none.
 * @param {string[]} lines
 * @param {string} [empty]
 * @param {string} [extraClass]
 */
export function lines(lines, empty, extraClass) {
  if (lines.length === 0) return empty ? h("p", { class: "muted" }, empty) : null;
  return h("ul", { class: extraClass ? `lines ${extraClass}` : "lines" }, lines.map((l) => h("li", null, l)));
}

/**
 * Marks a table to become stacked cards on a phone (styles.css, under 640px): each
 * body cell is labelled by its column's header (`data-label`), and the cell of
 * column `head`, if any, is the card's heading, unlabelled. Returns the table.
 * @template {HTMLTableElement} T
 * @param {T} table
 * @param {{ head?: number }} [options] head: the heading column; -1 for none
 * @returns {T}
 */
export function stacked(table, { head = 0 } = {}) {
  table.classList.add("stack");
  const headers = [...table.querySelectorAll("thead th")].map((th) => (th.textContent ?? "").trim());
  for (const row of table.tBodies[0]?.rows ?? []) {
    [...row.cells].forEach((cell, i) => {
      if (i === head) cell.classList.add("cell-head");
      else if (headers[i]) cell.dataset.label = headers[i];
    });
  }
  return table;
}

/**
 * Brings an answer just given into view when it is not wholly on the screen (on a
 * phone it is drawn below the form that asked): its top goes to the top of the
 * window. Nothing moves when it is already in view, as on a wide screen.
 * @param {Element | null} el
 */
export function reveal(el) {
  if (!el) return;
  const box = el.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  el.scrollIntoView({ block: "start" });
}
