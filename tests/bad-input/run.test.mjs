// The bad-input catalogue (tests/bad-input/README.md): every case of catalogue.json
// answered three ways, from the file's bytes:
//
//   - natively, through the CLI (`validate --format json`, `check`, `what-can` /
//     `who-can` / `visible`, `simulate`, `verify`, `verify-chain`, `test --format
//     json`), the binary ROLEGATE_BIN or build/native/rolegate (so that the
//     sanitizer build runs it too: ROLEGATE_BIN=build/asan/rolegate);
//   - natively, through the C++ library itself (rolegate_bad_input beside the CLI
//     binary, tests/bad-input/native.cc), all cases in one process;
//   - through the raw WebAssembly module (build/wasm/rolegate_core.mjs);
//   - through the JavaScript API (build/wasm/rolegate.mjs), given a Buffer;
//
// and requires: the CLI's stdout (one line of canonical JSON), the library's and the
// module's text byte-identical; the API's object deep-equal to it; nothing on stderr; the codes
// and pointers exactly the case's `expect`, in order; a parse_error's line and
// column the case's `at`, when it gives one; the exit code the case's `exit` and the
// one the CLI documents for that answer (README, "The CLI"); and, when the case
// gives them, the operations' effects and reasons, the verification's difference
// pointers or the scenario's failing cases. The last test prints the count.
//
// Skipped when the CLI binary or the WebAssembly build is missing.
// Run: node --test tests/bad-input/
//      ROLEGATE_BIN=build/asan/rolegate node --test tests/bad-input/
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { missingBuild, pool } from "../wasm/support.mjs";
import {
  BIN, CATALOGUE, DIR, KINDS, LIB_BIN, ROOT, apiAnswer, cliAnswer, coreAnswer, errorsOf, jsonLines, libAnswers, loadApi, loadCases,
  loadCore, parseAt, tempDir, unframe,
} from "./answers.mjs";

const MIN_CASES = 160;
const skip =
  missingBuild("wasm") ??
  [BIN, LIB_BIN].map((f) => (fs.existsSync(f) ? false : `not built: ${path.relative(ROOT, f)} missing (build with scripts/build, or set ROLEGATE_BIN)`)).find(Boolean) ??
  false;

/** The exit code the CLI documents for an answer of this kind (README, "The CLI"; engine/cli/main.cc). */
function documentedExit(kind, answer) {
  if (kind === "scenario") {
    const report = answer[0];
    if (report.errors.length > 0) return 3;
    return report.passed ? 0 : 2;
  }
  if (answer.ok === false) return 3;
  switch (kind) {
    case "bundle":
    case "query":
      return 0;
    case "request":
      return { allow: 0, deny: 2, conditional: 4 }[answer.effect];
    case "changeset":
      return answer.summary.blocked ? 2 : 0;
    case "preview":
    case "chain":
      return answer.match ? 0 : 2;
  }
  throw new Error(`unknown kind ${kind}`);
}

/** The list of errors an answer carries, with their messages (for `at`). */
const errorObjects = (kind, answer) => (kind === "scenario" ? answer[0].errors : answer.errors ?? []);

