// `rolegate verify-chain BUNDLE CHAIN`: a what-if chain (rolegate-changechain/1,
// as the admin app downloads it) verified step by step, each step on the bundle
// the step before leaves as the CLI recomputes it: a match exits 0; a tampered
// preview exits 2 with a pointer into the file; a file that is not a chain of
// steps exits 3. Skipped when build/native/rolegate has not been built.
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
const BT = path.join(root, "examples", "bt-business");

const run = (args, input) => spawnSync(BIN, args, { encoding: "utf8", input });

/** The BT example's two-step chain: a self-upgrade asked for, then completed. */
function chain(dir) {
  const cs0File = path.join(BT, "changes", "self-upgrade-with-pin.json");
  const cs0 = JSON.parse(fs.readFileSync(cs0File, "utf8"));
  const full0 = JSON.parse(run(["simulate", "--bundle-after", path.join(BT, "bundle.json"), cs0File]).stdout);
  const preview0 = JSON.parse(run(["simulate", path.join(BT, "bundle.json"), cs0File]).stdout);
  fs.writeFileSync(path.join(dir, "after.json"), JSON.stringify(full0.bundleAfter));
  const cs1 = { ...cs0, baseRevision: full0.revisionAfter, operations: [{ op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003" }] };
  fs.writeFileSync(path.join(dir, "cs1.json"), JSON.stringify(cs1));
  const preview1 = JSON.parse(run(["simulate", path.join(dir, "after.json"), path.join(dir, "cs1.json")]).stdout);
  return { format: "rolegate-changechain/1", baseRevision: cs0.baseRevision, steps: [{ changeSet: cs0, preview: preview0 }, { changeSet: cs1, preview: preview1 }] };
}

test("a chain verifies step by step; a tampered step is found; a non-chain is invalid", { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-chain-"));
  try {
    const doc = chain(dir);
    const file = path.join(dir, "chain.json");
    fs.writeFileSync(file, JSON.stringify(doc));
    const ok = run(["verify-chain", path.join(BT, "bundle.json"), file]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const verdict = JSON.parse(ok.stdout);
    assert.equal(verdict.match, true);
    assert.equal(verdict.steps.length, 2);
    assert.equal(verdict.revision, doc.steps[1].changeSet.baseRevision);
    assert.equal(run(["verify-chain", "--format", "text", path.join(BT, "bundle.json"), file]).stdout.trim(), "match");

    doc.steps[1].preview.operations[0].effect = "deny";
    fs.writeFileSync(file, JSON.stringify(doc));
    const tampered = run(["verify-chain", path.join(BT, "bundle.json"), "-"], JSON.stringify(doc));
    assert.equal(tampered.status, 2);
    assert.deepEqual(JSON.parse(tampered.stdout).differences.map((d) => d.pointer), ["/steps/1/preview/operations/0/effect"]);

    // Step 1 alone is not built on the bundle: its base revision is stale.
    const skipped = run(["verify-chain", path.join(BT, "bundle.json"), "-"], JSON.stringify({ ...doc, steps: [doc.steps[1]] }));
    assert.equal(skipped.status, 3);
    assert.deepEqual(JSON.parse(skipped.stdout).errors.map((e) => [e.code, e.pointer]), [["stale_revision", "/steps/0/changeSet/baseRevision"]]);

    const changeSetsOnly = run(["verify-chain", path.join(BT, "bundle.json"), "-"], JSON.stringify({ format: "rolegate-changechain/1", changeSets: doc.steps.map((s) => s.changeSet) }));
    assert.equal(changeSetsOnly.status, 3);
    assert.equal(JSON.parse(changeSetsOnly.stdout).errors[0].code, "missing_field");
    const notChain = run(["verify-chain", path.join(BT, "bundle.json"), path.join(BT, "changes", "self-upgrade-with-pin.json")]);
    assert.equal(notChain.status, 3);
    assert.equal(JSON.parse(notChain.stdout).errors[0].code, "unsupported_format");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
