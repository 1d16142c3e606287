// Every scenario file under tests/scenarios/ run through the WebAssembly build's
// runScenario (the JS API, build/wasm/rolegate.mjs), the way a browser would: the
// bundle a scenario names by path is read relative to the scenario file and passed
// as {path: text}. Every case must pass; a failure names the failing case ids and
// what differed. Skipped when the wasm build is missing (the native CLI is not
// needed here; parity.test.mjs compares the two).
// Run: node --test tests/wasm/
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, loadApi, missingBuild, scenarioBundles, scenarioFiles } from "./support.mjs";

const skip = missingBuild("wasm");

/** The failing cases of a report, with what differed, one per line. */
function failures(report) {
  const lines = [];
  for (const e of report.errors ?? []) lines.push(`scenario error ${e.code} at ${e.pointer || "(root)"}: ${e.message}`);
  for (const c of report.cases ?? []) {
    if (!c.passed) lines.push(`case ${c.id}: ${c.failures.join("; ")}`);
  }
  return lines;
}

if (skip) {
  test("scenario files through the wasm build", { skip }, () => {});
} else {
  const { runScenario } = await loadApi();
  const files = scenarioFiles();

  test("there are scenario files", () => {
    assert.ok(files.length > 0, "no scenario files under tests/scenarios/");
  });

  for (const file of files) {
    const rel = path.relative(ROOT, file);
    // As bytes, the way the native build reads the file.
    const bytes = fs.readFileSync(file);
    const scenario = JSON.parse(bytes.toString("utf8"));

    test(`${rel}: every case passes in wasm`, async () => {
      const bundles = scenarioBundles(file, scenario);
      if (typeof scenario.bundle === "string") {
        assert.ok(Object.keys(bundles).length === 1, `${rel}: cannot read its bundle ${scenario.bundle}`);
      }
      const report = await runScenario(bytes, bundles);
      if (report.ok === false) {
        const errors = report.errors.map((e) => `${e.code} at ${e.pointer || "(root)"}: ${e.message}`);
        assert.fail(`${rel}: runScenario answered an error before running any case (${scenario.cases?.length ?? 0} cases not run):\n  ${errors.join("\n  ")}`);
      }
      const failed = failures(report);
      assert.deepEqual(failed, [], `${rel} (${report.name ?? "?"}): ${failed.length} failing:\n  ${failed.join("\n  ")}`);
      assert.equal(report.passed, true);
      assert.equal(report.cases.length, (scenario.cases ?? []).length + (scenario.expectBundleErrors ? 1 : 0), `${rel}: every case ran`);
    });

    // The same cases with the bundle inlined in the scenario: shows whether the
    // cases themselves pass in wasm, separately from passing a bundle by path.
    if (typeof scenario.bundle === "string") {
      test(`${rel}: every case passes in wasm with the bundle inlined`, async () => {
        const bundleText = fs.readFileSync(path.join(path.dirname(file), scenario.bundle), "utf8");
        const report = await runScenario({ ...scenario, bundle: JSON.parse(bundleText) });
        const failed = failures(report);
        assert.deepEqual(failed, [], `${rel}: ${failed.length} failing:\n  ${failed.join("\n  ")}`);
        assert.equal(report.cases.length, (scenario.cases ?? []).length);
      });
    }
  }
}
