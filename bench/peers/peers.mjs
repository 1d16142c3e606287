// rolegate side by side with Cedar (@cedar-policy/cedar-wasm) and Casbin
// (node-casbin) on the seeded workload of workload.mjs, in one Node.js process:
//
//   rolegate effect     engine.effect(actor, action, resource, now): the effect only
//   rolegate check      engine.check({actor, action, resource, now}): the decision
//                       with its reasons and requirements, as an object
//   rolegate effects    engine.effects(triples, now), 10,000 requests per crossing
//   casbin enforceSync  enforcer.enforceSync(user, account, action)
//   cedar               statefulIsAuthorized with the policies pre-parsed and the
//                       user and account entities as the request's slice
//
// Engines are interleaved: each round runs every engine once, in an order that
// rotates from round to round, and the medians over the rounds are reported with
// their ratios. Every answer of every measured pass is compared with the
// generator's ground truth; an engine that answers one request wrongly is
// reported as failed, never with a number, and the run exits 1.
//
// Run (scripts/bench --peers installs this folder's packages first):
//   node bench/peers/peers.mjs [--rounds N] [--requests N] [--users N]
//        [--accounts N] [--cedar N] [--check N] [--dir BUILD_DIR] [--json FILE]
//        [--markdown FILE]
// --cedar and --check are the requests each round gives the two slow paths
// (Cedar, and rolegate's explained check); the others answer all of them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as W from "./workload.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROUNDS = Number(arg("rounds", 5));
const shape = { users: Number(arg("users", 10000)), accounts: Number(arg("accounts", 1000)), requests: Number(arg("requests", 100000)) };
const CEDAR_N = Math.min(Number(arg("cedar", 5000)), shape.requests);
const CHECK_N = Math.min(Number(arg("check", 20000)), shape.requests);
const wasmDir = path.resolve(arg("dir", path.join(root, "build", "wasm")));

const require = createRequire(import.meta.url);
let casbin, cedar;
try {
  casbin = require("casbin");
  cedar = require("@cedar-policy/cedar-wasm/nodejs");
} catch (e) {
  console.error(`peers: the peers' packages are missing (${e.message}); run scripts/bench --peers, which installs them`);
  process.exit(1);
}
const { createEngine } = await import(pathToFileURL(path.join(wasmDir, "rolegate.mjs")).href);
const versions = {
  node: process.version,
  casbin: JSON.parse(fs.readFileSync(require.resolve("casbin/package.json"), "utf8")).version,
  cedar: cedar.getCedarVersion(),
  cedarWasm: JSON.parse(fs.readFileSync(path.join(here, "node_modules/@cedar-policy/cedar-wasm/package.json"), "utf8")).version,
};

const w = W.generate(shape);
const reqs = w.requests;
const N = reqs.length;

// --- Setting each engine up (timed once, for the record; not compared). ---
const setup = {};
let t0 = performance.now();
const engine = await createEngine(JSON.stringify(W.rolegateBundle(w)));
setup.rolegate = performance.now() - t0;
if (!engine.ok) throw new Error(`peers: the rolegate bundle did not load: ${JSON.stringify(engine.errors.slice(0, 3))}`);

t0 = performance.now();
const enforcer = await casbin.newEnforcer(casbin.newModelFromString(W.CASBIN_MODEL));
const cp = W.casbinPolicies(w);
await enforcer.addPolicies(cp.p);
await enforcer.addGroupingPolicies(cp.g);
setup.casbin = performance.now() - t0;

t0 = performance.now();
const parsed = cedar.preparsePolicySet("peers", { staticPolicies: W.CEDAR_POLICIES });
if (parsed.type !== "success") throw new Error(`peers: Cedar did not parse the policies: ${JSON.stringify(parsed)}`);
const ents = W.cedarEntities(w);
const cedarCalls = reqs.map((r) => ({
  principal: { type: "User", id: r.actor },
  action: { type: "Action", id: r.action },
  resource: { type: "Account", id: r.resource },
  context: {},
  preparsedPolicySetId: "peers",
  entities: [ents.users[r.user], ents.account(r.resource)],
}));
setup.cedar = performance.now() - t0;

const checkRequests = reqs.map((r) => ({ actor: r.actor, action: r.action, resource: r.resource, now: W.NOW }));
const triples = reqs.map((r) => [r.actor, r.action, r.resource]);
const BATCH = 10000;

// Each engine: how many requests a round gives it, and a pass that writes one
// answer (true = allow) per request into `out`.
const engines = [
  {
    key: "rolegate_effect", label: "rolegate `effect` (effect only)", n: N,
    pass(out, n) {
      for (let i = 0; i < n; i++) { const r = reqs[i]; out[i] = engine.effect(r.actor, r.action, r.resource, W.NOW) === "allow"; }
    },
  },
  {
    key: "rolegate_effects", label: "rolegate `effects` (batch of 10,000)", n: N,
    pass(out, n) {
      for (let from = 0; from < n; from += BATCH) {
        const got = engine.effects(triples.slice(from, Math.min(n, from + BATCH)), W.NOW);
        for (let i = 0; i < got.length; i++) out[from + i] = got[i] === "allow";
      }
    },
  },
  {
    key: "rolegate_check", label: "rolegate `check` (with reasons)", n: CHECK_N,
    pass(out, n) {
      for (let i = 0; i < n; i++) out[i] = engine.check(checkRequests[i]).effect === "allow";
    },
  },
  {
    key: "casbin", label: `Casbin \`enforceSync\` (node-casbin ${versions.casbin})`, n: N,
    pass(out, n) {
      for (let i = 0; i < n; i++) { const r = reqs[i]; out[i] = enforcer.enforceSync(r.actor, r.resource, r.action) === true; }
    },
  },
  {
    key: "cedar", label: `Cedar \`statefulIsAuthorized\` (cedar-wasm ${versions.cedarWasm})`, n: CEDAR_N,
    pass(out, n) {
      for (let i = 0; i < n; i++) {
        const a = cedar.statefulIsAuthorized(cedarCalls[i]);
        out[i] = a.type === "success" && a.response.decision === "allow";
      }
    },
  },
];

