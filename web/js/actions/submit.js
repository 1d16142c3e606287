// @ts-check
// Submitting the change to a backend of the page's choosing (offline mode): the
// backend's verdict compared with the preview.
import { chainSteps } from "../logic/chain.js";
import { loadEngineModule } from "../engine.js";
import { compareVerdict } from "../logic/compare.js";

/** @typedef {import("./context.js").AppContext} AppContext */

/** @param {AppContext} c @param {string} url */
export function setBackendUrl(c, url) {
  const trimmed = url.trim();
  c.store.set({ backendUrl: trimmed });
  if (c.storage) {
    if (trimmed) c.storage.setItem("rolegate.backendUrl", trimmed);
    else c.storage.removeItem("rolegate.backendUrl");
  }
}

/** @param {string} url @param {unknown} submitted @returns {Promise<unknown>} the backend's answer */
async function post(url, submitted) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(submitted),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the backend answered ${response.status} with something that is not JSON`);
  }
}

/** POSTs {changeSet, preview} to the backend and compares its verdict with the preview. @param {AppContext} c */
export async function submit(c) {
  const { store, get } = c;
  const { backendUrl, changeSet, simulation } = get();
  if (!backendUrl || !changeSet || !simulation?.ok) return;
  const { chain } = get();
  /** @type {Record<string, unknown>} */
  const submitted = { changeSet, preview: simulation };
  if (chain.length) submitted.chain = chainSteps(chain, changeSet, simulation);
  store.set({ submission: { status: "sending", url: backendUrl } });
  try {
    const answer = await post(backendUrl, submitted);
    const comparison = await compareVerdict(answer, simulation, await loadEngineModule());
    if (get().changeSet !== changeSet) return; // the change moved on meanwhile
    store.set({ submission: { status: "done", url: backendUrl, answer, comparison, submitted } });
  } catch (error) {
    store.set({ submission: { status: "failed", url: backendUrl, error: /** @type {Error} */ (error).message } });
  }
}
