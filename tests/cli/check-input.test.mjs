// How `rolegate check` and `rolegate explain` read their input: one document of any
// layout (pretty-printed, or broken, with the error where it is), JSON Lines only when
// the first line is a request on its own (each error naming its line), and an empty
// file as a parse_error with exit 3, never silence.
// The whole file is skipped when the binary has not been built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// ROLEGATE_BIN: another build of the CLI (scripts/test runs these under the sanitizers).
const BIN = process.env.ROLEGATE_BIN ? path.resolve(process.env.ROLEGATE_BIN) : path.join(root, "build", "native", "rolegate");
const BUNDLE = path.join(root, "examples", "bt-business", "bundle.json");
const skip = fs.existsSync(BIN) || process.env.ROLEGATE_BIN ? false : "build/native/rolegate is not built";

function check(input, extra = []) {
  const r = spawnSync(BIN, ["check", ...extra, BUNDLE, "-"], { encoding: "utf8", input });
  return { code: r.status, lines: r.stdout.split("\n").filter(Boolean), stdout: r.stdout, stderr: r.stderr };
}

const request = { actor: "m-uma", action: "billing.pay", resource: "acc-1001", now: "2026-12-01T09:00:00Z" };

test("an empty or blank file is a parse_error on stdout, exit 3", { skip }, () => {
  for (const input of ["", "\n\n  \n"]) {
    const r = check(input);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.lines.length, 1);
    const answer = JSON.parse(r.lines[0]);
    assert.equal(answer.ok, false);
    assert.equal(answer.errors[0].code, "parse_error");
    assert.equal(answer.errors[0].pointer, "");
  }
});

test("a pretty-printed request is one request, whatever its layout", { skip }, () => {
  const r = check(JSON.stringify(request, null, 2));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.lines.length, 1);
  assert.equal(JSON.parse(r.lines[0]).effect, "allow");
});

test("a pretty-printed request with a repeated key is one duplicate_key, not a line of errors each", { skip }, () => {
  const text = `{\n  "actor": "m-uma",\n  "action": "billing.pay",\n  "resource": "acc-1001",\n  "actor": "m-olivia",\n  "now": "2026-12-01T09:00:00Z"\n}\n`;
  const r = check(text);
  assert.equal(r.code, 3);
  assert.equal(r.lines.length, 1, r.stdout);
  const answer = JSON.parse(r.lines[0]);
  assert.deepEqual(answer.errors.map((e) => [e.code, e.pointer]), [["duplicate_key", "/actor"]]);
});

test("a truncated pretty-printed request names the line where it breaks", { skip }, () => {
  const r = check(`{\n  "actor": "m-uma",\n  "action": "billing.pay",\n  "resource": \n`);
  assert.equal(r.code, 3);
  assert.equal(r.lines.length, 1);
  const [error] = JSON.parse(r.lines[0]).errors;
  assert.equal(error.code, "parse_error");
  assert.match(error.message, /line 5, column 1/);
});

test("JSON Lines: one answer per line, and a broken line's error names its line", { skip }, () => {
  const good = JSON.stringify(request);
  const r = check(`${good}\n\n${good.replace("m-uma", "m-nobody")}\n{"actor": "m-uma",\n${good}\n`);
  assert.equal(r.code, 3);
  assert.equal(r.lines.length, 4);
  assert.equal(JSON.parse(r.lines[0]).effect, "allow");
  assert.equal(JSON.parse(r.lines[1]).ok, false, "an unknown member is invalid");
  const broken = JSON.parse(r.lines[2]);
  assert.equal(broken.errors[0].code, "parse_error");
  assert.match(broken.errors[0].message, /at line 4, column \d+/);
  assert.equal(JSON.parse(r.lines[3]).effect, "allow");
  const text = check(`${good}\n{"actor": "m-uma",\n`, ["--format", "text"]);
  assert.match(text.stdout, /^invalid \(line 2\)$/m);
});

test("JSON Lines whose first line is broken are still JSON Lines", { skip }, () => {
  const good = JSON.stringify(request);
  const r = check(`{"actor": "m-uma"\n${good}\n`);
  assert.equal(r.lines.length, 2, r.stdout);
  assert.match(JSON.parse(r.lines[0]).errors[0].message, /at line 1, column/);
  assert.equal(JSON.parse(r.lines[1]).effect, "allow");
});

test("explain reads its input the same way", { skip }, () => {
  const r = spawnSync(BIN, ["explain", BUNDLE, "-"], { encoding: "utf8", input: "" });
  assert.equal(r.status, 3);
  assert.match(r.stdout + r.stderr, /parse_error|invalid json/);
});

// JSON Lines stream: each line is decided as it is read and its answer written
// before the next line is waited for, so a caller can keep the command open on a
// pipe and read each answer as it goes (and memory does not grow with the lines).
test("JSON Lines are answered line by line while the input is still open", { skip, timeout: 60000 }, async () => {
  const { spawn } = await import("node:child_process");
  const child = spawn(BIN, ["check", BUNDLE, "-"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let waiting = null;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d) => {
    out += d;
    if (waiting) waiting();
  });
  // Resolves once `n` answer lines have arrived (the test's own timeout bounds it).
  const answers = (n) =>
    new Promise((resolve) => {
      waiting = () => {
        if (out.split("\n").filter(Boolean).length >= n) resolve(out.split("\n").filter(Boolean));
      };
      waiting();
    });
  const exited = new Promise((resolve) => child.on("close", resolve));
  try {
    child.stdin.write(JSON.stringify(request) + "\n");
    child.stdin.write(JSON.stringify({ ...request, actor: "m-nobody" }) + "\n");
    let lines = await answers(2);
    assert.equal(JSON.parse(lines[0]).effect, "allow");
    assert.equal(JSON.parse(lines[1]).ok, false);
    child.stdin.write("\n" + JSON.stringify({ ...request, action: "billing.nothing" }) + "\n");
    lines = await answers(3);
    assert.equal(JSON.parse(lines[2]).ok, false);
    child.stdin.end();
    assert.equal(await exited, 3); // a line was invalid
    assert.equal(out.split("\n").filter(Boolean).length, 3);
  } finally {
    child.kill();
  }
});
