// @ts-check
// A small DOM helper: h() makes elements, Region redraws a part of the page when
// the state it depends on changes (keeping the focus where it was).

/**
 * @typedef {import("./child.js").Child} Child
 * @typedef {Record<string, any>} Props
 */

/**
 * @param {Child[]} children
 * @param {Node[]} [out]
 * @returns {Node[]}
 */
function flatten(children, out = []) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) flatten(child, out);
    else if (typeof child === "string" || typeof child === "number") out.push(document.createTextNode(String(child)));
    else out.push(child);
  }
  return out;
}

// Set as properties, not attributes: the live state of form controls.
const PROPERTIES = new Set(["value", "checked", "selected", "indeterminate", "open"]);

/**
 * Makes an element: h("button", { type: "button", onClick }, "Save").
 * `on<Event>` props add listeners; `class` and other props become attributes
 * (false, null and undefined leave them out, true sets them empty).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props | null} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (PROPERTIES.has(key)) {
      /** @type {any} */ (el)[key] = value;
    } else if (key === "ref" && typeof value === "function") {
      value(el);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  el.append(...flatten(children));
  return el;
}

/**
 * Replaces the children of an element.
 * @param {Element} container
 * @param {...Child} children
 */
export function mount(container, ...children) {
  container.replaceChildren(...flatten(children));
}

let counter = 0;
/** A unique id for tying a label to its control. @param {string} [prefix] */
export function uid(prefix = "id") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * @param {readonly unknown[]} a @param {readonly unknown[]} b
 */
function sameDeps(a, b) {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * A part of the page drawn from the state: `update(state)` redraws it when the
 * values `deps(state)` picks have changed. The element that had the focus (found
 * again by its id) gets it back after a redraw.
 * @template S
 */
export class Region {
  /** @type {readonly unknown[] | null} */
  #deps = null;

  /**
   * @param {Element} container
   * @param {(state: S) => readonly unknown[]} deps
   * @param {(state: S) => Child} render
   */
  constructor(container, deps, render) {
    this.container = container;
    this.depsOf = deps;
    this.render = render;
  }

  /** @param {S} state @param {boolean} [force] */
  update(state, force = false) {
    const deps = this.depsOf(state);
    if (!force && this.#deps && sameDeps(this.#deps, deps)) return;
    this.#deps = deps;
    const active = document.activeElement;
    const focusId = active && active !== document.body && this.container.contains(active) ? active.id : "";
    const selection =
      active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
        ? [active.selectionStart, active.selectionEnd]
        : null;
    mount(this.container, this.render(state));
    if (focusId) {
      const again = document.getElementById(focusId);
      if (again instanceof HTMLElement) {
        again.focus();
        if (selection && (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) {
          try {
            again.setSelectionRange(selection[0], selection[1]);
          } catch {
            // Some input types (number, email) have no selection.
          }
        }
      }
    }
  }
}

/**
 * Saves text as a file through the browser's download.
 * @param {string} filename
 * @param {string} text
 * @param {string} [type]
 */
export function download(filename, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The values of a form's named controls: one string per name, or an array for
 * checkbox groups and multiple selects (marked data-many).
 * @param {HTMLFormElement} form
 * @returns {Record<string, string | string[]>}
 */
export function formValues(form) {
  /** @type {Record<string, string | string[]>} */
  const values = {};
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) continue;
    if (!el.name || el.disabled) continue;
    const many = el.dataset.many !== undefined;
    if (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio")) {
      if (many) {
        const list = /** @type {string[]} */ (values[el.name] ?? []);
        if (el.checked) list.push(el.value);
        values[el.name] = list;
      } else if (el.checked) {
        values[el.name] = el.value;
      } else if (!(el.name in values)) {
        values[el.name] = "";
      }
    } else if (el instanceof HTMLSelectElement && el.multiple) {
      values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
    } else {
      values[el.name] = el.value;
    }
  }
  return values;
}
