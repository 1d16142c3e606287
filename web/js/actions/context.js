// @ts-check
// What the app's actions share: the context they run in (the store, the page's
// parameters, kept settings), the state recomputed from what they change (the
// members the actor sees, the change previewed), and the files fetched.
import { buildChangeSet } from "../logic/changeset.js";
import { visibleTo } from "../logic/queries.js";

/**
 * @typedef {import("../state/app-state.js").AppState} AppState
 * @typedef {import("../logic/params.js").Params} Params
 * @typedef {{
 *   store: import("../logic/store.js").Store<AppState>,
 *   get: () => AppState,
 *   params: Params,
 *   storage: Storage | null,
 *   onUrlChange: ((state: AppState) => void) | undefined,
 *   loads: { first: boolean, token: number },
 *   connection: { goOffline: () => void } | null,
 * }} AppContext
 *   (`loads`: whether no bundle was loaded yet, and the number of the latest load,
 *   so that an older one finishing late is dropped; `connection`: connected mode's actions)
 */

/** Tells the page its address may change (the tab, the actor…). @param {AppContext} c */
export function urlChanged(c) {
  c.onUrlChange?.(c.get());
}

/** Recomputes what depends on the bundle, the actor and the time. @param {AppContext} c */
export function refreshVisible(c) {
  const { engine, index, actor, now } = c.get();
  if (!engine || !index) return;
  c.store.set({ visible: visibleTo(engine, index, actor, now) });
}

/** Simulates the change being built; the preview reads the result. @param {AppContext} c */
export function simulate(c) {
  const { engine, actor, now, draft } = c.get();
  if (!engine) {
    c.store.set({ simulation: null, changeSet: null });
    return;
  }
  const changeSet = buildChangeSet({ revision: engine.revision, actor, now, operations: draft.present });
  const simulation = engine.simulate(changeSet);
  c.store.set({ changeSet, simulation, submission: { status: "idle" } });
}

/**
 * The change moved under an operation being edited (undo, a removal…): the edit
 * is given up and the form starts afresh.
 * @param {AppContext} c
 * @returns {Partial<AppState>}
 */
export function stopEditing(c) {
  return c.get().editing === null ? {} : { editing: null, builderPrefill: null, builderEpoch: c.get().builderEpoch + 1 };
}

/** @param {AppContext} c @param {string} message */
export function fail(c, message) {
  c.store.set({ phase: "failed", message });
}

/**
 * A file's bytes, as served: the engine reads them as the native build reads a
 * file, so bytes that are not UTF-8 are refused rather than mended.
 * @param {string} url
 */
export async function fetchBytes(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

// For showing bytes: what is not UTF-8 shows as U+FFFD (the engine has refused it).
const decoder = new TextDecoder();

/** @param {string | Uint8Array} contents */
export const asText = (contents) => (typeof contents === "string" ? contents : decoder.decode(contents));

/** The example's own files, read by the app itself (its index, change sets, requests). @param {string} url */
export const fetchText = async (url) => asText(await fetchBytes(url));