// Warm up (JIT tiers, caches of interned ids), then rounds.
const out = new Array(N);
for (const e of engines) e.pass(out, Math.min(e.n, 2000));
const times = Object.fromEntries(engines.map((e) => [e.key, []]));
const wrong = Object.fromEntries(engines.map((e) => [e.key, 0]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < engines.length; k++) {
    const e = engines[(round + k) % engines.length];
    out.fill(undefined);
    const t = process.hrtime.bigint();
    e.pass(out, e.n);
    times[e.key].push(Number(process.hrtime.bigint() - t) / e.n);
    for (let i = 0; i < e.n; i++) if (out[i] !== reqs[i].allow) wrong[e.key]++;
  }
}
engine.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const results = {};
for (const e of engines) {
  results[e.key] = wrong[e.key] > 0
    ? { label: e.label, failed: true, wrong: wrong[e.key], requests: e.n * ROUNDS }
    : { label: e.label, nsPerCheck: median(times[e.key]), rounds: times[e.key], requests: e.n };
}
const ns = (k) => (results[k].failed ? NaN : results[k].nsPerCheck);
const ratio = (a, b) => ns(b) / ns(a); // how many times faster a is than b

const targets = [
  { what: "wasm explained check (`check`)", aim: "<= 3 µs", met: ns("rolegate_check") <= 3000 },
  { what: "wasm explained check vs Casbin", aim: ">= 4x faster", met: ratio("rolegate_check", "casbin") >= 4 },
  { what: "wasm effect-only check (`effect`), steady", aim: "<= 0.25 µs", met: ns("rolegate_effect") <= 250 },
  { what: "wasm effect-only check vs Casbin", aim: ">= 30x faster", met: ratio("rolegate_effect", "casbin") >= 30 },
  { what: "wasm effect-only check vs Cedar", aim: ">= 400x faster", met: ratio("rolegate_effect", "cedar") >= 400 },
  { what: "wasm batch (`effects`)", aim: ">= 3,000,000 checks/s", met: 1e9 / ns("rolegate_effects") >= 3e6 },
];

const fmt = (x) => (x >= 10000 ? `${(x / 1000).toFixed(1)} µs` : x >= 1000 ? `${(x / 1000).toFixed(2)} µs` : `${x.toFixed(0)} ns`);
const rate = (x) => `${Math.round(1e9 / x).toLocaleString("en-US")}/s`;
const cpus = os.cpus();
const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ` +
  `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
const lines = [];
lines.push(`Measured ${new Date().toISOString().slice(0, 10)} on ${machine}.`);
lines.push("");
lines.push(`Peers: ${w.users.length.toLocaleString("en-US")} users, ${w.accounts.toLocaleString("en-US")} accounts, ` +
  `${N.toLocaleString("en-US")} requests (${w.allowed.toLocaleString("en-US")} allowed), ${ROUNDS} interleaved rounds; ` +
  `Node.js ${versions.node}, Cedar ${versions.cedar}.`);
lines.push("");
lines.push("| engine | requests per round | median per check | checks per second | time per check ÷ rolegate `effect`'s | answers |");
lines.push("| --- | ---: | ---: | ---: | ---: | --- |");
for (const e of engines) {
  const r = results[e.key];
  if (r.failed) {
    lines.push(`| ${e.label} | ${e.n.toLocaleString("en-US")} | — | — | — | **FAILED: ${r.wrong} wrong** |`);
  } else {
    const x = `${ratio("rolegate_effect", e.key).toFixed(1)}`;
    lines.push(`| ${e.label} | ${e.n.toLocaleString("en-US")} | ${fmt(r.nsPerCheck)} | ${rate(r.nsPerCheck)} | ${x} | all right |`);
  }
}
lines.push("");
lines.push(`rolegate \`check\` (with reasons) is ${ratio("rolegate_check", "casbin").toFixed(2)}x Casbin's speed and ` +
  `${ratio("rolegate_check", "cedar").toFixed(1)}x Cedar's. Set-up, once: rolegate ${setup.rolegate.toFixed(0)} ms, ` +
  `Casbin ${setup.casbin.toFixed(0)} ms, Cedar ${setup.cedar.toFixed(0)} ms (policies parsed, entity slices built).`);
lines.push("");
lines.push("| target | aim | verdict |");
lines.push("| --- | --- | --- |");
for (const t of targets) lines.push(`| ${t.what} | ${t.aim} | ${t.met ? "met" : "NOT MET"} |`);
const markdown = lines.join("\n");
console.log(markdown);

const json = { machine, shape, rounds: ROUNDS, versions, setupMs: setup, results, targets };
if (arg("json")) fs.writeFileSync(arg("json"), JSON.stringify(json, null, 2) + "\n");
if (arg("markdown")) fs.writeFileSync(arg("markdown"), markdown + "\n");
const failed = engines.filter((e) => results[e.key].failed);
if (failed.length > 0) {
  console.error(`peers: wrong answers from ${failed.map((e) => e.key).join(", ")}`);
  process.exit(1);
}
