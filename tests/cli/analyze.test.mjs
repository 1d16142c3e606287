// `rolegate analyze` through the real CLI (build/native/rolegate): exit 0 when no
// finding is an error, 2 when one is, 3 for an invalid bundle or an unreadable
// file; JSON (canonical, sorted findings and a summary) and text (a count line,
// then one line per finding with names from the bundle).
// Skipped when the binary has not been built.
// Run: node --test tests/cli/
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// ROLEGATE_BIN: another build of the CLI (scripts/test runs these under the sanitizers).
const BIN = process.env.ROLEGATE_BIN ? path.resolve(process.env.ROLEGATE_BIN) : path.join(root, "build", "native", "rolegate");
const skip = fs.existsSync(BIN) || process.env.ROLEGATE_BIN ? false : "build/native/rolegate is not built";
const example = (name) => path.join(root, "examples", name, "bundle.json");

function run(args) {
  const r = spawnSync(BIN, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const describe = (r) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

test("analyze: warnings only exit 0; JSON is canonical and sorted", { skip }, () => {
  const r = run(["analyze", "--format", "json", example("bt-business")]);
  assert.equal(r.code, 0, describe(r));
  assert.ok(r.stdout.endsWith("\n") && !r.stdout.slice(0, -1).includes("\n"), "one line");
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.deepEqual(out.summary, { error: 0, warning: 4, info: 0 });
  assert.deepEqual(out.findings.map((f) => f.code), ["escalation_path", "lockout_risk", "lockout_risk", "lockout_risk"]);
  const lockout = out.findings[1];
  assert.equal(lockout.pointer, "/scopeTypes/1");
  assert.deepEqual(lockout.facts, { scopeType: "billing_account", scopes: ["acc-1002", "acc-1004"], members: ["m-hannah", "m-raj"], count: 2 });
  assert.match(lockout.message, /`acc-1002`, `acc-1004`/);
  // Canonical: keys sorted at every level.
  assert.equal(r.stdout.trim(), JSON.stringify(sortKeys(out)));
});

test("analyze: an error finding exits 2, in both formats", { skip }, () => {
  const json = run(["analyze", "--format", "json", example("code-hosting")]);
  assert.equal(json.code, 2, describe(json));
  const out = JSON.parse(json.stdout);
  assert.equal(out.summary.error, 1);
  const unsatisfiable = out.findings.find((f) => f.code === "approval_unsatisfiable");
  assert.deepEqual(unsatisfiable.facts, {
    rule: "repository.delete", quorum: 2, scope: "repo-engine", approvers: ["m-uri"], scopes: ["repo-engine", "repo-site"], count: 2,
  });
  assert.equal(unsatisfiable.severity, "error");
  assert.equal(unsatisfiable.pointer, "/approvalRules/1");

  const text = run(["analyze", example("code-hosting")]);
  assert.equal(text.code, 2, describe(text));
  const lines = text.stdout.trimEnd().split("\n");
  assert.equal(lines[0], `analysis of ${example("code-hosting")}: 7 findings (1 error, 6 warnings, 0 info)`);
  assert.equal(lines.length, 8);
  // Names from the bundle stand beside the ids; ids without a name keep their backticks.
  assert.ok(
    lines.includes("error approval_unsatisfiable /approvalRules/1: rule `repository.delete` needs 2 approvals, but at umbra/engine (repo-engine) only Uri Ben-David (m-uri) could ever approve (2 scopes fall short)"),
    text.stdout,
  );
});

test("analyze: text with no findings, and text is the default format", { skip }, () => {
  const r = run(["analyze", example("account-hub")]);
  assert.equal(r.code, 0, describe(r));
  assert.equal(r.stdout, `analysis of ${example("account-hub")}: no findings\n`);
  const warnings = run(["analyze", example("bt-business")]);
  assert.equal(warnings.code, 0, describe(warnings));
  assert.match(warnings.stdout, /^warning escalation_path \/roles\/5: holders of User & admin \(voice\.user_admin\) may give themselves Admin \(voice\.admin\)/m);
  assert.match(warnings.stdout, /^warning lockout_risk \/scopeTypes\/1: 2 scopes of type Billing account \(billing_account\) have exactly one active member who can manage roles there \(York shop \(acc-1002\), Exeter shop \(acc-1004\)\)/m);
});

test("analyze: an invalid bundle or an unreadable file exits 3", { skip }, (t) => {
  const invalid = path.join(root, "tests", "data", "invalid", "dozen-mistakes.json");
  const json = run(["analyze", "--format", "json", invalid]);
  assert.equal(json.code, 3, describe(json));
  const out = JSON.parse(json.stdout);
  assert.equal(out.ok, false);
  assert.ok(out.errors.length > 0);

  const text = run(["analyze", invalid]);
  assert.equal(text.code, 3, describe(text));
  assert.equal(text.stdout, "");
  assert.match(text.stderr, /invalid bundle/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-analyze-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const missing = run(["analyze", path.join(dir, "nope.json")]);
  assert.equal(missing.code, 3, describe(missing));
  assert.match(missing.stderr, /cannot read `.*nope\.json`: no such file or directory/);

  const usage = run(["analyze"]);
  assert.equal(usage.code, 3, describe(usage));
});

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}
