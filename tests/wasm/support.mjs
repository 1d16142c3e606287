// Shared helpers of the WebAssembly tests (not a test file itself): where the
// builds are, why a test file must be skipped, the raw Emscripten module (whose
// functions return canonical JSON text, for byte comparisons), the native CLI, and a
// small deterministic random generator.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const WASM_DIR = path.join(ROOT, "build", "wasm");
export const WASM_API = path.join(WASM_DIR, "rolegate.mjs");
export const WASM_CORE_JS = path.join(WASM_DIR, "rolegate_core.mjs");
export const WASM_CORE = path.join(WASM_DIR, "rolegate_core.wasm");
export const NATIVE = path.join(ROOT, "build", "native", "rolegate");
export const EXAMPLE = path.join(ROOT, "examples", "bt-business", "bundle.json");
export const SCENARIOS = path.join(ROOT, "tests", "scenarios");
export const NOW = "2026-12-01T09:00:00Z";

const rel = (p) => path.relative(ROOT, p);

/** Why the tests needing `what` ("wasm", "native") cannot run, or null when they can. */
export function missingBuild(...what) {
  const missing = [];
  if (what.includes("wasm")) {
    for (const p of [WASM_API, WASM_CORE_JS, WASM_CORE]) if (!fs.existsSync(p)) missing.push(rel(p));
  }
  if (what.includes("native") && !fs.existsSync(NATIVE)) missing.push(rel(NATIVE));
  if (missing.length === 0) return null;
  return `not built: ${missing.join(", ")} missing (build with scripts/build and scripts/build-wasm)`;
}

/** The ES-module API (build/wasm/rolegate.mjs). */
export async function loadApi() {
  return import(pathToFileURL(WASM_API).href);
}

let corePromise = null;
/** The raw Emscripten module: load/check/... return canonical JSON text. */
export function loadCore() {
  corePromise ??= import(pathToFileURL(WASM_CORE_JS).href).then(({ default: create }) =>
    create({ wasmBinary: fs.readFileSync(WASM_CORE) }),
  );
  return corePromise;
}

const BIG = 512 * 1024 * 1024;

/** Runs the native CLI synchronously: {code, stdout, stderr}. */
export function native(args, input) {
  const r = spawnSync(NATIVE, args, { encoding: "utf8", input, maxBuffer: BIG });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the native CLI without blocking: a promise of {code, stdout, stderr}. */
export function nativeAsync(args, input) {
  return new Promise((resolve, reject) => {
    const child = execFile(NATIVE, args, { encoding: "utf8", maxBuffer: BIG }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // a process that exits early must not crash the test
    child.stdin.end(input ?? "");
  });
}

/** Runs `tasks` (functions returning promises) at most `limit` at a time, in order of start. */
export async function pool(tasks, limit = 2) {
  const results = new Array(tasks.length);
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A temporary directory, removed by `t.after`. */
export function tempDir(t, prefix = "rolegate-wasm-") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every *.json under `dir`, sorted as `rolegate test` sorts them. */
export function scenarioFiles(dir = SCENARIOS) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".json")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** {path: text} for the bundle a scenario names by path, relative to the scenario file. */
export function scenarioBundles(file, scenario) {
  if (typeof scenario.bundle !== "string") return {};
  const p = path.join(path.dirname(file), scenario.bundle);
  return fs.existsSync(p) ? { [scenario.bundle]: fs.readFileSync(p) } : {};
}

/**
 * The raw module's runScenario, called as the JS API calls it: the scenario as
 * given, and the bundle files as bytes one after another with an index of their
 * paths and lengths.
 */
export function coreRunScenario(core, scenario, bundles = {}) {
  const index = [];
  const parts = [];
  for (const [file, contents] of Object.entries(bundles)) {
    const bytes = typeof contents === "string" ? Buffer.from(contents, "utf8") : contents;
    index.push([file, bytes.length]);
    parts.push(bytes);
  }
  return core.runScenario(scenario, JSON.stringify(index), new Uint8Array(Buffer.concat(parts)));
}

/** At most `n` characters of `s`, for failure messages. */
export function clip(s, n = 2000) {
  s = String(s);
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length} chars)`;
}

/**
 * A small deterministic generator: a 32-bit linear congruential generator
 * (Numerical Recipes constants), the high bits mixed down.
 */
export class Rng {
  constructor(seed) {
    this.s = seed >>> 0;
  }
  next() {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return (this.s ^ (this.s >>> 16)) >>> 0;
  }
  /** An integer in [0, n). */
  int(n) {
    return Math.floor((this.next() / 4294967296) * n);
  }
  /** True with probability p. */
  chance(p) {
    return this.next() / 4294967296 < p;
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  /** A random non-empty subset of `list` (order kept). */
  subset(list, p = 0.5) {
    const out = list.filter(() => this.chance(p));
    return out.length > 0 ? out : [this.pick(list)];
  }
}
