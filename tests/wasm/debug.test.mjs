// The debug variant of the WebAssembly build (scripts/build-wasm --debug:
// build/wasm-debug/, -O0 with assertions) loads in Node.js and answers exactly as
// the release build does: the same scenario reports and the same canonical
// results for a check, a query, a simulation and an analysis. Skipped when it is not built.
// Run: node --test tests/wasm/
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { EXAMPLE, NOW, ROOT, loadApi, missingBuild, scenarioBundles, scenarioFiles } from "./support.mjs";

const DEBUG_API = path.join(ROOT, "build", "wasm-debug", "rolegate.mjs");
const skip = missingBuild("wasm") || (fs.existsSync(DEBUG_API) ? false : "build/wasm-debug/ is not built (scripts/build-wasm --debug)");

test("the debug build answers as the release build", { skip }, async () => {
  const debug = await import(pathToFileURL(DEBUG_API).href);
  const release = await loadApi();
  const text = fs.readFileSync(EXAMPLE, "utf8");

  assert.deepEqual(await debug.validate(text), await release.validate(text));
  const d = await debug.createEngine(text);
  const r = await release.createEngine(text);
  assert.equal(d.ok, true);
  assert.equal(d.revision, r.revision);
  const request = { actor: "m-uma", action: "billing.pay", resource: "acc-1001", now: NOW };
  assert.deepEqual(d.check(request), r.check(request));
  assert.equal(d.effect("m-uma", "billing.pay", "acc-1001", NOW), "allow");
  assert.deepEqual(d.effects([["m-uma", "billing.tag_services", "acc-1001"]], NOW), ["deny"]);
  assert.deepEqual(d.whoCan("billing.pay", "acc-1001", NOW), r.whoCan("billing.pay", "acc-1001", NOW));
  const change = {
    format: "rolegate-changeset/1", baseRevision: r.revision, actor: "m-olivia", now: NOW,
    operations: [{ op: "block", member: "m-uma" }],
  };
  assert.deepEqual(d.simulate(change), r.simulate(change));
  assert.deepEqual(d.analyze(), r.analyze());
  assert.equal(r.analyze().findings.length, 4);
  // Errors come back as values in the debug build too, with assertions on.
  assert.deepEqual(await debug.validate("{"), await release.validate("{"));
  d.close();
  r.close();

  // A few scenario files, whole: the same reports.
  for (const file of scenarioFiles().filter((f) => f.includes(`${path.sep}changes${path.sep}`)).slice(0, 3)) {
    const scenario = fs.readFileSync(file);
    const bundles = scenarioBundles(file, JSON.parse(scenario.toString("utf8")));
    const want = await release.runScenario(scenario, bundles);
    assert.equal(want.passed, true, path.relative(ROOT, file));
    assert.deepEqual(await debug.runScenario(scenario, bundles), want, path.relative(ROOT, file));
  }
});
