// Helpers for the tests of the server of record (`rolegate serve --db`): start a
// real server on a free loopback port with a real SQLite file, mint tokens with
// `rolegate token`, read letters with `rolegate outbox`, call the API with fetch.
// Every server started is stopped by its pid (stopAll).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = path.join(root, "build", "native", "rolegate");
export const skip = fs.existsSync(BIN) ? false : "build/native/rolegate is not built";

const running = new Set();

export function tempDir(prefix = "rg-server-") {
  return fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), prefix));
}

// A copy of an example bundle, changed by `edit(bundle)`, written to `dir`.
export function fixture(dir, example, edit = () => {}) {
  const bundle = JSON.parse(fs.readFileSync(path.join(root, "examples", example, "bundle.json"), "utf8"));
  edit(bundle);
  const file = path.join(dir, `${example}.json`);
  fs.writeFileSync(file, JSON.stringify(bundle, null, 2));
  return file;
}

// Starts `rolegate serve --db db [bundle] --port 0 ...extra` and resolves when it
// listens: {base, proc, exited, stderr()}.
export async function startServer(db, bundle, extra = []) {
  const args = ["serve", "--db", db, ...(bundle ? [bundle] : []), "--port", "0", ...extra];
  const proc = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(proc);
  let err = "";
  proc.stderr.on("data", (c) => (err += c));
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => { running.delete(proc); resolve({ code, signal }); }));
  const base = await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\/v1\//);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`rolegate serve exited ${code} before listening: ${out}${err}`)));
  });
  return { base, proc, exited, stderr: () => err };
}

export async function stop(server, signal = "SIGTERM") {
  if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill(signal);
  return server.exited;
}

export function stopAll() {
  for (const proc of running) proc.kill("SIGKILL");
}

export function cli(args) {
  return spawnSync(BIN, args, { encoding: "utf8" });
}

export function token(db, member) {
  const r = cli(["token", "--db", db, member]);
  if (r.status !== 0) throw new Error(`rolegate token ${member}: ${r.stderr}`);
  return r.stdout.trim();
}

// The undelivered messages, with their secrets, as a delivery worker reads them.
export function letters(db, member) {
  const r = cli(["outbox", "--db", db, ...(member ? ["--member", member] : [])]);
  if (r.status !== 0) throw new Error(`rolegate outbox: ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

// Calls the API: {status, body (parsed), text, headers}.
export async function call(base, method, route, { token: bearer, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  if (body !== undefined && !h["Content-Type"]) h["Content-Type"] = "application/json";
  const response = await fetch(base + route, {
    method,
    headers: h,
    body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

// A change set by `actor` on the head, previewed by the client's own engine
// (`rolegate simulate`, the native twin of the browser's) on the bundle the
// server gives the caller, at the server's time.
export async function previewed(base, bearer, actor, operations, dir) {
  const b = await call(base, "GET", "/v1/bundle", { token: bearer });
  if (b.status !== 200) throw new Error(`GET /v1/bundle: ${b.text}`);
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: b.body.revision, actor, now: health.body.now, operations };
  const bundleFile = path.join(dir, `head-${actor}.json`);
  const csFile = path.join(dir, `cs-${actor}.json`);
  fs.writeFileSync(bundleFile, JSON.stringify(b.body.bundle));
  fs.writeFileSync(csFile, JSON.stringify(changeSet));
  const r = cli(["simulate", bundleFile, csFile]);
  if (r.status !== 0 && r.status !== 2) throw new Error(`simulate: ${r.stdout}${r.stderr}`);
  return { changeSet, preview: JSON.parse(r.stdout) };
}

// Commits operations as `actor`, previewed by the server's own simulation.
export async function commit(base, bearer, actor, operations) {
  const health = await call(base, "GET", "/v1/health");
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.body.revision, actor, now: health.body.now, operations };
  const sim = await call(base, "POST", "/v1/simulate", { token: bearer, body: changeSet });
  if (sim.status !== 200) return sim;
  changeSet.now = sim.body.now;
  delete sim.body.now;
  return call(base, "POST", "/v1/changes", { token: bearer, body: { changeSet, preview: sim.body } });
}
