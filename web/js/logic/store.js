// @ts-check
// The app's state: one object, replaced (never changed in place) by `set`, with
// listeners told of each new state and the one before it.

/**
 * @template S
 * @typedef {{ get: () => S, set: (patch: Partial<S> | ((state: S) => Partial<S>)) => void,
 *   subscribe: (listener: (state: S, previous: S) => void) => () => void }} Store
 */

/**
 * @template {object} S
 * @param {S} initial
 * @returns {Store<S>}
 */
export function createStore(initial) {
  let state = initial;
  /** @type {Set<(state: S, previous: S) => void>} */
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      const previous = state;
      const changes = typeof patch === "function" ? patch(state) : patch;
      state = { ...state, ...changes };
      for (const listener of [...listeners]) listener(state, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
