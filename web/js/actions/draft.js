// @ts-check
// Actions on the change being built: operations added, edited, moved, removed,
// undone and redone; a change set loaded into the builder; the builder's form.
import { appendOperations, moveOperation as moved, readChangeSet, removeOperation as removed, replaceOperation, replaceOperations } from "../logic/changeset.js";
import { canRedo, canUndo, redo as redone, undo as undone } from "../logic/history.js";
import { isTimestamp } from "../logic/words.js";
import { fetchText, refreshVisible, simulate, stopEditing, urlChanged } from "./context.js";

/**
 * @typedef {import("./context.js").AppContext} AppContext
 * @typedef {import("../state/app-state.js").AppState} AppState
 * @typedef {import("../state/app-state.js").Draft} Draft
 * @typedef {import("../logic/types.js").Operation} Operation
 */

/** The change becomes `draft`; an operation being edited is given up. @param {AppContext} c @param {Draft} draft */
function changeTo(c, draft) {
  c.store.set({ draft, ...stopEditing(c) });
  simulate(c);
}

/**
 * Appends operations to the change; an operation that makes someone new the
 * actor (register) switches the acting member.
 * @param {AppContext} c @param {Operation[]} ops @param {string} [actor]
 */
export function addOperations(c, ops, actor) {
  const { store, get } = c;
  store.set({ draft: appendOperations(get().draft, ops), notice: null, ...stopEditing(c) });
  if (actor && actor !== get().actor && get().mode !== "connected") {
    store.set({ actor });
    refreshVisible(c);
  }
  simulate(c);
}

/**
 * Opens the operation at `i` in its form, filled in, to edit it in place.
 * @param {AppContext} c @param {number} i
 */
export function editOperation(c, i) {
  const op = c.get().draft.present[i];
  if (!op) return;
  c.store.set({ editing: i, builderKind: op.op, builderPrefill: null, builderEpoch: c.get().builderEpoch + 1, tab: "changes" });
}

/**
 * Saves the operation being edited: it replaces the one at its position (one undo step).
 * @param {AppContext} c @param {Operation} op @param {string} [actor] the new member's id, when a register is edited
 */
export function saveEdit(c, op, actor) {
  const { store, get } = c;
  const i = get().editing;
  if (i === null) return;
  if (JSON.stringify(get().draft.present[i]) === JSON.stringify(op)) {
    cancelEdit(c); // saved unchanged: no undo step
    return;
  }
  store.set({ draft: replaceOperation(get().draft, i, op), editing: null, builderPrefill: null, builderEpoch: get().builderEpoch + 1, notice: null });
  if (actor && actor !== get().actor) {
    store.set({ actor });
    refreshVisible(c);
  }
  simulate(c);
}

/** Leaves the operation being edited as it was. @param {AppContext} c */
export function cancelEdit(c) {
  if (c.get().editing === null) return;
  c.store.set({ editing: null, builderPrefill: null, builderEpoch: c.get().builderEpoch + 1 });
}

/** @param {AppContext} c @param {number} i */
export function removeOperation(c, i) {
  changeTo(c, removed(c.get().draft, i));
}

/** @param {AppContext} c @param {number} i @param {-1 | 1} by */
export function moveOperation(c, i, by) {
  changeTo(c, moved(c.get().draft, i, by));
}

/** @param {AppContext} c */
export function clearOperations(c) {
  if (c.get().draft.present.length === 0) return;
  changeTo(c, replaceOperations(c.get().draft, []));
}

/** @param {AppContext} c */
export function undo(c) {
  if (!canUndo(c.get().draft)) return;
  changeTo(c, undone(c.get().draft));
}

/** @param {AppContext} c */
export function redo(c) {
  if (!canRedo(c.get().draft)) return;
  changeTo(c, redone(c.get().draft));
}

/**
 * Loads a change set into the builder: its actor acts, its time is used, and
 * its operations replace the change being built (undo brings it back).
 * @param {AppContext} c @param {string} text @param {string} label
 */
export function loadChangeSetText(c, text, label) {
  const { store, get } = c;
  const { engine, index } = get();
  if (!engine || !index) return;
  const read = readChangeSet(text, engine.revision);
  if (!read.ok) {
    store.set({ notice: { text: `${label}: ${read.error}`, tone: "error" } });
    return;
  }
  const patch = /** @type {Partial<AppState>} */ ({
    ...stopEditing(c),
    draft: replaceOperations(get().draft, read.operations),
    tab: "changes",
    notice: {
      text: read.rebasedFrom
        ? `Loaded ${label}. It was written for revision ${read.rebasedFrom}; it is previewed against this bundle's revision ${engine.revision}.`
        : `Loaded ${label}.`,
      tone: read.rebasedFrom ? "warning" : "info",
    },
  });
  if (read.now && isTimestamp(read.now)) patch.now = read.now;
  patch.actor = read.actor;
  store.set(patch);
  refreshVisible(c);
  simulate(c);
  urlChanged(c);
}

/** @param {AppContext} c @param {string} name an example's change set file */
export async function loadExampleChangeSet(c, name) {
  const source = c.get().source;
  if (source?.kind !== "example") return;
  try {
    const text = await fetchText(`examples/${source.name}/changes/${name}`);
    loadChangeSetText(c, text, `changes/${name}`);
  } catch (error) {
    c.store.set({ notice: { text: `Could not load changes/${name}: ${/** @type {Error} */ (error).message}`, tone: "error" } });
  }
}

/** @param {AppContext} c @param {string} name an example's request file @returns {Promise<object | null>} */
export async function exampleRequest(c, name) {
  const source = c.get().source;
  if (source?.kind !== "example") return null;
  try {
    return JSON.parse(await fetchText(`examples/${source.name}/requests/${name}`));
  } catch (error) {
    c.store.set({ notice: { text: `Could not load requests/${name}: ${/** @type {Error} */ (error).message}`, tone: "error" } });
    return null;
  }
}

/**
 * Opens the builder on a kind, optionally with values filled in.
 * @param {AppContext} c @param {string} kind @param {Record<string, string | string[]> | null} [prefill]
 */
export function openBuilder(c, kind, prefill = null) {
  c.store.set({ builderKind: kind, builderPrefill: prefill, builderEpoch: c.get().builderEpoch + 1, tab: "changes", editing: null });
  urlChanged(c);
}

/** @param {AppContext} c @param {string} kind */
export function setBuilderKind(c, kind) {
  c.store.set({ builderKind: kind, builderPrefill: null, builderEpoch: c.get().builderEpoch + 1 });
}
