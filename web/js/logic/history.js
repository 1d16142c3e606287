// @ts-check
// Undo and redo: a value with the values before and after it. Each step returns
// a new history; nothing is changed in place.

/**
 * @template T
 * @typedef {{ past: T[], present: T, future: T[] }} History
 */

/** How many steps back undo reaches. */
export const UNDO_LIMIT = 200;

/**
 * @template T
 * @param {T} present
 * @returns {History<T>}
 */
export function createHistory(present) {
  return { past: [], present, future: [] };
}

/**
 * Records a new present; what was undone can no longer be redone.
 * @template T
 * @param {History<T>} history
 * @param {T} next
 * @returns {History<T>}
 */
export function record(history, next) {
  if (Object.is(next, history.present)) return history;
  return { past: [...history.past, history.present].slice(-UNDO_LIMIT), present: next, future: [] };
}

/**
 * @template T
 * @param {History<T>} history
 * @returns {History<T>}
 */
export function undo(history) {
  if (history.past.length === 0) return history;
  const previous = history.past[history.past.length - 1];
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

/**
 * @template T
 * @param {History<T>} history
 * @returns {History<T>}
 */
export function redo(history) {
  if (history.future.length === 0) return history;
  const [next, ...rest] = history.future;
  return { past: [...history.past, history.present], present: next, future: rest };
}

/** @param {History<unknown>} history */
export const canUndo = (history) => history.past.length > 0;
/** @param {History<unknown>} history */
export const canRedo = (history) => history.future.length > 0;
