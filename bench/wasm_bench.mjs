// Benchmark of the WebAssembly build through its JavaScript API (a script, not a
// test): on a generated bundle of 10,000 members (the bundle of bench/engine_bench.cc,
// same generator and seed, about 20,000 bindings) it measures
//   - one check through engine.effect(actor, action, resource, now), string ids
//     (target: under 1 microsecond),
//   - one check through engine.check(request) (objects in and out, with reasons),
//   - batch throughput, 10,000 requests per crossing: engine.effects (the
//     effect-only batch; target: at least 2,000,000 checks per second) and
//     engine.checkBatch (full decisions with reasons, for comparison),
//   - the bundle's load time (createEngine),
//   - the size of build/wasm/rolegate_core.wasm and of the JavaScript
//     (rolegate_core.mjs + rolegate.mjs), raw and gzipped (target: under 150 KB
//     gzipped together),
// prints a table and says plainly whether each target is met.
// Run: node bench/wasm_bench.mjs [--members N] [--dir BUILD_DIR (default build/wasm)]
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argDir = process.argv.indexOf("--dir");
const dir = argDir > 0 ? path.resolve(process.argv[argDir + 1]) : path.join(root, "build", "wasm");
const files = { wasm: "rolegate_core.wasm", core: "rolegate_core.mjs", api: "rolegate.mjs" };
for (const f of Object.values(files)) {
  if (!fs.existsSync(path.join(dir, f))) {
    console.error(`wasm_bench: ${path.join(path.relative(root, dir), f)} is missing; build it with scripts/build-wasm`);
    process.exit(1);
  }
}
const argMembers = process.argv.indexOf("--members");
const MEMBERS = argMembers > 0 ? Number(process.argv[argMembers + 1]) : 10000;
const NOW = "2026-12-01T09:00:00Z";

