// Byte-for-byte parity of the native build (build/native/rolegate) and the
// WebAssembly build (build/wasm/rolegate_core.{mjs,wasm}, called raw so that its
// canonical JSON text is compared, never a re-serialisation):
//
// 1. every scenario file: its report (`rolegate test --format json`), every check
//    (one `rolegate check BUNDLE -` per bundle, JSON Lines), every query
//    (`what-can`, `who-can`, `visible`) and every change set (`simulate`, with and
//    without `--bundle-after`);
// 2. a generated corpus from a seeded generator (tests/wasm/generate.mjs): valid
//    bundles (the example, variants of it and random ones from scratch) and invalid
//    variants (`validate --format json`); chains of random change sets of every
//    operation kind, valid and invalid, each simulated on the bundle the previous
//    one produced (`simulate --bundle-after`), with `verify` on some and `approval`
//    on the approval requests they record; then more than 100,000 random requests,
//    valid and invalid (one `rolegate check BUNDLE -` per bundle against wasm
//    checkBatch, single checks and the decide fast path), random queries and
//    random member abilities (`abilities`); the open verifications after scenario
//    change sets and half the generated ones (`verifications`);
// 3. `analyze --format json` against wasm analyze on every valid bundle loaded
//    above (scenario bundles, generated ones, a quarter of the bundles after a
//    change set) and on every examples/*/bundle.json.
//
// The first difference fails the test with the input and both outputs. The last
// test prints how much was compared. Skipped when either build is missing.
// Run: node --test tests/wasm/
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  EXAMPLE, NOW, ROOT, Rng, clip, coreRunScenario, loadCore, missingBuild, nativeAsync, pool, scenarioBundles, scenarioFiles,
} from "./support.mjs";
import {
  bundleInfo, extendExample, largeBundle, mutateBundle, randomBundle, randomChangeSet, randomRequest, tinyBundle,
} from "./generate.mjs";

const skip = missingBuild("wasm", "native");

// How much the corpus holds (the issue asks for at least 100,000 requests and 1,000
// change sets).
const REQUESTS_PER_BUNDLE = 12500;
const REQUESTS_PER_DERIVED_BUNDLE = 2000;
const CHAINS = 420; // change-set chains of 1 to 6 steps
const MUTATIONS_PER_BUNDLE = 24;
const QUERIES_PER_BUNDLE = 30;
const ABILITIES_PER_BUNDLE = 30;
const BATCH = 4000; // requests per checkBatch crossing

