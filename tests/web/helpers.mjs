// Helpers of the admin app's Node tests: the examples, indexed, with an engine
// from the WebAssembly build (build/wasm, made by scripts/build).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createEngine, operationKinds } from "../../build/wasm/rolegate.mjs";
import { indexBundle } from "../../web/js/logic/bundle-index.js";
import { useEngineKinds } from "../../web/js/ops/index.js";

// What the engine says of each operation kind, as the app learns it when the engine starts.
useEngineKinds((await operationKinds()).kinds);

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const NOW = "2026-12-01T09:00:00Z";

const cache = new Map();

/** An example: its text, bundle, index and a loaded engine. */
export async function example(name) {
  if (!cache.has(name)) {
    const text = readFileSync(path.join(repo, "examples", name, "bundle.json"), "utf8");
    const engine = await createEngine(text);
    if (!engine.ok) throw new Error(`${name}: ${JSON.stringify(engine.errors)}`);
    const bundle = JSON.parse(text);
    cache.set(name, { text, bundle, index: indexBundle(bundle), engine });
  }
  return cache.get(name);
}

/** A file of an example, parsed. */
export function exampleFile(name, file) {
  return JSON.parse(readFileSync(path.join(repo, "examples", name, file), "utf8"));
}

/** A change set on the engine's revision. */
export function changeSet(engine, actor, operations, now = NOW) {
  return { format: "rolegate-changeset/1", baseRevision: engine.revision, actor, now, operations };
}
