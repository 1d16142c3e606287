#!/usr/bin/env node
// The engine's behaviour as a file, to keep a refactor byte for byte:
//
//   node scripts/snapshot.mjs save [FILE]   record every answer (default build/snapshot.jsonl)
//   node scripts/snapshot.mjs diff [FILE]   answer again and list every answer that differs
//
// An answer is the native CLI's exact stdout and exit code for: every scenario case
// (`rolegate test --format json --answers`, per file); every example bundle's
// validation and analysis, each request file checked and explained, each change set
// simulated (JSON and text) and applied (the bundle after, byte for byte, at the change
// set's time); and a generated corpus (tests/wasm/generate.mjs, fixed seeds) of
// bundles, change sets chained on the bundle each leaves (simulated and applied) and
// requests; and every example bundle and two generated ones made wrong in the ways
// MUTATIONS lists (validated). One JSON line per answer: {"key", "exit", "out"},
// sorted by key.
// `diff` exits 1 when an answer differs, is new or is gone, naming each.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBundle, randomChangeSet, randomRequest, bundleInfo } from "../tests/wasm/generate.mjs";
import { Rng } from "../tests/wasm/support.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = process.env.ROLEGATE_BIN ?? path.join(ROOT, "build", "native", "rolegate");
const GENERATED_BUNDLES = 12; // each with a chain of change sets and requests
const CHAIN = 8;
const REQUESTS = 40;
let afterFiles = 0;

let TMP = ""; // the scratch directory, named "<tmp>" in answers (it differs per run)

