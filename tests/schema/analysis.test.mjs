// schemas/analysis.schema.json against the real engine: `rolegate analyze --format
// json` (build/native/rolegate) on every example bundle, on generated bundles and on
// small bundles built to give every finding code, validates; an invalid bundle gives
// error.schema.json; and the schema rejects typical mistakes where they are.
// The engine tests are skipped when the binary has not been built.
// Run: node --test tests/schema/
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { randomBundle, tinyBundle, extendExample } from "../wasm/generate.mjs";
import { Rng } from "../wasm/support.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const schemaDir = path.join(root, "schemas");
const BIN = path.join(root, "build", "native", "rolegate");
const BASE = "https://rolegate.dev/schemas/";
const skip = fs.existsSync(BIN) ? false : "build/native/rolegate is not built";

const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const f of fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).sort()) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, f), "utf8")));
}
const analysisSchema = ajv.getSchema(`${BASE}analysis.schema.json`);
const errorSchema = ajv.getSchema(`${BASE}error.schema.json`);

const describeErrors = (errors) =>
  (errors ?? []).map((e) => `  ${e.instancePath || "/"} ${e.keyword}: ${e.message} ${JSON.stringify(e.params)}`).join("\n");

function assertValid(validate, doc, label) {
  assert.ok(validate(doc), `${label}: does not match the schema:\n${describeErrors(validate.errors)}\n  ${JSON.stringify(doc).slice(0, 2000)}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-analysis-schema-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let files = 0;

/** `rolegate analyze --format json` of a bundle (object or path): the parsed result and the exit code. */
function analyze(bundle) {
  let file = bundle;
  if (typeof bundle !== "string") {
    file = path.join(tmp, `bundle-${files++}.json`);
    fs.writeFileSync(file, JSON.stringify(bundle));
  }
  const r = spawnSync(BIN, ["analyze", "--format", "json", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined);
  assert.equal(r.stderr, "", `analyze wrote to stderr: ${r.stderr}`);
  return { result: JSON.parse(r.stdout), code: r.status };
}

const seen = new Set();
function checkAnalysis(bundle, label) {
  const { result, code } = analyze(bundle);
  assertValid(analysisSchema, result, label);
  assert.equal(code, result.summary.error > 0 ? 2 : 0, `${label}: exit code`);
  const bySeverity = { error: 0, warning: 0, info: 0 };
  for (const f of result.findings) {
    bySeverity[f.severity]++;
    seen.add(`${f.code}:${f.severity}`);
  }
  assert.deepEqual(result.summary, bySeverity, `${label}: summary`);
  return result;
}

// Small bundles that give the codes the examples do not: an approval veto (warning
// and info), an unreachable role, an escalation to others only.
const SHOP = {
  format: "rolegate/1",
  scopeTypes: [{ id: "org" }, { id: "site", parents: ["org"] }],
  scopes: [
    { id: "org-1", type: "org" },
    { id: "site-a", type: "site", parent: "org-1" },
  ],
  permissions: [
    { id: "sell", appliesTo: ["site"] },
    { id: "refund", appliesTo: ["site"] },
    { id: "roles.assign", appliesTo: ["org", "site"], rankLimited: true },
    { id: "rules.set", appliesTo: ["org", "site"] },
  ],
  roles: [
    { id: "clerk", family: "staff", rank: 10, permissions: ["sell"], assignableAt: ["site"] },
    { id: "lead", family: "staff", rank: 20, permissions: ["refund", "roles.assign", "rules.set"], inherits: ["clerk"], assignableAt: ["site"], manages: { upToRank: 30 }, memberKinds: ["staff"] },
    { id: "boss", family: "staff", rank: 30, permissions: ["sell", "refund", "roles.assign"], assignableAt: ["org", "site"], manages: { upToRank: 30 }, memberKinds: ["owner"] },
    { id: "auditor", family: "audit", rank: 10, permissions: ["sell"], assignableAt: ["org"] },
  ],
  approvalRules: [{ id: "boss.refunds", actions: ["refund"], scopes: ["site-a"], requesterRoles: ["boss"], approvers: { roles: ["lead"] } }],
  members: [
    { id: "b1", kind: "owner", status: "active" },
    { id: "l1", kind: "staff", status: "active" },
  ],
  bindings: [
    { member: "b1", role: "boss", scope: "org-1" },
    { member: "l1", role: "lead", scope: "site-a" },
  ],
  operations: { assign_role: { action: "roles.assign" }, set_approval_rule: { action: "rules.set" } },
};

test("analyze --format json validates: every example", { skip }, () => {
  const examples = path.join(root, "examples");
  for (const name of fs.readdirSync(examples).sort()) {
    const file = path.join(examples, name, "bundle.json");
    if (fs.existsSync(file)) checkAnalysis(file, `examples/${name}`);
  }
});

test("analyze --format json validates: generated bundles", { skip }, () => {
  const example = JSON.parse(fs.readFileSync(path.join(root, "examples", "bt-business", "bundle.json"), "utf8"));
  checkAnalysis(tinyBundle(), "tiny bundle");
  checkAnalysis(extendExample(example), "extended example");
  for (let seed = 1; seed <= 24; seed++) {
    checkAnalysis(randomBundle(new Rng(seed * 7919), { members: 5 + seed * 4, scopes: 3 + seed * 2, name: `r${seed}` }), `random bundle ${seed}`);
  }
});

test("analyze --format json validates: a bundle with a veto, an unreachable role and an escalation to others", { skip }, () => {
  const r = checkAnalysis(SHOP, "shop");
  const codes = r.findings.map((f) => `${f.code}:${f.severity}`);
  assert.ok(codes.includes("approval_veto:warning"), codes.join(", "));
  assert.ok(codes.includes("unreachable_role:warning"), codes.join(", "));
  const escalation = r.findings.find((f) => f.code === "escalation_path");
  assert.equal(escalation?.facts.self, false, JSON.stringify(r.findings));

  // Nobody may set rules: the veto is the bundle's own, an info.
  const fixed = structuredClone(SHOP);
  delete fixed.operations.set_approval_rule;
  fixed.approvalRules[0].scopes = undefined;
  delete fixed.approvalRules[0].scopes;
  const info = checkAnalysis(fixed, "shop, rules fixed");
  assert.ok(info.findings.some((f) => f.code === "approval_veto" && f.severity === "info"), JSON.stringify(info.findings));

  // A gated self-escalation is a warning that names the rule.
  const gated = structuredClone(SHOP);
  delete gated.roles[1].memberKinds;
  delete gated.roles[2].memberKinds;
  gated.approvalRules.push({ id: "promotions", actions: ["roles.assign"], requesterRoles: ["lead"], approvers: { roles: ["boss"] } });
  const g = checkAnalysis(gated, "shop, promotions approved");
  assert.ok(g.findings.some((f) => f.code === "escalation_path" && f.facts.approvalRules?.includes("promotions")), JSON.stringify(g.findings));
});

test("analyze: every code and severity the schema allows was seen in real output", { skip }, () => {
  for (const expected of [
    "approval_unsatisfiable:error", "approval_veto:warning", "approval_veto:info", "escalation_path:error",
    "escalation_path:warning", "lockout_risk:warning", "self_approval_path:warning", "unreachable_role:warning",
  ]) {
    assert.ok(seen.has(expected), `never seen: ${expected} (seen: ${[...seen].sort().join(", ")})`);
  }
});

test("analyze --format json of an invalid bundle validates against error.schema.json", { skip }, () => {
  const { result, code } = analyze(path.join(root, "tests", "data", "invalid", "dozen-mistakes.json"));
  assert.equal(code, 3);
  assertValid(errorSchema, result, "dozen-mistakes.json");
});

test("analysis.schema.json rejects mistakes where they are", () => {
  const good = {
    ok: true,
    findings: [
      {
        code: "lockout_risk", severity: "warning", pointer: "/scopeTypes/1", message: "2 scopes …",
        facts: { scopeType: "account", scopes: ["a", "b"], members: ["m"], count: 2 },
      },
    ],
    summary: { error: 0, warning: 1, info: 0 },
  };
  assertValid(analysisSchema, good, "a good analysis");
  const bad = (mutate, where) => {
    const doc = structuredClone(good);
    mutate(doc);
    assert.equal(analysisSchema(doc), false, `should be rejected: ${JSON.stringify(doc)}`);
    assert.ok(analysisSchema.errors.some((e) => e.instancePath.startsWith(where)), `${where}: ${describeErrors(analysisSchema.errors)}`);
  };
  bad((d) => (d.findings[0].severity = "error"), "/findings/0/severity");
  bad((d) => (d.findings[0].pointer = "/roles/1"), "/findings/0/pointer");
  bad((d) => (d.findings[0].facts.scopes = []), "/findings/0/facts/scopes");
  bad((d) => (d.findings[0].facts.extra = 1), "/findings/0/facts");
  bad((d) => (d.findings[0].code = "lockout"), "/findings/0/code");
  bad((d) => delete d.summary.info, "/summary");
  bad((d) => (d.ok = false), "/ok");
});
