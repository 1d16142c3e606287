// @ts-check
// Loads the WebAssembly engine (engine/rolegate.mjs beside the app, put there by
// scripts/build-web) once. Its types are those of wasm/rolegate.d.ts.
import { useEngineKinds } from "./ops/index.js";

/** @typedef {typeof import("../../wasm/rolegate.js")} EngineModule */

/** @type {Promise<EngineModule> | null} */
let loading = null;

/** The engine's JavaScript module, imported once. @returns {Promise<EngineModule>} */
export function loadEngineModule() {
  if (loading === null) {
    const url = new URL("../engine/rolegate.mjs", import.meta.url).href;
    loading = /** @type {Promise<EngineModule>} */ (import(url));
  }
  return loading;
}

/**
 * Starts the WebAssembly module (the first validation instantiates it), so the
 * loading state covers the engine's start.
 */
export async function startEngine() {
  const module = await loadEngineModule();
  await module.validate("{}");
  useEngineKinds((await module.operationKinds()).kinds);
  return module;
}
