// Loopback load on the server of record (docs/server.md): `scripts/bench server`.
//
// 1. POST /v1/check from 50 keep-alive connections for a fixed time: checks per
//    second, p50 and p99 latency. Aims: >= 10,000 checks/s, p99 <= 5 ms.
// 2. POST /v1/changes, one commit after another (each on the head the one before
//    left; a preview is fetched from POST /v1/simulate first, outside the timed
//    part): commits per second of the commit calls, p50 and p99. Aim: >= 200/s.
//
// It starts its own server (a fresh SQLite file in a scratch folder, the
// account-hub example) on a free loopback port, and stops it by its pid. The
// client runs on the same 2 cores as the server, so the numbers are a floor.
// Usage: node bench/server_bench.mjs [--seconds N] [--commits N] [--connections N]
import http from "node:http";
import path from "node:path";
import { tempDir, fixture, startServer, stop, token, BIN } from "../tests/server/lib.mjs";
import fs from "node:fs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = option("--seconds", 10);
const COMMITS = option("--commits", 500);
const CONNECTIONS = option("--connections", 50);

if (!fs.existsSync(BIN)) {
  console.error("build/native/rolegate is not built (scripts/build)");
  process.exit(1);
}

const dir = tempDir("rg-bench-");
const db = path.join(dir, "bench.sqlite");
const server = await startServer(db, fixture(dir, "account-hub"));
const { port } = new URL(server.base);
const olivia = token(db, "m-olivia");
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function request(method, route, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      host: "127.0.0.1", port, method, path: route, agent,
      headers: {
        Authorization: `Bearer ${olivia}`,
        ...(data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {}),
      },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (ns) => Number(ns) / 1e6;

// --- checks -----------------------------------------------------------------
const checks = [
  { actor: "m-lena", action: "orders.place", resource: "ln-0201" },
  { action: "billing.view", resource: "acc-9001" },
  { actor: "m-tara", action: "orders.view", resource: "ln-0101" },
  { actor: "m-jon", action: "line.features", resource: "ln-0301" },
];
// Olivia may ask about anyone only with decisionsPermission; this bundle names
// none, so she asks about herself.
for (const c of checks) delete c.actor;
const latencies = [];
let failures = 0;
const deadline = process.hrtime.bigint() + BigInt(SECONDS) * 1000000000n;
async function client(k) {
  let i = k;
  while (process.hrtime.bigint() < deadline) {
    const started = process.hrtime.bigint();
    const r = await request("POST", "/v1/check", checks[i++ % checks.length]);
    latencies.push(process.hrtime.bigint() - started);
    if (r.status !== 200) failures++;
  }
}
const checkStarted = process.hrtime.bigint();
await Promise.all(Array.from({ length: CONNECTIONS }, (_, k) => client(k)));
const checkSeconds = ms(process.hrtime.bigint() - checkStarted) / 1000;
latencies.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const checkRate = latencies.length / checkSeconds;
const checkP50 = ms(quantile(latencies, 0.5));
const checkP99 = ms(quantile(latencies, 0.99));

// --- commits ----------------------------------------------------------------
const commitLatencies = [];
let commitFailures = 0;
let blocked = false;
const endToEndStarted = process.hrtime.bigint();
for (let i = 0; i < COMMITS; i++) {
  const health = JSON.parse((await request("GET", "/v1/health")).text);
  const changeSet = { format: "rolegate-changeset/1", baseRevision: health.revision, actor: "m-olivia", now: health.now,
    operations: [{ op: blocked ? "unblock" : "block", member: "m-devon" }] };
  const sim = JSON.parse((await request("POST", "/v1/simulate", changeSet)).text);
  changeSet.now = sim.now;
  delete sim.now;
  const started = process.hrtime.bigint();
  const r = await request("POST", "/v1/changes", { changeSet, preview: sim });
  commitLatencies.push(process.hrtime.bigint() - started);
  if (r.status === 200) blocked = !blocked; else commitFailures++;
}
const endToEndSeconds = ms(process.hrtime.bigint() - endToEndStarted) / 1000;
const commitTotal = commitLatencies.reduce((a, b) => a + b, 0n);
commitLatencies.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const commitRate = COMMITS / (ms(commitTotal) / 1000);
const commitP50 = ms(quantile(commitLatencies, 0.5));
const commitP99 = ms(quantile(commitLatencies, 0.99));

await stop(server);
agent.destroy();
fs.rmSync(dir, { recursive: true, force: true });

const met = (ok) => (ok ? "MET" : "NOT MET");
const f = (x, d = 2) => x.toFixed(d);
console.log(`server of record, loopback, ${CONNECTIONS} keep-alive connections, ${SECONDS} s of checks, ${COMMITS} commits`);
console.log(`POST /v1/check:   ${f(checkRate, 0)} checks/s (${latencies.length} in ${f(checkSeconds, 1)} s, ${failures} not 200); p50 ${f(checkP50)} ms, p99 ${f(checkP99)} ms`);
console.log(`  aim >= 10,000 checks/s: ${met(checkRate >= 10000)}; aim p99 <= 5 ms: ${met(checkP99 <= 5)}`);
console.log(`POST /v1/changes: ${f(commitRate, 0)} commits/s of commit calls (${commitFailures} not 200); p50 ${f(commitP50)} ms, p99 ${f(commitP99)} ms; with preview and health calls ${f(COMMITS / endToEndSeconds, 0)}/s end to end`);
console.log(`  aim >= 200 commits/s: ${met(commitRate >= 200)}`);
