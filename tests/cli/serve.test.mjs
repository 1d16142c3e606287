// `rolegate serve`: the real server, on a free port, with two example bundles. A
// preview made by `rolegate simulate` verifies as a match; a tampered one lists the
// difference; a change set picks its bundle by baseRevision; bad input is answered
// with {ok: false, errors} and pointers into the request body; CORS headers let a
// page on another origin call it; SIGTERM stops it with exit code 0.
// Skipped when build/native/rolegate has not been built.
// Run: node --test tests/cli/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// ROLEGATE_BIN: another build of the CLI (scripts/test runs these under the sanitizers).
const BIN = process.env.ROLEGATE_BIN ? path.resolve(process.env.ROLEGATE_BIN) : path.join(root, "build", "native", "rolegate");
const skip = fs.existsSync(BIN) || process.env.ROLEGATE_BIN ? false : "build/native/rolegate is not built";
const BT = path.join(root, "examples", "bt-business");
const HUB = path.join(root, "examples", "account-hub");

let server = null;
let base = "";
let exited = null;

function simulate(bundleDir, changeFile) {
  const r = spawnSync(BIN, ["simulate", path.join(bundleDir, "bundle.json"), path.join(bundleDir, "changes", changeFile)], { encoding: "utf8" });
  return r.stdout.trim();
}

async function post(route, body, headers = {}) {
  const response = await fetch(base + route, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

before(async () => {
  if (skip) return;
  server = spawn(BIN, ["serve", path.join(BT, "bundle.json"), path.join(HUB, "bundle.json"), "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
  base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`rolegate serve exited ${code} before listening: ${out}`)));
  });
});

after(async () => {
  if (server && server.exitCode === null) server.kill("SIGKILL");
});

test("health lists the bundles served and their revisions", { skip }, async () => {
  const response = await fetch(`${base}/health`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  const health = JSON.parse(await response.text());
  assert.equal(health.ok, true);
  assert.deepEqual(health.bundles.map((b) => path.basename(path.dirname(b.name))), ["bt-business", "account-hub"]);
});

test("a preview from rolegate simulate verifies as a match, for each bundle", { skip }, async () => {
  for (const [dir, file] of [[BT, "super-admin-reorganises.json"], [HUB, "add-user-and-assign-accounts.json"]]) {
    const changeSet = JSON.parse(fs.readFileSync(path.join(dir, "changes", file), "utf8"));
    const preview = JSON.parse(simulate(dir, file));
    const r = await post("/verify", { changeSet, preview });
    assert.equal(r.status, 200, r.text);
    const verdict = JSON.parse(r.text);
    assert.equal(verdict.match, true, r.text);
    assert.deepEqual(verdict.differences, []);
    // The same bytes as `rolegate verify` prints.
    const tmp = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "serve-"));
    fs.writeFileSync(path.join(tmp, "preview.json"), JSON.stringify(preview));
    const cli = spawnSync(BIN, ["verify", path.join(dir, "bundle.json"), path.join(dir, "changes", file), path.join(tmp, "preview.json")], { encoding: "utf8" });
    assert.equal(r.text, cli.stdout.trim());
    fs.rmSync(tmp, { recursive: true });
  }
});

test("POST / is /verify, and a tampered preview lists its difference", { skip }, async () => {
  const changeSet = JSON.parse(fs.readFileSync(path.join(BT, "changes", "super-admin-reorganises.json"), "utf8"));
  const preview = JSON.parse(simulate(BT, "super-admin-reorganises.json"));
  preview.operations[0].effect = "deny";
  const r = await post("/", { changeSet, preview });
  assert.equal(r.status, 200);
  const verdict = JSON.parse(r.text);
  assert.equal(verdict.match, false);
  assert.ok(verdict.differences.some((d) => d.pointer === "/operations/0/effect" && d.expected === "deny" && d.actual === "allow"), r.text);
});

test("POST /simulate answers as rolegate simulate", { skip }, async () => {
  const text = fs.readFileSync(path.join(BT, "changes", "admin-tries-super-admin.json"), "utf8");
  const r = await post("/simulate", text);
  assert.equal(r.status, 200);
  assert.equal(r.text, simulate(BT, "admin-tries-super-admin.json"));
});

