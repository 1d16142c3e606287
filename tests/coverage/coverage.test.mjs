// Seed rule coverage (tests/coverage/coverage.mjs): every rule sentence listed in
// tests/coverage/rules/ has at least one scenario case quoting it, every such case
// passes (run by the native CLI), every case that names a seed quotes one of its
// listed rules, and tests/scenarios/COVERAGE.md is the table the rules and cases
// make today. When the seed documents are at hand (ROLEGATE_SEEDS, or ../shared/seeds
// beside the checkout), each listed sentence must also appear in its seed verbatim
// and every seed must have a rules file.
// Run: node --test tests/coverage/
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, SCENARIOS_DIR, TABLE, coverage, normalize, quotingCases, readRules, renderTable } from "./coverage.mjs";

const NATIVE = path.join(ROOT, "build", "native", "rolegate");
const SEEDS = process.env.ROLEGATE_SEEDS ?? path.resolve(ROOT, "..", "shared", "seeds");
const haveSeeds = fs.existsSync(SEEDS) && fs.readdirSync(SEEDS).some((f) => f.endsWith(".txt"));

const rulesFiles = readRules();
const cases = quotingCases();
const result = coverage(rulesFiles, cases);

test("rules files are well formed", () => {
  assert.ok(rulesFiles.length > 0, "no rules files in tests/coverage/rules/");
  const seeds = new Set();
  for (const r of rulesFiles) {
    const name = path.basename(r.file);
    assert.equal(typeof r.seed, "string", `${name}: seed`);
    assert.equal(name, r.seed.replace(/\.txt$/, ".json"), `${name}: named after its seed`);
    assert.ok(!seeds.has(r.seed), `${r.seed} has two rules files`);
    seeds.add(r.seed);
    assert.equal(typeof r.system, "string", `${name}: system`);
    assert.ok(Array.isArray(r.rules) && r.rules.length > 0, `${name}: rules`);
    const ids = new Set();
    const sentences = new Set();
    for (const [i, rule] of r.rules.entries()) {
      assert.match(rule.id ?? "", /^[a-z0-9]+(-[a-z0-9]+)*$/, `${name} rule ${i}: id is kebab-case`);
      assert.ok(!ids.has(rule.id), `${name}: rule id ${rule.id} twice`);
      ids.add(rule.id);
      assert.ok(typeof rule.sentence === "string" && normalize(rule.sentence).length > 0, `${name} ${rule.id}: sentence`);
      const s = normalize(rule.sentence);
      assert.ok(!sentences.has(s), `${name} ${rule.id}: sentence listed twice`);
      sentences.add(s);
      const extra = Object.keys(rule).filter((k) => !["id", "sentence", "note"].includes(k));
      assert.deepEqual(extra, [], `${name} ${rule.id}: unknown fields`);
    }
  }
});

test("every listed sentence is in its seed, and every seed has a rules file", { skip: haveSeeds ? false : `seed documents not found at ${SEEDS} (set ROLEGATE_SEEDS)` }, () => {
  const present = fs.readdirSync(SEEDS).filter((f) => f.endsWith(".txt")).sort();
  const listed = rulesFiles.map((r) => r.seed).sort();
  assert.deepEqual(listed, present, "one rules file per seed document");
  const missing = [];
  for (const r of rulesFiles) {
    const text = normalize(fs.readFileSync(path.join(SEEDS, r.seed), "utf8"));
    for (const rule of r.rules) {
      if (!text.includes(normalize(rule.sentence))) missing.push(`${r.seed} ${rule.id}: "${normalize(rule.sentence)}"`);
    }
  }
  assert.deepEqual(missing, [], `sentences not found verbatim in their seed:\n  ${missing.join("\n  ")}`);
});

test("every case that names a seed quotes one of its listed rules", () => {
  const strays = result.strays.map((c) => `${c.file}#${c.id}: seed ${c.seed}, quote "${c.quote === undefined ? "(none)" : normalize(c.quote)}"`);
  assert.deepEqual(strays, [], `cases quoting no listed rule (fix the quote, or list the sentence in tests/coverage/rules/):\n  ${strays.join("\n  ")}`);
});

test("every rule has a case", () => {
  const bare = [];
  for (const s of result.seeds) for (const r of s.rules) if (r.cases.length === 0) bare.push(`${s.seed} ${r.id}: "${normalize(r.sentence)}"`);
  assert.deepEqual(bare, [], `rules without a scenario case:\n  ${bare.join("\n  ")}`);
});

test("every case that covers a rule passes", { skip: fs.existsSync(NATIVE) ? false : `${path.relative(ROOT, NATIVE)} is not built` }, () => {
  const files = [...new Set(cases.map((c) => c.file))];
  const failing = [];
  for (const file of files) {
    const r = spawnSync(NATIVE, ["test", "--format", "json", path.join(SCENARIOS_DIR, file)], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.ok(r.stdout, `${file}: rolegate test printed nothing (${r.stderr})`);
    const [report] = JSON.parse(r.stdout);
    const passed = new Map(report.cases.map((c) => [c.id, c]));
    for (const c of cases.filter((x) => x.file === file)) {
      const got = passed.get(c.id);
      if (!got) failing.push(`${file}#${c.id}: did not run (${report.errors.map((e) => e.code).join(", ")})`);
      else if (!got.passed) failing.push(`${file}#${c.id}: ${got.failures.join("; ")}`);
    }
  }
  assert.deepEqual(failing, [], `failing cases:\n  ${failing.join("\n  ")}`);
});

test("tests/scenarios/COVERAGE.md is current", () => {
  const want = renderTable(result);
  const have = fs.existsSync(TABLE) ? fs.readFileSync(TABLE, "utf8") : "";
  assert.ok(have === want, "COVERAGE.md is stale: run node tests/coverage/coverage.mjs --write");
});