/** Where two texts first differ, for a failure message. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (x) => JSON.stringify(x.subarray(Math.max(0, i - 60), i + 100).toString("utf8"));
  return `first difference at byte ${i}\n  first:  …${show(a)}\n  second: …${show(b)}`;
}

if (skip) {
  test("bad-input catalogue", { skip }, () => {});
} else {
  const tmp = tempDir();
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const cases = loadCases(tmp);
  const core = await loadCore();
  const api = await loadApi();

  // Every CLI answer, a few at a time (the CLI is a process per case); the cases'
  // tests then compare in order.
  const limit = Math.max(2, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
  const answers = pool(cases.map((c) => () => cliAnswer(c)), limit);
  const libTexts = libAnswers(cases, tmp);

  const failed = [];
  let compared = 0;

  /**
   * A request file of JSON Lines (`jsonLines: true`): one CLI answer line per
   * request line, each compared with the module's and the API's answer to that line
   * alone once its framing is undone (unframe); `expect` holds one list per line.
   */
  async function checkJsonLines(c, cli, where) {
    const requests = jsonLines(fs.readFileSync(c.path));
    const lines = cli.text.toString("utf8").split("\n");
    assert.equal(lines.length, requests.length, `${where}\n${requests.length} request lines, ${lines.length} answer lines`);
    const coreTexts = await coreAnswer(core, c);
    const libText = (await libTexts)[cases.indexOf(c)];
    const coreArray = Buffer.from(`[${coreTexts.join(",")}]`, "utf8");
    assert.ok(libText.equals(coreArray), `${where}\nthe C++ library and the wasm module differ: ${firstDifference(libText, coreArray)}`);
    const apiValues = await apiAnswer(api, c);
    const answers = [];
    for (const [k, request] of requests.entries()) {
      const text = unframe(lines[k], request.number);
      const coreBytes = Buffer.from(coreTexts[k], "utf8");
      assert.ok(coreBytes.equals(Buffer.from(text, "utf8")), `${where}\nline ${request.number}: the CLI and the wasm module differ: ${firstDifference(Buffer.from(text, "utf8"), coreBytes)}`);
      const answer = JSON.parse(text);
      assert.deepEqual(apiValues[k], answer, `${where}\nline ${request.number}: the JS API's answer differs from the CLI's`);
      answers.push(answer);
      compared += 4;
    }
    assert.deepEqual(answers.map((a) => errorsOf("request", a)), c.expect, `${where}\nthe codes and pointers of each line differ from expect`);
    if (c.at) {
      // In the file's own lines, as the CLI says it.
      const k = answers.findIndex((a) => a.ok === false && a.errors.some((e) => e.code === "parse_error"));
      const message = k < 0 ? undefined : JSON.parse(lines[k]).errors.find((e) => e.code === "parse_error").message;
      assert.deepEqual(parseAt(message), c.at, `${where}\nparse_error: ${message}`);
    }
    assert.equal(cli.code, c.exit, `${where}\nexit code`);
    // JSON Lines: 3 when any line is invalid, else 0 (engine/cli/cmd_check.cc).
    assert.equal(answers.some((a) => a.ok === false) ? 3 : 0, c.exit, `${where}\nthe documented exit code of these answers is not the case's exit`);
  }

  test("catalogue.json is well formed, and every file under cases/ is in it", () => {
    const catalogue = JSON.parse(fs.readFileSync(CATALOGUE, "utf8"));
    assert.ok(catalogue.cases.length >= MIN_CASES, `${catalogue.cases.length} cases; at least ${MIN_CASES} wanted`);
    const names = new Set();
    for (const c of catalogue.cases) {
      const label = c.file ?? c.generate;
      assert.ok(KINDS.includes(c.kind), `${label}: kind ${c.kind}`);
      assert.ok((c.file === undefined) !== (c.generate === undefined), `${label}: one of file and generate`);
      assert.equal(typeof c.shows, "string", `${label}: shows`);
      assert.ok(c.shows.length > 10, `${label}: say what it shows`);
      const isErrors = (list) => Array.isArray(list) && list.every((e) => typeof e.code === "string" && typeof e.pointer === "string" && Object.keys(e).length === 2);
      if (c.jsonLines) {
        assert.equal(c.kind, "request", `${label}: only requests come as JSON Lines`);
        assert.ok(Array.isArray(c.expect) && c.expect.every(isErrors), `${label}: expect is one list of {code, pointer} per request line`);
      } else {
        assert.ok(isErrors(c.expect), `${label}: expect is a list of {code, pointer}`);
      }
      assert.ok(Number.isInteger(c.exit), `${label}: exit`);
      if (c.at !== undefined) assert.ok(Array.isArray(c.at) && c.at.length === 2 && c.expect.flat().some((e) => e.code === "parse_error"), `${label}: at is [line, column] of a parse_error`);
      if (c.kind === "query") assert.ok(["whatCan", "whoCan", "visibleMembers"].includes(c.query), `${label}: query`);
      assert.ok(!names.has(label), `${label} is listed twice`);
      names.add(label);
      if (c.file) {
        assert.ok(c.file.startsWith(`cases/${c.kind}/`), `${label}: a ${c.kind} case lives in cases/${c.kind}/`);
        const bytes = fs.readFileSync(path.join(DIR, c.file));
        // A .json file is UTF-8 (an editor may open it); bytes that are not go in a .bin.
        if (c.file.endsWith(".json")) {
          assert.doesNotThrow(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes), `${label}: not UTF-8, so it must be a .bin file`);
        } else {
          assert.ok(c.file.endsWith(".bin"), `${label}: .json or .bin`);
        }
      }
      for (const input of ["bundle", "changeSet"]) {
        if (c[input]) assert.ok(fs.existsSync(path.join(DIR, c[input])), `${label}: ${input} ${c[input]} does not exist`);
      }
    }
    const onDisk = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else onDisk.push(path.relative(DIR, p));
      }
    };
    walk(path.join(DIR, "cases"));
    const orphans = onDisk.filter((f) => !names.has(f));
    assert.deepEqual(orphans, [], "files under cases/ that no case names");
    for (const kind of KINDS) assert.ok(catalogue.cases.some((c) => c.kind === kind), `no ${kind} case`);
  });

  for (const [i, c] of cases.entries()) {
    test(`${c.kind}: ${c.name}`, async () => {
      const all = await answers;
      const cli = all[i];
      const where = `${c.name} (${c.shows})\n  cli: rolegate ${cli.args.map((a) => path.isAbsolute(a) ? path.relative(ROOT, a) : a).join(" ")}`;
      try {
        // Native: nothing on stderr (a sanitizer's report goes there).
        assert.equal(cli.stderr, "", `${where}\nstderr:\n${cli.stderr}`);
        if (c.jsonLines) return await checkJsonLines(c, cli, where);
        // One line of JSON on stdout.
        const cliText = cli.text.toString("utf8");
        assert.ok(cli.text.length > 0 && !cliText.includes("\n"), `${where}\nexpected one line of JSON on stdout, got:\n${cliText.slice(0, 2000)}`);
        const answer = JSON.parse(cliText);

        // The raw module: the same bytes.
        const coreText = await coreAnswer(core, c);
        const coreBytes = Buffer.from(coreText, "utf8");
        assert.ok(coreBytes.equals(cli.text), `${where}\nthe CLI and the wasm module differ: ${firstDifference(cli.text, coreBytes)}`);

        // The library without the CLI: the same bytes.
        const libText = (await libTexts)[i];
        assert.ok(libText.equals(cli.text), `${where}\nthe CLI and the C++ library differ: ${firstDifference(cli.text, libText)}`);

        // The JS API, given the bytes: the same value.
        const apiValue = await apiAnswer(api, c);
        assert.deepEqual(apiValue, answer, `${where}\nthe JS API's answer differs from the CLI's`);
        compared += 4;

        // What the case pins.
        assert.deepEqual(errorsOf(c.kind, answer), c.expect, `${where}\nthe codes and pointers differ from expect`);
        if (c.at) {
          const parseError = errorObjects(c.kind, answer).find((e) => e.code === "parse_error");
          assert.deepEqual(parseAt(parseError?.message), c.at, `${where}\nparse_error: ${parseError?.message}`);
        }
        assert.equal(cli.code, c.exit, `${where}\nexit code`);
        assert.equal(documentedExit(c.kind, answer), c.exit, `${where}\nthe documented exit code of this answer is not the case's exit`);
        if (c.operations) {
          assert.deepEqual(answer.operations.map((o) => [o.effect, o.reasons.map((r) => r.code)]), c.operations, `${where}\noperations`);
        }
        if (c.differences) assert.deepEqual(answer.differences.map((d) => d.pointer), c.differences, `${where}\ndifferences`);
        if (c.failedCases) assert.deepEqual(answer[0].cases.filter((x) => !x.passed).map((x) => x.id), c.failedCases, `${where}\nfailing cases`);
      } catch (e) {
        failed.push(c.name);
        throw e;
      }
    });
  }

  test("bad-input catalogue: the count", (t) => {
    const kinds = KINDS.map((k) => `${cases.filter((c) => c.kind === k).length} ${k}`).join(", ");
    if (failed.length > 0) {
      assert.fail(`bad-input catalogue: ${failed.length} of ${cases.length} cases failed: ${failed.join(", ")}`);
    }
    const line = `bad-input catalogue: ${cases.length} cases (${kinds}), ${compared} answers compared (CLI, C++ library, wasm core, JS API), all identical; CLI ${path.relative(ROOT, BIN)}`;
    t.diagnostic(line);
  });
}