// The generator of bench/engine_bench.cc: the same 64-bit LCG, the same bundle.
class Lcg {
  constructor(seed) {
    this.s = BigInt(seed);
  }
  next() {
    this.s = (this.s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(this.s >> 33n);
  }
}
const GROUPS = 100;
const ACCOUNTS_PER_GROUP = 10;

function generateBundle(members) {
  const b = { format: "rolegate/1", revision: "bench-1" };
  b.scopeTypes = [{ id: "group" }, { id: "account", parents: ["group"] }];
  b.permissions = [];
  for (let p = 0; p < 40; p++) b.permissions.push({ id: `perm.${p}`, appliesTo: ["group", "account"] });
  b.permissions.push({ id: "members.manage", appliesTo: ["account"], rankLimited: true });
  b.roles = [];
  for (let r = 0; r < 4; r++) {
    const perms = [];
    for (let p = r * 10; p < r * 10 + 10; p++) perms.push(`perm.${p}`);
    if (r >= 2) perms.push("members.manage");
    const role = {
      id: `role.${r}`, family: "billing", rank: (r + 1) * 10, permissions: perms,
      assignableAt: ["group", "account"], exclusive: true, sees: { minRank: 0, fields: ["email"] },
    };
    if (r > 0) role.inherits = [`role.${r - 1}`];
    if (r >= 2) role.manages = { upToRank: (r + 1) * 10 };
    b.roles.push(role);
  }
  b.scopes = [];
  for (let g = 0; g < GROUPS; g++) {
    b.scopes.push({ id: `g${g}`, type: "group" });
    for (let a = 0; a < ACCOUNTS_PER_GROUP; a++) {
      b.scopes.push({ id: `a${g * ACCOUNTS_PER_GROUP + a}`, type: "account", parent: `g${g}` });
    }
  }
  b.members = [];
  b.bindings = [];
  b.operations = { change_role: { action: "members.manage" } };
  b.notifications = [{ event: "role_downgraded", channels: ["in_app"], revealActor: true }];
  const rng = new Lcg(42);
  const accounts = GROUPS * ACCOUNTS_PER_GROUP;
  for (let m = 0; m < members; m++) {
    const id = `m${m}`;
    b.members.push({ id, email: `${id}@example.org`, status: "active" });
    const n = 1 + (rng.next() % 3);
    const first = rng.next() % accounts;
    for (let k = 0; k < n; k++) {
      b.bindings.push({ member: id, role: `role.${rng.next() % 4}`, scope: `a${(first + k) % accounts}` });
    }
  }
  return b;
}

// Requests spread over all members: each member on one of their own accounts or
// a random one, a random permission.
function requests(bundle, n) {
  const rng = new Lcg(7);
  const out = [];
  for (let i = 0; i < n; i++) {
    const b = bundle.bindings[rng.next() % bundle.bindings.length];
    const resource = rng.next() % 4 === 0 ? `a${rng.next() % (GROUPS * ACCOUNTS_PER_GROUP)}` : b.scope;
    out.push({ actor: b.member, action: `perm.${rng.next() % 40}`, resource, now: NOW });
  }
  return out;
}

/**
 * Median of timings of fn(), each `n` operations: nanoseconds per operation. Runs
 * fn() twice to warm up (letting V8 tier the hot code up), then at least 3 and at
 * most `rounds` times, stopping after about `budgetMs`.
 */
function measure(fn, n, rounds = 7, budgetMs = 2000) {
  fn();
  fn();
  const times = [];
  const start = process.hrtime.bigint();
  while (times.length < rounds && (times.length < 3 || Number(process.hrtime.bigint() - start) / 1e6 < budgetMs)) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / n);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const { createEngine } = await import(pathToFileURL(path.join(dir, files.api)).href);

const bundle = generateBundle(MEMBERS);
const bundleText = JSON.stringify(bundle);
const N = 10000;
const reqs = requests(bundle, N);

// Load time: the first createEngine also instantiates the module; report both.
let t = process.hrtime.bigint();
const engine = await createEngine(bundleText);
const firstLoadMs = Number(process.hrtime.bigint() - t) / 1e6;
if (!engine.ok) {
  console.error("wasm_bench: the generated bundle did not load:", JSON.stringify(engine.errors?.slice(0, 3)));
  process.exit(1);
}
const loads = [];
for (let i = 0; i < 3; i++) {
  t = process.hrtime.bigint();
  const e = await createEngine(bundleText);
  loads.push(Number(process.hrtime.bigint() - t) / 1e6);
  e.close();
}
loads.sort((a, b) => a - b);
const loadMs = loads[1];

// Sanity: the fast path and check agree, and something is allowed.
let allowed = 0;
for (const r of reqs.slice(0, 1000)) {
  const e = engine.effect(r.actor, r.action, r.resource, r.now);
  if (e !== engine.check(r).effect) throw new Error(`effect and check disagree on ${JSON.stringify(r)}`);
  if (e === "allow") allowed++;
}

const one = reqs[0];
const effectHot = measure(() => {
  for (let i = 0; i < 50000; i++) engine.effect(one.actor, one.action, one.resource, one.now);
}, 50000);
const effectSpread = measure(() => {
  for (let k = 0; k < 3; k++) for (const r of reqs) engine.effect(r.actor, r.action, r.resource, r.now);
}, 3 * N);
const some = reqs.slice(0, 2000);
const checkOne = measure(() => {
  for (const r of some) engine.check(r);
}, some.length);
const triples = reqs.map((r) => [r.actor, r.action, r.resource]);
const nowAll = reqs[0].now;
if (!reqs.every((r) => r.now === nowAll)) throw new Error("the generated requests should share one time");
const effectsOut = engine.effects(triples, nowAll);
for (let i = 0; i < N; i++) {
  if (effectsOut[i] !== engine.effect(reqs[i].actor, reqs[i].action, reqs[i].resource, nowAll)) {
    throw new Error(`effects and effect disagree on ${JSON.stringify(reqs[i])}`);
  }
}
const batchEffects = measure(() => engine.effects(triples, nowAll), N);
const batchObjects = measure(() => engine.checkBatch(reqs), N);
const batchText = JSON.stringify(reqs);
const batchFromText = measure(() => engine.checkBatch(batchText), N);

const sizes = {};
for (const [k, f] of Object.entries(files)) {
  const data = fs.readFileSync(path.join(dir, f));
  sizes[k] = { raw: data.length, gz: zlib.gzipSync(data, { level: 9 }).length };
}
const total = { raw: sizes.wasm.raw + sizes.core.raw + sizes.api.raw, gz: sizes.wasm.gz + sizes.core.gz + sizes.api.gz };

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ns = (x) => (x >= 10000 ? `${(x / 1000).toFixed(1)} µs` : `${x.toFixed(0)} ns`);
const perSec = (nsPerCheck) => `${Math.round(1e9 / nsPerCheck).toLocaleString("en-US")} checks/s`;
const verdict = (ok) => (ok ? "met" : "NOT MET");

const rows = [
  ["bundle", `${MEMBERS.toLocaleString("en-US")} members, ${bundle.bindings.length.toLocaleString("en-US")} bindings, ${kb(bundleText.length)}`, "", ""],
  ["load (createEngine), first call incl. module instantiation", `${firstLoadMs.toFixed(1)} ms`, "—", ""],
  ["load (createEngine), median of 3", `${loadMs.toFixed(1)} ms`, "—", ""],
  ["engine.effect, one request repeated (string ids)", `${ns(effectHot)} per check`, "< 1 µs", verdict(effectHot < 1000)],
  ["engine.effect, 10,000 requests over all members", `${ns(effectSpread)} per check`, "< 1 µs", verdict(effectSpread < 1000)],
  ["engine.check (object in, decision with reasons out)", `${ns(checkOne)} per check`, "—", ""],
  ["engine.effects, 10,000 [actor, action, resource] per call", `${perSec(batchEffects)} (${ns(batchEffects)} each)`, ">= 2,000,000/s", verdict(1e9 / batchEffects >= 2e6)],
  ["engine.checkBatch, 10,000 objects per call (with reasons)", `${perSec(batchObjects)} (${ns(batchObjects)} each)`, "—", ""],
  ["engine.checkBatch, 10,000 as JSON text per call (with reasons)", `${perSec(batchFromText)} (${ns(batchFromText)} each)`, "—", ""],
  ["rolegate_core.wasm", `${kb(sizes.wasm.raw)} raw, ${kb(sizes.wasm.gz)} gzipped`, "", ""],
  ["rolegate_core.mjs + rolegate.mjs", `${kb(sizes.core.raw + sizes.api.raw)} raw, ${kb(sizes.core.gz + sizes.api.gz)} gzipped`, "", ""],
  ["all three together", `${kb(total.raw)} raw, ${kb(total.gz)} gzipped`, "< 150 KB gzipped", verdict(total.gz < 150 * 1024)],
];
const width = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), ["what", "measured", "target", "verdict"][c].length));
const line = (r) => `| ${r.map((x, c) => x.padEnd(width[c])).join(" | ")} |`;
console.log(`rolegate wasm benchmark (node ${process.version}; ${allowed} of the first 1,000 requests allowed)`);
console.log(line(["what", "measured", "target", "verdict"]));
console.log(`|${width.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
console.log();
console.log(`target single check under 1 µs (engine.effect, string ids): ${verdict(effectSpread < 1000 && effectHot < 1000)}`);
console.log(`target batch at least 2,000,000 checks/s (engine.effects): ${verdict(1e9 / batchEffects >= 2e6)}`);
console.log(`  (full decisions with reasons through checkBatch: ${perSec(Math.min(batchObjects, batchFromText))}; no target)`);
console.log(`target .wasm + .js under 150 KB gzipped: ${verdict(total.gz < 150 * 1024)} (${kb(total.gz)})`);
engine.close();
