// The bad-input catalogue's machinery (not a test file itself): reading
// catalogue.json, materialising generated cases, and getting one case's answer in
// the three ways the runner compares (run.test.mjs) and show.mjs prints:
//
//   cli   the native CLI (ROLEGATE_BIN, else build/native/rolegate): its stdout as
//         bytes, its exit code and its stderr;
//   lib   the C++ library without the CLI (rolegate_bad_input, beside the CLI
//         binary; tests/bad-input/native.cc): the canonical text it prints, all
//         cases in one process;
//   core  the raw WebAssembly module (build/wasm/rolegate_core.mjs): the canonical
//         text it returns;
//   api   the JavaScript API (build/wasm/rolegate.mjs): the object it returns.
//
// Every document crosses as the file's bytes (a Buffer): never decoded to a JS
// string first, so invalid UTF-8 reaches each build exactly as it is on disk.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GENERATORS } from "./generate.mjs";

export const DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(DIR, "..", "..");
export const BIN = process.env.ROLEGATE_BIN
  ? path.resolve(process.env.ROLEGATE_BIN)
  : path.join(ROOT, "build", "native", "rolegate");
export const CATALOGUE = path.join(DIR, "catalogue.json");
export const LIB_BIN = path.join(path.dirname(BIN), "rolegate_bad_input");

export const KINDS = ["bundle", "request", "query", "changeset", "preview", "chain", "scenario"];
// The inputs a case may name besides its own document, and their defaults.
const DEFAULTS = { bundle: "base/bundle.json", changeSet: "base/changeset.json" };
// The CLI subcommand of each query kind, and the field its first argument comes from.
export const QUERY_CLI = {
  whatCan: ["what-can", "member"],
  whoCan: ["who-can", "action"],
  visibleMembers: ["visible", "actor"],
};

/**
 * The catalogue's cases, each with `path` (the document under test: the committed
 * file, or a generated one written under `tmp`) and the absolute paths of the other
 * inputs it needs.
 */
export function loadCases(tmp) {
  const catalogue = JSON.parse(fs.readFileSync(CATALOGUE, "utf8"));
  return catalogue.cases.map((c) => {
    const out = { ...c };
    if (c.generate) {
      const make = GENERATORS[c.generate];
      if (!make) throw new Error(`${c.generate}: no such generator in generate.mjs`);
      out.name = `generated/${c.generate}`;
      out.path = path.join(tmp, `${c.generate}.${c.ext ?? "json"}`);
      fs.writeFileSync(out.path, make());
    } else {
      out.name = c.file.replace(/^cases\//, "").replace(/\.(json|bin)$/, "");
      out.path = path.join(DIR, c.file);
    }
    if (["request", "query", "changeset", "preview", "chain"].includes(c.kind)) {
      out.bundlePath = path.join(DIR, c.bundle ?? DEFAULTS.bundle);
    }
    if (c.kind === "preview") out.changeSetPath = path.join(DIR, c.changeSet ?? DEFAULTS.changeSet);
    return out;
  });
}

// ---------------------------------------------------------------------------
// The native CLI.

/** Runs the CLI: a promise of {code, stdout (a Buffer), stderr (a string)}. */
export function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = execFile(BIN, args, { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? error.code : 0, stdout, stderr: stderr.toString("utf8") });
    });
    child.stdin.on("error", () => {});
    child.stdin.end();
  });
}

/** The query document of a query case, read as the CLI takes it: two string arguments. */
export function queryArgs(c) {
  const query = JSON.parse(fs.readFileSync(c.path, "utf8"));
  const [, first] = QUERY_CLI[c.query];
  return [query[first], query.scope];
}

/** The CLI arguments that answer a case. */
export function cliArgs(c) {
  switch (c.kind) {
    case "bundle": return ["validate", "--format", "json", c.path];
    case "request": return ["check", c.bundlePath, c.path];
    case "query": return [QUERY_CLI[c.query][0], c.bundlePath, ...queryArgs(c)];
    case "changeset": return ["simulate", c.bundlePath, c.path];
    case "preview": return ["verify", c.bundlePath, c.changeSetPath, c.path];
    case "chain": return ["verify-chain", c.bundlePath, c.path];
    case "scenario": return ["test", "--format", "json", c.path];
  }
  throw new Error(`unknown kind ${c.kind}`);
}