if (skip) {
  test("native and wasm builds agree byte for byte", { skip }, () => {});
} else {
  const core = await loadCore();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-parity-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const count = {
    requests: 0, changeSets: 0, bundles: 0, queries: 0, verifications: 0, approvals: 0, analyses: 0,
    scenarioReports: 0, fastPath: 0, singleChecks: 0, batches: 0, abilities: 0, abilitiesOffered: 0,
    openVerifications: 0, openVerificationsFound: 0,
  };
  const differences = [];
  const opEffects = {}; // "op:effect" -> n, for the coverage line

  /** Fails, with the input and both outputs, unless the two texts are identical. */
  function same(what, input, nativeText, wasmText) {
    if (nativeText === wasmText) return;
    differences.push(what);
    let at = 0;
    while (at < nativeText.length && nativeText[at] === wasmText[at]) at++;
    assert.fail(
      `parity: ${what}: native and wasm differ (first at character ${at})\n` +
        `input:  ${clip(input)}\n` +
        `native: ${clip(nativeText)}\n` +
        `wasm:   ${clip(wasmText)}\n` +
        `native from the difference: ${clip(nativeText.slice(Math.max(0, at - 80)), 400)}\n` +
        `wasm from the difference:   ${clip(wasmText.slice(Math.max(0, at - 80)), 400)}`,
    );
  }

  const stdoutLine = (r) => r.stdout.replace(/\n$/, "");
  const lines = (r) => {
    const out = r.stdout.split("\n");
    if (out[out.length - 1] === "") out.pop();
    return out;
  };

  let files = 0;
  function writeFile(text, name = "doc") {
    const file = path.join(dir, `${name}-${files++}.json`);
    fs.writeFileSync(file, text);
    return file;
  }

  /**
   * Writes a bundle, compares `validate --format json` with wasm validate, and loads
   * it into the wasm module. Returns {file, text, handle, revision, bundle}; handle is
   * null for an invalid bundle.
   */
  async function loadBoth(text, label) {
    const file = writeFile(text, "bundle");
    const nativeOut = await nativeAsync(["validate", "--format", "json", file]);
    same(`validate ${label}`, text, stdoutLine(nativeOut), core.validate(text));
    count.bundles++;
    const loaded = JSON.parse(core.load(text));
    if (!loaded.ok) return { file, text, handle: null };
    await analyzeBoth(file, loaded.handle, label);
    return { file, text, handle: loaded.handle, revision: loaded.revision, bundle: JSON.parse(text) };
  }

  /** `analyze --format json` of a valid bundle against wasm analyze. */
  async function analyzeBoth(file, handle, label) {
    const nativeOut = await nativeAsync(["analyze", "--format", "json", file]);
    same(`analyze ${label}`, file, stdoutLine(nativeOut), core.analyze(handle));
    count.analyses++;
  }

  const QUERIES = {
    whatCan: ["what-can", "member"],
    whoCan: ["who-can", "action"],
    visibleMembers: ["visible", "actor"],
  };

  /**
   * One query through the CLI (`what-can BUNDLE MEMBER SCOPE` ...) and the wasm module;
   * `scope` null: visibleMembers everywhere (`visible BUNDLE ACTOR`).
   */
  async function queryBoth(b, kind, first, scope, label) {
    const [cli, key] = QUERIES[kind];
    const nativeOut = await nativeAsync(scope === null ? [cli, b.file, first] : [cli, b.file, first, scope]);
    const q = JSON.stringify(scope === null ? { [key]: first } : { [key]: first, scope });
    same(`${label}: ${kind}`, q, stdoutLine(nativeOut), core[kind](b.handle, q));
    count.queries++;
  }

  /** What `actor` may do to `member`, through the CLI (`abilities`) and the wasm module. */
  async function abilitiesBoth(b, actor, member, label) {
    const nativeOut = await nativeAsync(["abilities", b.file, actor, member, "--now", NOW]);
    const q = JSON.stringify({ actor, member, now: NOW });
    const wasm = core.memberAbilities(b.handle, q);
    same(`${label}: memberAbilities`, q, stdoutLine(nativeOut), wasm);
    count.abilities++;
    if ((JSON.parse(wasm).abilities ?? []).length > 0) count.abilitiesOffered++;
  }

  /** The actor's open verifications after a change set, natively (`verifications`) and in wasm. */
  async function verificationsBoth(b, csText, file, label) {
    const nativeOut = await nativeAsync(["verifications", b.file, file]);
    const wasm = core.openVerifications(b.handle, csText);
    same(`${label}: openVerifications`, csText, stdoutLine(nativeOut), wasm);
    count.openVerifications++;
    if ((JSON.parse(wasm).verifications ?? []).length > 0) count.openVerificationsFound++;
  }

  /** A change set simulated natively (`simulate [--bundle-after]`) and in wasm; the wasm text. */
  async function simulateBoth(b, csText, bundleAfter, label) {
    const file = writeFile(csText, "changeset");
    const args = ["simulate", ...(bundleAfter ? ["--bundle-after"] : []), b.file, file];
    const nativeOut = await nativeAsync(args);
    const wasm = core.simulate(b.handle, csText, bundleAfter);
    same(`${label}: simulate${bundleAfter ? " --bundle-after" : ""}`, csText, stdoutLine(nativeOut), wasm);
    return { wasm, file };
  }

  /**
   * JSON Lines through one native `check BUNDLE -`; returns the result lines. A line's
   * parse error names its line in the file; wasm, given that line alone, says line 1:
   * the one difference of input, put back.
   */
  async function nativeChecks(b, texts) {
    const r = await nativeAsync(["check", b.file, "-"], `${texts.join("\n")}\n`);
    const out = lines(r).map((l, i) => l.replaceAll(`invalid json at line ${i + 1}, column`, "invalid json at line 1, column"));
    assert.equal(out.length, texts.length, `native check printed ${out.length} lines for ${texts.length} requests\n${clip(r.stderr)}`);
    return out;
  }

  // ---------------------------------------------------------------------------
  test("scenario files: reports, checks, queries and change sets", async () => {
    const scenarioFilesList = scenarioFiles();
    assert.ok(scenarioFilesList.length > 0, "no scenario files found");
    for (const file of scenarioFilesList) {
      const rel = path.relative(ROOT, file);
      const text = fs.readFileSync(file, "utf8");
      const scenario = JSON.parse(text);

      const bundleText =
        typeof scenario.bundle === "string"
          ? fs.readFileSync(path.join(path.dirname(file), scenario.bundle), "utf8")
          : JSON.stringify(scenario.bundle);
      const b = await loadBoth(bundleText, `${rel}: bundle`);
      if (b.handle === null) continue; // a scenario expecting its bundle to be rejected
      const cases = scenario.cases ?? [];

      const checks = cases
        .filter((c) => "check" in c)
        .map((c) => {
          const req = structuredClone(c.check);
          if (req && typeof req === "object" && !Array.isArray(req) && !("now" in req) && scenario.now) req.now = scenario.now;
          return { id: c.id, text: JSON.stringify(req) };
        });
      if (checks.length > 0) {
        const out = await nativeChecks(b, checks.map((c) => c.text));
        checks.forEach((c, i) => same(`${rel} case ${c.id}: check`, c.text, out[i], core.check(b.handle, c.text)));
        count.requests += checks.length;
      }

      const tasks = [];
      for (const c of cases) {
        const kind = Object.keys(QUERIES).find((k) => k in c);
        if (kind) {
          const q = c[kind];
          const key = QUERIES[kind][1];
          assert.ok(typeof q[key] === "string" && typeof q.scope === "string", `${rel} case ${c.id}: the CLI takes string ids`);
          tasks.push(() => queryBoth(b, kind, q[key], q.scope, `${rel} case ${c.id}`));
        }
        if ("simulate" in c) {
          const cs = structuredClone(c.simulate);
          if (cs && typeof cs === "object" && !Array.isArray(cs)) {
            if (!("baseRevision" in cs)) cs.baseRevision = b.revision;
            if (!("now" in cs) && scenario.now) cs.now = scenario.now;
          }
          const csText = JSON.stringify(cs);
          tasks.push(async () => {
            const { file } = await simulateBoth(b, csText, false, `${rel} case ${c.id}`);
            await simulateBoth(b, csText, true, `${rel} case ${c.id}`);
            await verificationsBoth(b, csText, file, `${rel} case ${c.id}`);
            count.changeSets++;
          });
        }
      }
      await pool(tasks, 2);
      core.release(b.handle);
    }
  });

  test("scenario files: the report of `rolegate test --format json` and of wasm runScenario", async () => {
    for (const file of scenarioFiles()) {
      const rel = path.relative(ROOT, file);
      const bytes = fs.readFileSync(file);
      const scenario = JSON.parse(bytes.toString("utf8"));
      const report = await nativeAsync(["test", "--format", "json", file]);
      const wasm = `[${coreRunScenario(core, bytes, scenarioBundles(file, scenario))}]`;
      if (stdoutLine(report) !== wasm) {
        // Say whether the same scenario with its bundle inlined would agree: that
        // tells a bundle the `bundles` map cannot carry from a real difference.
        let note = "";
        if (typeof scenario.bundle === "string") {
          const inlined = { ...scenario, bundle: JSON.parse(Object.values(scenarioBundles(file, scenario))[0]?.toString("utf8") ?? "null") };
          note =
            stdoutLine(report) === `[${coreRunScenario(core, JSON.stringify(inlined))}]`
              ? "\nwith the bundle inlined in the scenario instead of passed by path, the wasm report is identical to the native one: the bundles map passed to runScenario is what fails"
              : "\nwith the bundle inlined the reports differ too";
        }
        differences.push(`${rel}: scenario report`);
        assert.fail(`parity: ${rel}: scenario report: native and wasm differ\nnative: ${clip(stdoutLine(report))}\nwasm:   ${clip(wasm)}${note}`);
      }
      count.scenarioReports++;
    }
  });

  test("every example bundle: analyze", async () => {
    const dir = path.join(ROOT, "examples");
    const names = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    assert.ok(names.length >= 5, `examples: ${names.join(", ")}`);
    for (const name of names) {
      const b = await loadBoth(fs.readFileSync(path.join(dir, name, "bundle.json"), "utf8"), `examples/${name}`);
      assert.notEqual(b.handle, null, `examples/${name} must be valid`);
      core.release(b.handle);
    }
  });

  // ---------------------------------------------------------------------------
  const example = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
  const derived = []; // bundles produced by change sets, for the request corpus

  test("generated bundles and invalid variants of them validate identically", async () => {
    const rng = new Rng(20261201);
    const bases = [example, extendExample(example), tinyBundle()];
    for (let seed = 1; seed <= 10; seed++) {
      bases.push(randomBundle(new Rng(seed * 7919), { members: 5 + rng.int(60), scopes: 3 + rng.int(40), name: `v${seed}` }));
    }
    for (const [i, base] of bases.entries()) {
      const b = await loadBoth(JSON.stringify(base), `base bundle ${i}`);
      assert.notEqual(b.handle, null, `generated base bundle ${i} must be valid: ${clip(core.validate(b.text))}`);
      core.release(b.handle);
    }
    const tasks = [];
    for (const [i, base] of bases.entries()) {
      for (let k = 0; k < MUTATIONS_PER_BUNDLE; k++) {
        const text = mutateBundle(rng, base);
        const file = writeFile(text, "variant");
        tasks.push(async () => {
          const nativeOut = await nativeAsync(["validate", "--format", "json", file]);
          same(`validate variant ${k} of base bundle ${i}`, text, stdoutLine(nativeOut), core.validate(text));
          count.bundles++;
        });
      }
    }
    await pool(tasks, 2);
  });

  // ---------------------------------------------------------------------------
  test("generated change sets of every kind, chained, simulate and verify identically", async () => {
    const bases = [
      example,
      extendExample(example),
      tinyBundle(),
      randomBundle(new Rng(11), { members: 40, scopes: 25, name: "c1" }),
      randomBundle(new Rng(12), { members: 12, scopes: 8, name: "c2" }),
      randomBundle(new Rng(13), { members: 120, scopes: 60, name: "c3" }),
      randomBundle(new Rng(14), { members: 25, scopes: 15, name: "c4" }),
    ];
    const loaded = [];
    for (const [i, base] of bases.entries()) {
      const b = await loadBoth(JSON.stringify(base), `change-set base ${i}`);
      assert.notEqual(b.handle, null, `change-set base ${i} must be valid`);
      loaded.push(b);
    }

    // A chain: change sets one after the other, each on the bundle the previous one
    // produced when it changed anything, so later ones meet invitations, pending
    // verifications, approval requests and custom roles.
    async function chain(c) {
      const rng = new Rng(1000 + c);
      let b = loaded[c % loaded.length];
      const steps = (c % 4 === 0 ? 2 : 1) + rng.int(5);
      const owned = [];
      // One chain in four starts with operations carrying attributes that meet
      // approval rules, and later steps are told who may approve.
      const hints = { rich: c % 4 === 0, approvers: [] };
      for (let s = 0; s < steps; s++) {
        const label = `chain ${c} step ${s}`;
        const cs = randomChangeSet(rng, b.bundle, b.revision, `c${c}s${s}`, hints);
        hints.rich = false;
        const csText = JSON.stringify(cs);
        const withBundle = rng.chance(0.75);
        const { wasm, file } = await simulateBoth(b, csText, withBundle, label);
        count.changeSets++;
        if (s % 2 === 0) await verificationsBoth(b, csText, file, label);
        const result = JSON.parse(wasm);
        if (result.ok) {
          for (const op of result.operations) {
            opEffects[`${op.op}:${op.effect}`] = (opEffects[`${op.op}:${op.effect}`] ?? 0) + 1;
            for (const a of op.requirements.approvals) hints.approvers.push(...a.approvers);
          }
        }

        if (rng.chance(0.08)) {
          // verify: the preview as simulated, or tampered with.
          const previewObj = JSON.parse(core.simulate(b.handle, csText, false));
          let preview = JSON.stringify(previewObj);
          if (rng.chance(0.5) && previewObj.ok) {
            if (previewObj.operations.length) previewObj.operations[0].effect = "allow";
            previewObj.revisionAfter = "fnv1a64:ffffffffffffffff";
            if (rng.chance(0.5)) previewObj.events = [];
            preview = JSON.stringify(previewObj);
          } else if (rng.chance(0.2)) {
            preview = preview.slice(0, 20);
          }
          const previewFile = writeFile(preview, "preview");
          const nativeOut = await nativeAsync(["verify", b.file, file, previewFile]);
          same(`${label}: verify`, `${csText}\npreview: ${preview}`, stdoutLine(nativeOut), core.verify(b.handle, csText, preview));
          count.verifications++;
        }

        if (!withBundle || !result.ok || result.revisionAfter === b.revision || !rng.chance(0.8)) continue;
        const after = result.bundleAfter;
        const text = JSON.stringify(after);
        const next = JSON.parse(core.load(text));
        assert.equal(next.ok, true, `${label}: the bundle after must load: ${clip(JSON.stringify(next))}`);
        assert.equal(next.revision, result.revisionAfter, `${label}: the bundle after carries revisionAfter`);
        b = { file: writeFile(text, "after"), text, handle: next.handle, revision: next.revision, bundle: after };
        owned.push(b.handle);
        count.bundles++;
        if (rng.chance(0.25)) await analyzeBoth(b.file, b.handle, `${label}: the bundle after`);
        for (const req of after.approvalRequests ?? []) {
          if (!rng.chance(0.5)) continue;
          const at = rng.pick([NOW, "2026-12-04T00:00:00Z", "2027-03-01T00:00:00Z"]);
          const nativeOut = await nativeAsync(["approval", b.file, req.id, "--now", at]);
          const q = JSON.stringify({ request: req.id, now: at });
          same(`${label}: approval ${req.id}`, q, stdoutLine(nativeOut), core.approvalStatus(b.handle, q));
          count.approvals++;
        }
        if (after.approvalRequests?.length || after.verifications?.length || after.roles.some((r) => r.custom)) {
          derived.push({ c, s, text, label });
        }
      }
      for (const h of owned) core.release(h);
    }
    await pool(Array.from({ length: CHAINS }, (_, c) => () => chain(c)), 2);
    for (const b of loaded) core.release(b.handle);
    assert.ok(count.changeSets >= 1000, `only ${count.changeSets} change sets compared`);
  });

  // ---------------------------------------------------------------------------
  test("generated requests (100,000+) and queries decide identically", async () => {
    const specs = [
      { name: "example", make: () => example },
      { name: "extended example", make: () => extendExample(example) },
      { name: "tiny", make: () => tinyBundle() },
      { name: "random 8 members", make: () => randomBundle(new Rng(101), { members: 8, scopes: 6, name: "r1" }) },
      { name: "random 40 members", make: () => randomBundle(new Rng(102), { members: 40, scopes: 25, name: "r2" }) },
      { name: "random 300 members", make: () => randomBundle(new Rng(103), { members: 300, scopes: 120, name: "r3" }) },
      { name: "random 2,000 members", make: () => randomBundle(new Rng(104), { members: 2000, scopes: 400, name: "r4" }) },
      { name: "flat 5,000 members", make: () => largeBundle(new Rng(105), { members: 5000, groups: 50 }) },
    ];
    const jobs = specs.map((s) => ({ label: s.name, text: JSON.stringify(s.make()), n: REQUESTS_PER_BUNDLE }));
    // Three bundles written by change sets (pending requests, verifications, custom roles).
    // (Chains run two at a time: sort so that the choice does not depend on timing.)
    derived.sort((x, y) => x.c - y.c || x.s - y.s);
    for (const d of derived.filter((_, i) => i % 4 === 0).slice(0, 3)) jobs.push({ label: `after ${d.label}`, text: d.text, n: REQUESTS_PER_DERIVED_BUNDLE });

    for (const [j, job] of jobs.entries()) {
      const b = await loadBoth(job.text, job.label);
      assert.notEqual(b.handle, null, `${job.label} must be valid`);
      const rng = new Rng(5000 + j);
      const info = bundleInfo(b.bundle);
      const requests = Array.from({ length: job.n }, () => randomRequest(rng, info));

      // Native: one process for all of them, JSON Lines on stdin (running while
      // the wasm side works).
      const nativePromise = nativeChecks(b, requests.map((r) => r.text));

      // Wasm: plain requests in batches (one crossing each); the others, and every
      // 50th plain one, one by one.
      const wasmOut = new Array(requests.length);
      const batchable = [];
      requests.forEach((r, i) => {
        if (r.value !== undefined) batchable.push(i);
        if (r.value === undefined || i % 50 === 0) {
          wasmOut[i] = core.check(b.handle, r.text);
          count.singleChecks++;
        }
      });
      const batches = [];
      for (let k = 0; k < batchable.length; k += BATCH) {
        const idx = batchable.slice(k, k + BATCH);
        batches.push({ idx, text: core.checkBatch(b.handle, `[${idx.map((i) => requests[i].text).join(",")}]`) });
        count.batches++;
      }

      const out = await nativePromise;
      for (let i = 0; i < requests.length; i++) {
        if (wasmOut[i] !== undefined) same(`${job.label} request ${i}: check`, requests[i].text, out[i], wasmOut[i]);
      }
      for (const batch of batches) {
        const expected = `[${batch.idx.map((i) => out[i]).join(",")}]`;
        if (expected === batch.text) continue;
        // Find the first request that differs, one by one; else show the batch.
        for (const i of batch.idx) {
          same(`${job.label} request ${i}: check`, requests[i].text, out[i], core.check(b.handle, requests[i].text));
        }
        same(`${job.label}: checkBatch of ${batch.idx.length}`, `${batch.idx.length} requests`, expected, batch.text);
      }

      // The fast path (decide, effect only) against the native decision's effect.
      const EFFECTS = ["allow", "deny", "conditional"];
      requests.forEach((r, i) => {
        const v = r.value;
        if (!v || typeof v !== "object" || Array.isArray(v)) return;
        const keys = Object.keys(v);
        if (keys.length !== 4 || !["actor", "action", "resource", "now"].every((k) => typeof v[k] === "string")) return;
        const decision = JSON.parse(out[i]);
        const expected = decision.ok ? EFFECTS.indexOf(decision.effect) : -1;
        const code = core.decide(b.handle, v.actor, v.action, v.resource, v.now);
        same(`${job.label} request ${i}: decide (fast path)`, r.text, String(expected), String(code));
        count.fastPath++;
      });
      count.requests += requests.length;

      // Queries, through the CLI one by one.
      const tasks = [];
      for (let k = 0; k < QUERIES_PER_BUNDLE; k++) {
        const kind = rng.pick(Object.keys(QUERIES));
        const ghost = rng.chance(0.1);
        const first = kind === "whoCan" ? rng.pick(info.actions.concat(ghost ? ["no.such.action"] : [])) : ghost ? "no-such-member" : rng.pick(info.members);
        const scope = rng.chance(0.05) ? "no-such-scope" : rng.chance(0.6) ? rng.pick(info.busy) : rng.pick(info.scopes);
        const everywhere = kind === "visibleMembers" && k % 3 === 0;
        tasks.push(() => queryBoth(b, kind, first, everywhere ? null : scope, `${job.label} query ${k}`));
      }
      for (let k = 0; k < ABILITIES_PER_BUNDLE; k++) {
        const actor = rng.chance(0.05) ? "no-such-member" : rng.pick(info.members);
        const member = rng.pick(info.members);
        tasks.push(() => abilitiesBoth(b, actor, member, `${job.label} abilities ${k}`));
      }
      await pool(tasks, 2);
      core.release(b.handle);
    }
    assert.ok(count.requests >= 100000, `only ${count.requests} requests compared`);
  });

  test("summary", () => {
    const coverage = Object.entries(opEffects).sort().map(([k, v]) => `${k}=${v}`).join(" ");
    console.log(`parity coverage (generated operations by effect): ${coverage}`);
    console.log(
      `parity details: ${count.requests} requests (${count.batches} batches, ${count.singleChecks} single checks, ${count.fastPath} fast-path decisions), ` +
        `${count.changeSets} change sets, ${count.verifications} verifications, ${count.queries} queries, ` +
        `${count.abilities} member abilities (${count.abilitiesOffered} offering something), ` +
        `${count.openVerifications} open verifications (${count.openVerificationsFound} with a record), ${count.approvals} approval statuses, ` +
        `${count.scenarioReports} scenario reports, ${count.bundles} bundles, ${count.analyses} analyses`,
    );
    console.log(
      `parity: ${count.requests} requests, ${count.changeSets} change sets, ${count.bundles} bundles compared; ${differences.length} differences`,
    );
    assert.deepEqual(differences, []);
    assert.ok(count.abilitiesOffered > 0, "no generated member abilities offered anything: the comparison is of refusals only");
    assert.ok(count.openVerificationsFound > 0, "no change set left a verification record: the comparison is of empty lists only");
  });
}
