// @ts-check
// The change being built: its operations (with undo and redo), and the change set
// document the engine simulates and the backend verifies.
import { createHistory, record } from "./history.js";

/**
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {import("./types.js").ChangeSet} ChangeSet
 * @typedef {import("./history.js").History<Operation[]>} Draft
 */

/** @returns {Draft} */
export function emptyDraft() {
  return createHistory(/** @type {Operation[]} */ ([]));
}

/** @param {Draft} draft @param {Operation[]} ops */
export function appendOperations(draft, ops) {
  return record(draft, [...draft.present, ...ops]);
}

/** @param {Draft} draft @param {number} i */
export function removeOperation(draft, i) {
  return record(draft, draft.present.filter((_, j) => j !== i));
}

/**
 * Replaces the operation at `i` (one undo step); out of range changes nothing.
 * @param {Draft} draft @param {number} i @param {Operation} op
 */
export function replaceOperation(draft, i, op) {
  if (i < 0 || i >= draft.present.length) return draft;
  const next = [...draft.present];
  next[i] = op;
  return record(draft, next);
}

/** @param {Draft} draft @param {number} i @param {-1 | 1} by */
export function moveOperation(draft, i, by) {
  const j = i + by;
  if (j < 0 || j >= draft.present.length) return draft;
  const next = [...draft.present];
  [next[i], next[j]] = [next[j], next[i]];
  return record(draft, next);
}

/** @param {Draft} draft @param {Operation[]} ops */
export function replaceOperations(draft, ops) {
  return record(draft, ops);
}

/**
 * The change set document.
 * @param {{ revision: string, actor: string, now: string, operations: Operation[] }} parts
 * @returns {ChangeSet}
 */
export function buildChangeSet({ revision, actor, now, operations }) {
  return { format: "rolegate-changeset/1", baseRevision: revision, actor, now, operations };
}

/**
 * Reads a change set file's text for loading into the builder. A change set built
 * on another revision of the bundle is taken over (its baseRevision replaced) and
 * said so, since the app always previews against the loaded bundle.
 * @param {string} text
 * @param {string} revision the loaded bundle's revision
 * @returns {{ ok: true, actor: string, now: string | null, operations: Operation[], rebasedFrom: string | null }
 *   | { ok: false, error: string }}
 */
export function readChangeSet(text, revision) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${/** @type {Error} */ (error).message}` };
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return { ok: false, error: "a change set is a JSON object" };
  if (doc.format !== "rolegate-changeset/1") return { ok: false, error: "not a change set: its format is not rolegate-changeset/1" };
  if (typeof doc.actor !== "string") return { ok: false, error: "the change set names no actor" };
  if (!Array.isArray(doc.operations)) return { ok: false, error: "the change set has no list of operations" };
  const rebasedFrom = typeof doc.baseRevision === "string" && doc.baseRevision !== revision ? doc.baseRevision : null;
  return { ok: true, actor: doc.actor, now: typeof doc.now === "string" ? doc.now : null, operations: doc.operations, rebasedFrom };
}