test("bad input: errors with codes and pointers into the request body", { skip }, async () => {
  const stale = await post("/verify", { changeSet: { format: "rolegate-changeset/1", baseRevision: "fnv1a64:0000000000000000", actor: "m-olivia", now: "2026-12-01T09:00:00Z", operations: [] }, preview: {} });
  assert.equal(stale.status, 400);
  assert.deepEqual(JSON.parse(stale.text).errors.map((e) => [e.code, e.pointer]), [["stale_revision", "/changeSet/baseRevision"]]);

  const changeSet = JSON.parse(fs.readFileSync(path.join(BT, "changes", "super-admin-reorganises.json"), "utf8"));
  changeSet.operations[1].role = "billing.nothing";
  const unknown = await post("/verify", { changeSet, preview: {} });
  assert.equal(unknown.status, 400);
  assert.ok(JSON.parse(unknown.text).errors.some((e) => e.pointer === "/changeSet/operations/1/role"), unknown.text);

  const notJson = await post("/verify", "{nope");
  assert.equal(notJson.status, 400);
  assert.equal(JSON.parse(notJson.text).errors[0].code, "parse_error");

  const missing = await post("/verify", { changeSet });
  assert.equal(missing.status, 400);
  assert.equal(JSON.parse(missing.text).errors[0].code, "missing_field");

  const notObject = await post("/verify", "[1, 2]");
  assert.equal(notObject.status, 400);
  assert.equal(JSON.parse(notObject.text).errors[0].code, "wrong_type");

  const nowhere = await fetch(`${base}/nowhere`);
  assert.equal(nowhere.status, 404);
  assert.equal(JSON.parse(await nowhere.text()).errors[0].code, "not_found");
  const wrongMethod = await fetch(`${base}/verify`);
  assert.equal(wrongMethod.status, 405);
});