/** Runs the CLI; returns {exit, out} (stdout as text, file paths made stable). */
function run(args, input) {
  const r = spawnSync(CLI, args, { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { exit: r.status, out: r.stdout.replaceAll(TMP, "<tmp>").replaceAll(ROOT, "<repo>") };
}

/** The sorted answers. */
function answer() {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build it first (scripts/build)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-snapshot-"));
  TMP = tmp;
  /** @type {Map<string, {exit: number, out: string}>} */
  const answers = new Map();
  const add = (key, result) => {
    if (answers.has(key)) throw new Error(`two answers for ${key}`);
    answers.set(key, result);
  };
  try {
    // Scenario files, each case with the engine's answer.
    const scenarios = path.join(ROOT, "tests", "scenarios");
    for (const file of walk(scenarios)) {
      add(`scenario ${path.relative(ROOT, file)}`, run(["test", "--format", "json", "--answers", file]));
    }
    // Examples.
    for (const name of fs.readdirSync(path.join(ROOT, "examples")).sort()) {
      const dir = path.join(ROOT, "examples", name);
      const bundle = path.join(dir, "bundle.json");
      if (!fs.existsSync(bundle)) continue;
      add(`example ${name} validate`, run(["validate", "--format", "json", bundle]));
      add(`example ${name} analyze`, run(["analyze", "--format", "json", bundle]));
      for (const file of list(path.join(dir, "requests"))) {
        const base = path.basename(file);
        add(`example ${name} check ${base}`, run(["check", bundle, file]));
        add(`example ${name} explain ${base}`, run(["explain", "--format", "json", bundle, file]));
      }
      for (const file of list(path.join(dir, "changes"))) {
        changeSetAnswers(`example ${name} ${path.basename(file)}`, bundle, file, tmp, add);
      }
      mutatedAnswers(`example ${name}`, JSON.parse(fs.readFileSync(bundle, "utf8")), tmp, add);
    }
    // A generated corpus: bundles, change sets chained on the bundle each leaves, requests.
    for (let i = 0; i < GENERATED_BUNDLES; i++) {
      const rng = new Rng(7000 + i);
      let bundle = randomBundle(rng, { name: `snapshot-${i}` });
      let bundleFile = path.join(tmp, `gen-${i}-0.json`);
      fs.writeFileSync(bundleFile, JSON.stringify(bundle));
      const validation = run(["validate", "--format", "json", bundleFile]);
      add(`generated ${i} validate`, validation);
      if (validation.exit !== 0) continue;
      if (i < 2) mutatedAnswers(`generated ${i}`, bundle, tmp, add);
      const info = bundleInfo(bundle);
      const requests = [];
      // Valid and invalid requests, one a line.
      for (let k = 0; k < REQUESTS; k++) requests.push(randomRequest(rng, info).text.replace(/\n/g, " "));
      const requestFile = path.join(tmp, `gen-${i}-requests.jsonl`);
      fs.writeFileSync(requestFile, requests.join("\n") + "\n");
      add(`generated ${i} check`, run(["check", bundleFile, requestFile]));
      for (let s = 1; s <= CHAIN; s++) {
        const revision = JSON.parse(run(["validate", "--format", "json", bundleFile]).out).revision;
        const cs = randomChangeSet(rng, bundle, revision, `s${i}-${s}`);
        const csFile = path.join(tmp, `gen-${i}-cs-${s}.json`);
        fs.writeFileSync(csFile, JSON.stringify(cs));
        const after = changeSetAnswers(`generated ${i} step ${s}`, bundleFile, csFile, tmp, add);
        if (after) {
          bundleFile = after;
          bundle = JSON.parse(fs.readFileSync(after, "utf8"));
        }
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return new Map([...answers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Ways to make a bundle wrong, or right in an unusual way, aimed at how a bundle is
 * read: its big lists (scopes, members, bindings) element by element, ids that
 * refer to a list later in the text, the revision computed from the content, and
 * errors the parser finds inside a list's elements. Each takes the bundle (a copy
 * to change) and returns it, or text.
 */
const MUTATIONS = {
  "no revision": (b) => (delete b.revision, b),
  "schema, no revision": (b) => (delete b.revision, (b.$schema = "https://example.test/s.json"), b),
  "keys reversed": (b) => (delete b.revision, Object.fromEntries(Object.entries(b).reverse())),
  "members an object": (b) => ((b.members = {}), b),
  "scopes a string": (b) => ((b.scopes = "x"), b),
  "bindings null": (b) => ((b.bindings = null), b),
  "lists empty": (b) => ((b.members = []), (b.bindings = []), (b.scopes = []), b),
  "member not an object": (b) => (b.members?.length && (b.members[b.members.length - 1] = 5), b),
  "member unknown field, bad status, unknown addedTo": (b) => {
    if (b.members?.length) Object.assign(b.members[0], { extra: 1, status: "asleep", addedTo: "nowhere" });
    return b;
  },
  "member id repeated": (b) => (b.members?.length && b.members.push({ ...b.members[0] }), b),
  "member text with escapes and accents": (b) => {
    if (b.members?.length) Object.assign(b.members[0], { name: "Zoë \"Q\"\n\u0001", language: "é" });
    return b;
  },
  "member id invalid": (b) => (b.members?.length > 1 && (b.members[1].id = ""), b),
  "binding without member": (b) => (b.bindings?.length && delete b.bindings[0].member, b),
  "binding unknown role, scope a number": (b) => {
    if (b.bindings?.length) Object.assign(b.bindings[b.bindings.length - 1], { role: "nope", scope: 7 });
    return b;
  },
  "binding repeated": (b) => (b.bindings?.length && b.bindings.push({ ...b.bindings[0] }), b),
  "binding ids repeated": (b) => {
    if (b.bindings?.length > 1) (b.bindings[0].id = "same"), (b.bindings[1].id = "same");
    return b;
  },
  "binding id not a string, repeated": (b) => (b.bindings?.length && b.bindings.push({ ...b.bindings[0], id: 5 }), b),
  "binding not an object": (b) => (b.bindings?.length && b.bindings.splice(1, 0, "x"), b),
  "scope id repeated": (b) => (b.scopes?.length && b.scopes.push({ ...b.scopes[0] }), b),
  "scope parent unknown": (b) => (b.scopes?.length && (b.scopes[b.scopes.length - 1].parent = "zzz"), b),
  "scope parent not a string": (b) => (b.scopes?.length && (b.scopes[0].parent = 3), b),
  "scope parent null": (b) => (b.scopes?.length > 1 && (b.scopes[1].parent = null), b),
  "scope parent removed": (b) => {
    const s = b.scopes?.find((x) => x.parent);
    if (s) delete s.parent;
    return b;
  },
  "scope cycle": (b) => {
    const child = b.scopes?.find((x) => x.parent);
    const parent = child && b.scopes.find((x) => x.id === child.parent);
    if (parent) parent.parent = child.id;
    return b;
  },
  "scope type unknown": (b) => (b.scopes?.length && (b.scopes[0].type = "planet"), b),
  "scope attributes wrong": (b) => (b.scopes?.length && (b.scopes[0].attributes = { a: 1.5, b: [1], c: {} }), b),
  "scope types after scopes, unknown type": (b) => {
    delete b.revision;
    const { scopeTypes, ...rest } = b;
    if (rest.scopes?.length) rest.scopes[0].type = "planet";
    return { ...rest, scopeTypes };
  },
  "a key repeated inside a member": (b) => JSON.stringify(b).replace('"members":[{', '"members":[{"id":"a","id":"b",'),
  "a key repeated inside a later binding": (b) => {
    if (!(b.bindings?.length > 2)) return b;
    b.bindings[2] = { member: "x" };
    return JSON.stringify(b).replace('{"member":"x"}', '{"member":"x","member":"y"}');
  },
  "a string too long in a binding": (b) => (b.bindings?.length > 1 && (b.bindings[1].grantedBy = "g".repeat(5000)), b),
  "nesting too deep in a scope": (b) => {
    let deep = [];
    for (let k = 0; k < 40; k++) deep = [deep];
    if (b.scopes?.length > 1) b.scopes[1].attributes = { deep };
    return b;
  },
  "a syntax error among the bindings": (b) => {
    if (!(b.bindings?.length > 1)) return b;
    b.bindings[1] = { member: "BROKEN" };
    return JSON.stringify(b, null, 1).replace('"member": "BROKEN"', '"member": BROKEN');
  },
  "members twice": (b) => JSON.stringify(b).replace('"members":[', '"members":[],"members":['),
};

/** The validation of each mutation of `bundle`. */
function mutatedAnswers(key, bundle, tmp, add) {
  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    const out = mutate(structuredClone(bundle));
    const file = path.join(tmp, "mutated.json");
    fs.writeFileSync(file, typeof out === "string" ? out : JSON.stringify(out));
    add(`${key} mutated: ${name}`, run(["validate", "--format", "json", file]));
  }
}

/**
 * A change set's answers: its simulation (JSON and text) and, when nothing blocks
 * it, the bundle after it, written by `apply` at the change set's time. Returns the
 * file of the bundle after, or null.
 */
function changeSetAnswers(key, bundle, changeSet, tmp, add) {
  add(`${key} simulate`, run(["simulate", "--format", "json", bundle, changeSet]));
  add(`${key} simulate text`, run(["simulate", "--format", "text", bundle, changeSet]));
  let now = "";
  try {
    now = JSON.parse(fs.readFileSync(changeSet, "utf8")).now ?? "";
  } catch {
    return null;
  }
  if (typeof now !== "string" || !now) return null;
  const out = path.join(tmp, `after-${++afterFiles}.json`);
  const applied = run(["apply", "--format", "json", "--now", now, "--output", out, bundle, changeSet]);
  add(`${key} apply`, applied);
  if (applied.exit !== 0 || !fs.existsSync(out)) return null;
  add(`${key} bundle after`, { exit: 0, out: fs.readFileSync(out, "utf8") });
  return out;
}

function list(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(dir, f)) : [];
}

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.name.endsWith(".json")) out.push(p);
  }
  return out;
}

function read(file) {
  const answers = new Map();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    const { key, exit, out } = JSON.parse(line);
    answers.set(key, { exit, out });
  }
  return answers;
}

const [command = "", fileArg] = process.argv.slice(2);
const file = path.resolve(fileArg ?? path.join(ROOT, "build", "snapshot.jsonl"));
if (command === "save") {
  const answers = answer();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmpFile = `${file}.tmp`;
  fs.writeFileSync(tmpFile, [...answers].map(([key, a]) => JSON.stringify({ key, exit: a.exit, out: a.out })).join("\n") + "\n");
  fs.renameSync(tmpFile, file);
  console.log(`snapshot: ${answers.size} answers saved to ${path.relative(process.cwd(), file)}`);
} else if (command === "diff") {
  if (!fs.existsSync(file)) {
    console.error(`snapshot: no ${file}: save one first (node scripts/snapshot.mjs save)`);
    process.exit(2);
  }
  const before = read(file);
  const now = answer();
  const differ = [];
  for (const [key, a] of now) {
    const b = before.get(key);
    if (!b) differ.push(`new: ${key}`);
    else if (b.exit !== a.exit || b.out !== a.out) differ.push(`differs: ${key}${b.exit !== a.exit ? ` (exit ${b.exit} -> ${a.exit})` : ""}`);
  }
  for (const key of before.keys()) if (!now.has(key)) differ.push(`gone: ${key}`);
  if (differ.length) {
    console.log(differ.join("\n"));
    console.log(`snapshot: ${differ.length} of ${now.size} answers differ from ${path.relative(process.cwd(), file)}`);
    process.exit(1);
  }
  console.log(`snapshot: all ${now.size} answers are byte for byte the same`);
} else {
  console.error("usage: node scripts/snapshot.mjs save|diff [FILE]");
  process.exit(2);
}
