// Every example in examples/ works as its README says: the bundle validates with
// the real CLI, its README's Analysis section explains each finding of `rolegate
// analyze`, each request in requests/ is decided (no error), and each change set
// in changes/ simulates against the bundle as it is now (its baseRevision is the
// bundle's revision, so an edited bundle with stale example change sets fails here).
// Skipped when build/native/rolegate has not been built.
// Run: node --test tests/cli/
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// ROLEGATE_BIN: another build of the CLI (scripts/test runs these under the sanitizers).
const BIN = process.env.ROLEGATE_BIN ? path.resolve(process.env.ROLEGATE_BIN) : path.join(root, "build", "native", "rolegate");
const skip = fs.existsSync(BIN) || process.env.ROLEGATE_BIN ? false : "build/native/rolegate is not built";

function run(args) {
  const r = spawnSync(BIN, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

const jsonFiles = (dir) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(dir, f)) : [];

const examples = fs
  .readdirSync(path.join(root, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test("there are examples", () => {
  assert.ok(examples.length >= 5, `examples: ${examples.join(", ")}`);
});

for (const name of examples) {
  const dir = path.join(root, "examples", name);
  const bundle = path.join(dir, "bundle.json");

  test(`${name}: a README and a valid bundle`, { skip }, () => {
    assert.ok(fs.existsSync(path.join(dir, "README.md")), `${name}/README.md`);
    const r = run(["validate", "--format", "json", bundle]);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true, `${name}: ${r.stdout}`);
  });

  test(`${name}: every example request is decided`, { skip }, () => {
    const requests = jsonFiles(path.join(dir, "requests"));
    assert.ok(requests.length > 0, `${name} has example requests`);
    for (const file of requests) {
      const r = run(["check", "--format", "json", bundle, file]);
      const out = JSON.parse(r.stdout);
      assert.equal(out.ok, true, `${path.relative(root, file)}: ${r.stdout}`);
      assert.ok(["allow", "deny", "conditional"].includes(out.effect));
    }
  });

  test(`${name}: the README's Analysis section names every finding of rolegate analyze`, { skip }, () => {
    const r = run(["analyze", "--format", "json", bundle]);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true, `${name}: ${r.stdout.slice(0, 2000)}`);
    assert.equal(r.status, out.summary.error > 0 ? 2 : 0);
    const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
    const section = readme.split(/^## Analysis$/m)[1]?.split(/^## /m)[0];
    assert.ok(section, `${name}/README.md has an "## Analysis" section`);
    for (const f of out.findings) {
      assert.ok(section.includes(`\`${f.code}\``), `${name}/README.md, Analysis: explain ${f.code} (${f.pointer}): ${f.message}`);
    }
    if (out.findings.length === 0) assert.match(section, /finds nothing/);
  });

  test(`${name}: every example change set simulates against the bundle`, { skip }, () => {
    for (const file of jsonFiles(path.join(dir, "changes"))) {
      const r = run(["simulate", "--format", "json", bundle, file]);
      const out = JSON.parse(r.stdout);
      assert.equal(out.ok, true, `${path.relative(root, file)}: ${r.stdout.slice(0, 2000)}`);
      assert.ok(out.operations.length > 0);
    }
  });
}