test("a page on another origin may call it (CORS preflight)", { skip }, async () => {
  const response = await fetch(`${base}/verify`, {
    method: "OPTIONS",
    headers: { Origin: "http://127.0.0.1:8080", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.match(response.headers.get("access-control-allow-methods"), /POST/);
  assert.match(response.headers.get("access-control-allow-headers"), /Content-Type/i);
});

test("many verifications at once all answer, each for its own change set", { skip }, async () => {
  const files = ["super-admin-reorganises.json", "admin-tries-super-admin.json", "self-upgrade-with-pin.json"];
  const jobs = [];
  for (let i = 0; i < 30; i++) {
    const file = files[i % files.length];
    const changeSet = JSON.parse(fs.readFileSync(path.join(BT, "changes", file), "utf8"));
    const preview = JSON.parse(simulate(BT, file));
    jobs.push(post("/verify", { changeSet, preview }).then((r) => JSON.parse(r.text).match));
  }
  assert.deepEqual(await Promise.all(jobs), new Array(30).fill(true));
});

test("a what-if chain is verified step by step, each on the bundle the step before leaves", { skip }, async () => {
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "serve-chain-"));
  try {
    const cs0 = JSON.parse(fs.readFileSync(path.join(BT, "changes", "self-upgrade-with-pin.json"), "utf8"));
    const full0 = JSON.parse(spawnSync(BIN, ["simulate", "--bundle-after", path.join(BT, "bundle.json"), path.join(BT, "changes", "self-upgrade-with-pin.json")], { encoding: "utf8" }).stdout);
    const preview0 = JSON.parse(simulate(BT, "self-upgrade-with-pin.json"));
    fs.writeFileSync(path.join(tmp, "after.json"), JSON.stringify(full0.bundleAfter));
    const cs1 = { ...cs0, baseRevision: full0.revisionAfter, operations: [{ op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003" }] };
    fs.writeFileSync(path.join(tmp, "cs1.json"), JSON.stringify(cs1));
    const preview1 = JSON.parse(spawnSync(BIN, ["simulate", path.join(tmp, "after.json"), path.join(tmp, "cs1.json")], { encoding: "utf8" }).stdout);
    assert.equal(preview1.operations[0].effect, "allow", JSON.stringify(preview1.operations[0]));
    const chain = [{ changeSet: cs0, preview: preview0 }, { changeSet: cs1, preview: preview1 }];

    const r = await post("/verify", { changeSet: cs1, preview: preview1, chain });
    assert.equal(r.status, 200, r.text);
    const verdict = JSON.parse(r.text);
    assert.equal(verdict.match, true, r.text);
    assert.equal(verdict.committable, true, "the last step, completing the upgrade, is blocked by nothing");
    assert.equal(verdict.steps.length, 2);

    // The top-level preview is the last step's: a forged one is not waved through
    // because the chain's own steps match.
    const forged = structuredClone(preview1);
    forged.summary.denied = 0;
    forged.operations[0].effect = "allow";
    forged.events = [];
    const f = await post("/verify", { changeSet: cs1, preview: forged, chain });
    assert.equal(f.status, 400, f.text);
    assert.deepEqual(JSON.parse(f.text).errors.map((e) => [e.code, e.pointer]), [["invalid_value", "/preview"]]);
    assert.equal(verdict.revision, cs1.baseRevision); // as verify: the revision the last step was judged on

    const tampered = structuredClone(chain);
    tampered[1].preview.summary.allowed = 0;
    const t = JSON.parse((await post("/verify", { changeSet: cs1, preview: tampered[1].preview, chain: tampered })).text);
    assert.equal(t.match, false);
    assert.deepEqual(t.differences.map((d) => d.pointer), ["/chain/1/preview/summary/allowed"]);

    const notLast = await post("/verify", { changeSet: cs0, preview: preview0, chain });
    assert.equal(notLast.status, 400);
    assert.deepEqual(JSON.parse(notLast.text).errors.map((e) => [e.code, e.pointer]), [["invalid_value", "/changeSet"]]);

    const skipped = await post("/verify", { changeSet: cs1, preview: preview1, chain: [chain[1]] });
    assert.equal(skipped.status, 400);
    assert.deepEqual(JSON.parse(skipped.text).errors.map((e) => [e.code, e.pointer]), [["stale_revision", "/chain/0/changeSet/baseRevision"]]);
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

test("a blocked change whose preview matches is never committable", { skip }, async () => {
  // An admin may not make someone super admin: the preview says so, and matches.
  const changeSet = JSON.parse(fs.readFileSync(path.join(BT, "changes", "admin-tries-super-admin.json"), "utf8"));
  const preview = JSON.parse(simulate(BT, "admin-tries-super-admin.json"));
  assert.equal(preview.summary.blocked, true);
  const r = await post("/verify", { changeSet, preview });
  assert.equal(r.status, 200, r.text);
  const verdict = JSON.parse(r.text);
  assert.equal(verdict.match, true);
  assert.equal(verdict.committable, false);
  // An allowed one that matches is committable.
  const ok = JSON.parse(fs.readFileSync(path.join(BT, "changes", "super-admin-reorganises.json"), "utf8"));
  const okPreview = JSON.parse(simulate(BT, "super-admin-reorganises.json"));
  const v = JSON.parse((await post("/verify", { changeSet: ok, preview: okPreview })).text);
  assert.equal(v.match, true);
  assert.equal(v.committable, !okPreview.summary.blocked);
});

test("a body that is not JSON by its Content-Type is refused with 415", { skip }, async () => {
  for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
    const r = await post("/verify", "{}", { "Content-Type": type });
    assert.equal(r.status, 415, r.text);
    assert.deepEqual(JSON.parse(r.text).errors.map((e) => e.code), ["unsupported_media_type"]);
  }
  const charset = await post("/verify", "{}", { "Content-Type": "application/json; charset=utf-8" });
  assert.equal(charset.status, 400, "JSON with a charset is read (and found wanting)");
  // fetch always sends a type with a string body; a raw request sends none.
  const bare = await rawRequest(`POST /simulate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  assert.match(bare, /^HTTP\/1\.1 415 /);
});

/** Sends `head` (and then `chunks`, if given, while the server reads) on a raw
 * connection to the server; resolves to what the server answered. Bounded: it
 * stops writing once the server answers or closes. */
function rawRequest(head, chunks = []) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let answer = "";
    let done = false;
    const finish = () => { if (!done) { done = true; socket.destroy(); resolve(answer); } };
    socket.on("data", (d) => { answer += d; if (/\r\n\r\n/.test(answer) && !chunks.length) finish(); });
    socket.on("close", finish);
    socket.on("error", () => finish());
    socket.setTimeout(12000, () => reject(new Error("no answer within 12 s")));
    socket.write(head, async () => {
      for (const chunk of chunks) {
        if (done || answer) break;
        await new Promise((r) => socket.write(chunk, r));
      }
      // Without a body to send, the server answers once its read of the body has
      // timed out (5 s).
      setTimeout(finish, chunks.length ? 2000 : 8000);
    });
  });
}

test("an upload over the input limit is cut off with 413, chunked or not", { skip }, async () => {
  const size = 1024 * 1024;
  const chunk = `${size.toString(16)}\r\n${" ".repeat(size)}\r\n`;
  // 24 MiB announced chunk by chunk: the server stops reading at 16 MiB.
  const chunked = await rawRequest(
    "POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    new Array(24).fill(chunk));
  assert.match(chunked, /^HTTP\/1\.1 413 /, chunked.slice(0, 200));
  assert.match(chunked, /input_too_large/);
  // A declared length over the limit is refused before the body is sent.
  const declared = await rawRequest(`POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${32 * size}\r\n\r\n`);
  assert.match(declared, /^HTTP\/1\.1 413 /, declared.slice(0, 200));
  // The server goes on serving.
  assert.equal((await fetch(`${base}/health`)).status, 200);
});

test("at most 1,000 differences are returned, with their total", { skip }, async () => {
  const changeSet = JSON.parse(fs.readFileSync(path.join(BT, "changes", "super-admin-reorganises.json"), "utf8"));
  const preview = JSON.parse(simulate(BT, "super-admin-reorganises.json"));
  preview.events = Array.from({ length: 3000 }, (_, i) => ({ event: "member_invited", to: `m-${i}`, channels: ["email"], op: 0 }));
  const r = await post("/verify", { changeSet, preview });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const verdict = JSON.parse(r.text);
  assert.equal(verdict.match, false);
  assert.equal(verdict.committable, false);
  assert.equal(verdict.differences.length, 1000);
  assert.ok(verdict.differencesTotal > 1000, String(verdict.differencesTotal));
});

test("SIGTERM stops the server with exit code 0", { skip }, async () => {
  server.kill("SIGTERM");
  const { code } = await exited;
  assert.equal(code, 0);
});