/** The CLI's answer: {args, code, text (stdout without its final newline, as bytes), stderr}. */
export async function cliAnswer(c) {
  const args = cliArgs(c);
  const r = await runCli(args);
  let text = r.stdout;
  if (text.length > 0 && text[text.length - 1] === 0x0a) text = text.subarray(0, text.length - 1);
  return { args, code: r.code, text, stderr: r.stderr };
}

// ---------------------------------------------------------------------------
// The C++ library.

/**
 * The library's answers to `cases`, in order: a promise of an array of texts as
 * bytes (for a JSON Lines request file, the JSON array of its lines' answers), from one
 * run of rolegate_bad_input over a jobs file written in `tmp`.
 */
export function libAnswers(cases, tmp) {
  const jobs = cases.map((c) => ({
    kind: c.kind,
    path: c.path,
    bundle: c.bundlePath ?? "",
    changeSet: c.changeSetPath ?? "",
    query: c.query ?? "",
    jsonLines: c.jsonLines === true,
  }));
  const file = path.join(tmp, "jobs.json");
  fs.writeFileSync(file, JSON.stringify(jobs));
  return new Promise((resolve, reject) => {
    execFile(LIB_BIN, [file], { encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${LIB_BIN} failed (${error.code ?? error.signal}): ${stderr.toString("utf8")}`));
      if (stderr.length > 0) return reject(new Error(`${LIB_BIN} wrote to stderr: ${stderr.toString("utf8")}`));
      const lines = [];
      for (let start = 0; start < stdout.length; ) {
        let end = stdout.indexOf(0x0a, start);
        if (end < 0) end = stdout.length;
        lines.push(stdout.subarray(start, end));
        start = end + 1;
      }
      if (stdout[stdout.length - 1] !== 0x0a || lines.length !== cases.length) {
        return reject(new Error(`${LIB_BIN}: ${lines.length} answers for ${cases.length} cases`));
      }
      resolve(lines);
    });
  });
}

// ---------------------------------------------------------------------------
// Canonical JSON in JavaScript, to compare and show the JS API's answers (objects):
// keys in UTF-8 byte order, no whitespace, strings escaped as the engine escapes
// them.

function compareKeys(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function canonical(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort(compareKeys);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
}

// ---------------------------------------------------------------------------
// The raw WebAssembly module.

let corePromise = null;
export function loadCore() {
  corePromise ??= import(pathToFileURL(path.join(ROOT, "build", "wasm", "rolegate_core.mjs")).href).then(({ default: create }) =>
    create({ wasmBinary: fs.readFileSync(path.join(ROOT, "build", "wasm", "rolegate_core.wasm")) }),
  );
  return corePromise;
}

const bytesOf = (file) => fs.readFileSync(file);

/**
 * The requests of a JSON Lines file as `rolegate check` reads them
 * (engine/cli/cmd_check.cc, SplitRequests): each line that is not blank (spaces,
 * tabs and carriage returns only), as bytes, with its 1-based number in the file.
 */
export function jsonLines(bytes) {
  const out = [];
  let number = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    number++;
    const line = bytes.subarray(start, end);
    if (line.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d)) out.push({ number, bytes: line });
    start = end + 1;
  }
  return out;
}

/**
 * A line of `rolegate check`'s JSON Lines output with its input framing undone: a
 * parse_error names the line of the file (the only thing the CLI knows that a
 * module given one line alone does not), put back to line 1, as
 * tests/wasm/parity.test.mjs does.
 */
export function unframe(lineText, number) {
  return lineText.replaceAll(`invalid json at line ${number}, column`, "invalid json at line 1, column");
}

/**
 * The bundle a scenario names by path, as the JS API takes it: {path: bytes} (the
 * path found with JSON.parse; a file the engine cannot read as JSON fails before its
 * bundle is looked at, whatever is passed).
 */
export function scenarioBundles(c) {
  let scenario;
  try {
    scenario = JSON.parse(fs.readFileSync(c.path, "utf8").replace(/^\uFEFF/, ""));
  } catch {
    return {};
  }
  if (scenario === null || typeof scenario !== "object" || typeof scenario.bundle !== "string") return {};
  const p = path.join(path.dirname(c.path), scenario.bundle);
  return fs.existsSync(p) && fs.statSync(p).isFile() ? { [scenario.bundle]: bytesOf(p) } : {};
}

/** The raw module's answer: a promise of its canonical text. */
export async function coreAnswer(core, c) {
  const doc = bytesOf(c.path);
  if (c.kind === "bundle") return core.validate(doc);
  if (c.kind === "scenario") {
    const index = [];
    const parts = [];
    for (const [file, bytes] of Object.entries(scenarioBundles(c))) {
      index.push([file, bytes.length]);
      parts.push(bytes);
    }
    // `rolegate test --format json` prints an array of reports, one per file.
    return `[${core.runScenario(doc, JSON.stringify(index), new Uint8Array(Buffer.concat(parts)))}]`;
  }
  const loaded = JSON.parse(core.load(bytesOf(c.bundlePath)));
  if (!loaded.ok) throw new Error(`${c.name}: its bundle ${c.bundlePath} does not load in wasm`);
  const h = loaded.handle;
  try {
    switch (c.kind) {
      // JSON Lines: one answer per request line, each line passed alone.
      case "request": return c.jsonLines ? jsonLines(doc).map((l) => core.check(h, l.bytes)) : core.check(h, doc);
      case "query": return core[c.query](h, doc);
      case "changeset": return core.simulate(h, doc, false);
      case "preview": return core.verify(h, bytesOf(c.changeSetPath), doc);
      case "chain": return core.verifyChain(h, doc);
    }
  } finally {
    core.release(h);
  }
  throw new Error(`unknown kind ${c.kind}`);
}

// ---------------------------------------------------------------------------
// The JavaScript API.

let apiPromise = null;
export function loadApi() {
  apiPromise ??= import(pathToFileURL(path.join(ROOT, "build", "wasm", "rolegate.mjs")).href);
  return apiPromise;
}

/** The JS API's answer: the object it returns. */
export async function apiAnswer(api, c) {
  const doc = bytesOf(c.path);
  if (c.kind === "bundle") return api.validate(doc);
  if (c.kind === "scenario") return [await api.runScenario(doc, scenarioBundles(c))];
  const engine = await api.createEngine(bytesOf(c.bundlePath));
  if (!engine.ok) throw new Error(`${c.name}: its bundle ${c.bundlePath} does not load through the JS API`);
  try {
    switch (c.kind) {
      case "request": return c.jsonLines ? jsonLines(doc).map((l) => engine.check(l.bytes)) : engine.check(doc);
      // A query document given whole (as bytes) is passed to the module as it is.
      case "query": return engine[c.query](doc);
      case "changeset": return engine.simulate(doc);
      case "preview": return engine.verify(bytesOf(c.changeSetPath), doc);
      case "chain": return engine.verifyChain(doc);
    }
  } finally {
    engine.close();
  }
  throw new Error(`unknown kind ${c.kind}`);
}

// ---------------------------------------------------------------------------
// What an answer carries, for comparison with a case's `expect`.

/**
 * The {code, pointer} list of an answer: its errors (a scenario report's errors for
 * a scenario), in order; [] for an answer without errors.
 */
export function errorsOf(kind, answer) {
  if (kind === "scenario") {
    if (!Array.isArray(answer) || answer.length !== 1) throw new Error(`a scenario answer is an array of one report, not ${canonical(answer)}`);
    return (answer[0].errors ?? []).map(({ code, pointer }) => ({ code, pointer }));
  }
  if (answer && answer.ok === false) return answer.errors.map(({ code, pointer }) => ({ code, pointer }));
  return [];
}

/** "line L, column C" of a parse_error's message, as [L, C], or null. */
export function parseAt(message) {
  const m = /^invalid json at line (\d+), column (\d+)/.exec(message ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** A temporary directory for generated cases. */
export function tempDir(prefix = "rolegate-bad-input-") {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
