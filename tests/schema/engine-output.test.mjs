// Runs the real engine (build/native/rolegate) and validates what it prints against the
// JSON Schemas in schemas/: decisions and errors of `check`, the results of `what-can`,
// `who-can` and `visible`, and the errors of `validate` and `test`. The inputs are every
// case of every scenario file in tests/scenarios, plus a small bundle below that makes the
// engine give every reason code it has, and a few invalid requests, queries and bundles.
// The whole file is skipped when the binary has not been built.
// Run: node --test tests/schema/
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const schemaDir = path.join(root, "schemas");
const scenariosDir = path.join(root, "tests", "scenarios");
const invalidDir = path.join(root, "tests", "data", "invalid");
const BIN = path.join(root, "build", "native", "rolegate");
const BASE = "https://rolegate.dev/schemas/";
const NOW = "2026-12-01T09:00:00Z";

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const f of fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).sort()) {
  ajv.addSchema(readJson(path.join(schemaDir, f)));
}
const validator = (ref) => {
  const v = ajv.getSchema(BASE + ref);
  assert.equal(typeof v, "function", `no schema ${ref}`);
  return v;
};

function describeErrors(errors) {
  return (errors ?? [])
    .map((e) => `  ${e.instancePath || "/"} ${e.keyword}: ${e.message} ${JSON.stringify(e.params)}`)
    .join("\n");
}

function assertValid(ref, doc, label) {
  const validate = validator(ref);
  assert.ok(
    validate(doc),
    `${label}: engine output does not match ${ref}:\n${describeErrors(validate.errors)}\n  output: ${JSON.stringify(doc)}`,
  );
}

/** Validates one engine result: against `okRef` when ok is true, error.schema.json otherwise. */
function assertResult(okRef, doc, label) {
  assert.ok(doc !== null && typeof doc === "object" && typeof doc.ok === "boolean", `${label}: no boolean \`ok\`: ${JSON.stringify(doc)}`);
  assertValid(doc.ok ? okRef : "error.schema.json", doc, label);
}

function relative(file) {
  return path.relative(root, file);
}

/** Every *.json file under `dir`, recursively, sorted. */
function jsonFilesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...jsonFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith(".json")) found.push(full);
  }
  return found.sort();
}

if (!fs.existsSync(BIN)) {
  test("engine output validates against schemas/", {
    skip: `the rolegate CLI is not built (${relative(BIN)} is missing); build it with \`cmake --build build/native\` to run these tests`,
  }, () => {});
} else {
  defineTests();
}

function defineTests() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-schema-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let tmpCount = 0;
  const writeTemp = (name, content) => {
    const file = path.join(tmp, `${++tmpCount}-${name}`);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };

  /** Runs the CLI; fails on a crash, an unexpected exit code or anything on stderr. */
  function run(args, { input, codes = [0, 3] } = {}) {
    const r = spawnSync(BIN, args, { input: input ?? "", encoding: "utf8", maxBuffer: 256 << 20, timeout: 60_000 });
    const what = `rolegate ${args.map((a) => (a.startsWith(root) ? relative(a) : a)).join(" ")}`;
    assert.equal(r.error, undefined, `${what}: ${r.error}`);
    assert.equal(r.signal, null, `${what} was killed by ${r.signal}`);
    assert.ok(codes.includes(r.status), `${what} exited ${r.status} (expected one of ${codes}):\n${r.stderr}${r.stdout}`);
    assert.equal(r.stderr, "", `${what} wrote to stderr`);
    return r.stdout;
  }

  /** One parsed JSON value per output line. */
  function jsonLines(stdout, label) {
    const lines = stdout.split("\n");
    assert.equal(lines.pop(), "", `${label}: output does not end with a newline`);
    return lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (err) {
        assert.fail(`${label}: output line ${i + 1} is not JSON: ${line}`);
      }
    });
  }

  /** Runs `rolegate check BUNDLE -` on `requests` as JSON Lines; one result per request. */
  function check(bundle, requests, label) {
    const input = requests.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
    // One request alone is read as a single request: its exit code tells the effect.
    const results = jsonLines(run(["check", bundle, "-"], { input, codes: [0, 2, 3, 4] }), label);
    assert.equal(results.length, requests.length, `${label}: ${requests.length} requests, ${results.length} answers`);
    results.forEach((result, i) => assertResult("decision.schema.json", result, `${label}, request ${i + 1} ${typeof requests[i] === "string" ? requests[i] : JSON.stringify(requests[i])}`));
    return results;
  }

  const QUERIES = {
    whatCan: { command: "what-can", args: (q) => [q.member, q.scope], ref: "queries.schema.json#/$defs/whatCanResult" },
    whoCan: { command: "who-can", args: (q) => [q.action, q.scope], ref: "queries.schema.json#/$defs/whoCanResult" },
    visibleMembers: { command: "visible", args: (q) => [q.actor, q.scope], ref: "queries.schema.json#/$defs/visibleMembersResult" },
  };

  /** Runs one query through the CLI and validates the answer. */
  function query(kind, bundle, q, label) {
    const { command, args, ref } = QUERIES[kind];
    const [result] = jsonLines(run([command, "--format", "json", bundle, ...args(q)]), label);
    assertResult(ref, result, `${label}: ${command} ${args(q).join(" ")}`);
    return result;
  }

  const reasonCodesSeen = new Set();
  const noteReasons = (results) => {
    for (const r of results) if (r.ok) for (const reason of r.reasons) reasonCodesSeen.add(reason.code);
  };

  // -------------------------------------------------------------------------------------
  // Every scenario file in the tree.

  test("scenario cases: every check, whatCan, whoCan and visibleMembers answer validates", async (t) => {
    const files = jsonFilesUnder(scenariosDir);
    if (files.length === 0) t.diagnostic("no tests/scenarios/**/*.json yet");
    for (const file of files) {
      await t.test(relative(file), () => {
        const scenario = readJson(file);
        const bundle = typeof scenario.bundle === "string"
          ? path.resolve(path.dirname(file), scenario.bundle)
          : writeTemp(`${path.basename(file)}.bundle.json`, scenario.bundle);
        if (scenario.expectBundleErrors) {
          const result = JSON.parse(run(["validate", "--format", "json", bundle]));
          assertResult("error.schema.json", result, `${relative(file)}: validate`);
          return;
        }
        const cases = scenario.cases ?? [];
        const checks = cases.filter((c) => c.check);
        if (checks.length > 0) {
          const requests = checks.map((c) => {
            const request = { ...c.check };
            if (!("now" in request) && scenario.now !== undefined) request.now = scenario.now;
            return request;
          });
          const results = check(bundle, requests, relative(file));
          noteReasons(results);
          results.forEach((result, i) => {
            const c = checks[i];
            assert.equal(result.ok, !c.expect.errors, `${c.id}: ok is ${result.ok}`);
            if (result.ok) {
              for (const key of ["actor", "action", "resource"]) assert.equal(result[key], requests[i][key], `${c.id}: ${key}`);
            }
          });
        }
        for (const c of cases) {
          const kind = Object.keys(QUERIES).find((k) => c[k]);
          if (!kind) continue;
          if (c[kind].now !== undefined) t.diagnostic(`${c.id}: the CLI takes no \`now\`; queried without it`);
          const result = query(kind, bundle, c[kind], `${relative(file)} ${c.id}`);
          assert.equal(result.ok, true, `${c.id}: the query was rejected: ${JSON.stringify(result)}`);
        }
      });
    }
  });

  // -------------------------------------------------------------------------------------
  // A bundle that makes the engine give every reason code (see engine/src/decide.cc).

  const FIXTURE = {
    format: "rolegate/1",
    name: "every reason code",
    scopeTypes: [
      { id: "company" },
      { id: "group", parents: ["company"] },
      { id: "account", parents: ["group"] },
    ],
    scopes: [
      { id: "co-1", type: "company" },
      { id: "grp-1", type: "group", parent: "co-1" },
      { id: "grp-2", type: "group", parent: "co-1" },
      { id: "acc-1", type: "account", parent: "grp-1" },
      { id: "acc-2", type: "account", parent: "grp-1" },
      { id: "acc-3", type: "account", parent: "grp-2" },
    ],
    permissions: [
      { id: "bill.view", appliesTo: ["account"] },
      { id: "bill.pay", appliesTo: ["account"] },
      { id: "orders.place", appliesTo: ["account"] },
      { id: "orders.approve", appliesTo: ["account", "group"] },
      { id: "wire.send", appliesTo: ["account"] },
      { id: "roles.manage", appliesTo: ["account"], rankLimited: true },
      { id: "co.admin", appliesTo: ["company"] },
    ],
    roles: [
      { id: "billing.user", family: "billing", rank: 10, permissions: ["bill.view", "orders.place", "roles.manage"], assignableAt: ["account"], exclusive: true, sees: { minRank: 30 } },
      {
        id: "billing.admin", family: "billing", rank: 30, permissions: ["bill.pay", "orders.approve", "wire.send"], inherits: ["billing.user"],
        assignableAt: ["account", "group"], exclusive: true, sees: { minRank: 0, families: ["billing", "company"], fields: ["email", "name"] }, manages: { upToRank: 30 },
      },
      { id: "billing.super", family: "billing", rank: 40, inherits: ["billing.admin"], assignableAt: ["account"], exclusive: true, manages: { upToRank: 40, families: ["billing"] } },
      { id: "apps.admin", family: "apps", rank: 30, assignableAt: ["group"] },
      { id: "co.owner", family: "company", rank: 50, permissions: ["co.admin"], assignableAt: ["company"] },
    ],
    selfUpgrades: [
      { id: "su.user", action: "roles.self_upgrade", from: ["billing.user"], to: ["billing.admin"], unlessPresent: { minRank: 30 }, verification: { method: "postal_pin", validForDays: 28 } },
      { id: "su.same", action: "roles.self_upgrade", from: ["billing.admin"], to: ["billing.admin"] },
      { id: "su.promote", action: "roles.promote", from: ["billing.user"], to: ["billing.admin"] },
    ],
    claims: [{ id: "claim.apps", action: "roles.claim_apps", holder: ["billing.super"], grants: "apps.admin", within: "company" }],
    approvalRules: [
      {
        id: "orders.large", actions: ["orders.place"], scopeTypes: ["account"],
        when: [{ attribute: "orderTotal", op: "gt", value: 50000 }, { attribute: "rush", op: "eq", value: true }],
        approvers: { permission: "orders.approve" }, expiresAfterDays: 7,
      },
      { id: "wire.all", actions: ["wire.send"], approvers: { roles: ["billing.super"] }, quorum: 5 },
    ],
    invariants: [{ id: "emails", kind: "unique_email", severity: "warning" }],
    members: [
      { id: "m-super", email: "super@example.com", name: "Sue", status: "active" },
      { id: "m-admin", email: "admin@example.com", name: "Adam", status: "active" },
      { id: "m-gadmin", email: "gadmin@example.com", status: "active" },
      { id: "m-user", email: "user@example.com", name: "Uma", status: "active" },
      { id: "m-user2", name: "Ulla", status: "invited" },
      { id: "m-user3", email: "USER@example.com", name: "Ugo", status: "active" },
      { id: "m-blocked", name: "Bea", status: "blocked" },
      { id: "m-expired", name: "Ed", status: "active" },
      { id: "m-none", name: "Nobody", status: "active" },
      { id: "m-owner", name: "Otto", status: "active" },
      { id: "m-gone", name: "Gone", status: "removed" },
    ],
    bindings: [
      { id: "b-super", member: "m-super", role: "billing.super", scope: "acc-1" },
      { id: "b-admin", member: "m-admin", role: "billing.admin", scope: "acc-1" },
      { id: "b-gadmin", member: "m-gadmin", role: "billing.admin", scope: "grp-1", grantedBy: "onboarding", grantedAt: "2026-01-01T00:00:00Z" },
      { id: "b-user", member: "m-user", role: "billing.user", scope: "acc-1" },
      { id: "b-user2", member: "m-user2", role: "billing.user", scope: "acc-2" },
      { id: "b-user2-acc1", member: "m-user2", role: "billing.user", scope: "acc-1" },
      { id: "b-user3", member: "m-user3", role: "billing.user", scope: "acc-3" },
      { id: "b-blocked", member: "m-blocked", role: "billing.user", scope: "acc-1" },
      { id: "b-expired", member: "m-expired", role: "billing.user", scope: "acc-2", expiresAt: "2020-01-01T00:00:00Z" },
      { id: "b-owner", member: "m-owner", role: "co.owner", scope: "co-1" },
      { member: "m-gone", role: "billing.super", scope: "acc-2" },
    ],
  };

  const rq = (actor, action, resource, attributes) => ({ actor, action, resource, ...(attributes ? { attributes } : {}), now: NOW });
  // Each request with the reason codes its decision must carry (what decide.cc gives).
  const FIXTURE_REQUESTS = [
    [rq("m-gadmin", "bill.pay", "acc-1"), ["granted_by"]],
    [rq("m-blocked", "bill.view", "acc-1"), ["member_not_active"]],
    [rq("m-owner", "co.admin", "acc-1"), ["action_not_applicable"]],
    [rq("m-none", "bill.view", "acc-1"), ["no_binding"]],
    [rq("m-expired", "bill.view", "acc-2"), ["binding_expired"]],
    [rq("m-user", "bill.pay", "acc-1"), ["permission_not_granted"]],
    [rq("m-admin", "roles.manage", "acc-1", { role: "billing.super" }), ["rank_too_low"]],
    [rq("m-user", "roles.manage", "acc-1", { role: "billing.admin" }), ["rank_too_low"]],
    [rq("m-user", "roles.manage", "acc-1", { target: "m-user2" }), ["rank_too_low"]],
    [rq("m-admin", "roles.manage", "acc-1", { target: "m-super" }), ["target_outranks_actor"]],
    [rq("m-admin", "roles.manage", "acc-1", { role: "billing.super", target: "m-super" }), ["rank_too_low"]],
    [rq("m-super", "roles.manage", "acc-1", { role: "billing.admin", target: "m-admin" }), ["granted_by"]],
    [rq("m-user", "orders.place", "acc-1", { orderTotal: 60000, rush: true }), ["approval_required"]],
    [rq("m-user", "orders.place", "acc-1", { rush: true }), ["approval_required", "condition_attribute_missing"]],
    [rq("m-user", "orders.place", "acc-1", { orderTotal: "lots", rush: "yes" }), ["approval_required", "condition_type_mismatch"]],
    [rq("m-user", "orders.place", "acc-1", { orderTotal: 100, rush: true }), ["granted_by"]],
    [rq("m-admin", "wire.send", "acc-1"), ["approval_unreachable"]],
    [rq("m-user3", "roles.self_upgrade", "acc-3", { role: "billing.admin" }), ["self_upgrade_allowed", "verification_required"]],
    [rq("m-user3", "roles.promote", "acc-3", { role: "billing.admin" }), ["self_upgrade_allowed"]],
    [rq("m-user", "roles.self_upgrade", "acc-2", { role: "billing.admin" }), ["not_eligible"]],
    [rq("m-user", "roles.self_upgrade", "acc-1", { role: "billing.admin" }), ["self_upgrade_blocked", "not_eligible"]],
    [rq("m-admin", "roles.self_upgrade", "acc-1", { role: "billing.admin" }), ["not_eligible", "not_an_upgrade"]],
    [rq("m-user", "roles.self_upgrade", "acc-1", { role: "billing.super" }), ["not_eligible"]],
    [rq("m-super", "roles.claim_apps", "grp-1"), ["claimable"]],
    [rq("m-super", "roles.claim_apps", "grp-1", { role: "apps.admin" }), ["claimable"]],
    [rq("m-admin", "roles.claim_apps", "grp-1"), ["claim_not_available"]],
    [rq("m-super", "roles.claim_apps", "grp-1", { role: "billing.admin" }), ["claim_not_available"]],
    [rq("m-super", "roles.claim_apps", "acc-1"), ["claim_not_available"]],
  ];

  let fixtureFile;
  const fixture = () => (fixtureFile ??= writeTemp("every-reason.bundle.json", FIXTURE));

  test("the reason-code bundle validates against bundle.schema.json and the engine loads it", () => {
    assertValid("bundle.schema.json", FIXTURE, "FIXTURE (as input)");
    const result = JSON.parse(run(["validate", "--format", "json", fixture()]));
    assert.equal(result.ok, true, `the engine rejects the fixture: ${JSON.stringify(result)}`);
    // The success shape of `validate --format json` has no schema; its warnings are errors.
    assert.ok(Array.isArray(result.warnings) && result.warnings.length > 0, "expected a duplicate_email warning");
    for (const w of result.warnings) assertValid("error.schema.json#/$defs/error", w, "validate warning");
  });

  test("every reason code: the engine's decisions validate against decision.schema.json", () => {
    const results = check(fixture(), FIXTURE_REQUESTS.map(([r]) => r), "fixture");
    noteReasons(results);
    results.forEach((result, i) => {
      const [request, codes] = FIXTURE_REQUESTS[i];
      assert.equal(result.ok, true, `${JSON.stringify(request)} was rejected: ${JSON.stringify(result)}`);
      const got = result.reasons.map((r) => r.code);
      for (const code of codes) assert.ok(got.includes(code), `${JSON.stringify(request)}: expected reason ${code}, got ${got}`);
    });
    // Edge shapes named in docs/format.md and the schema descriptions.
    const reason = (i, code) => results[i].reasons.find((r) => r.code === code);
    assert.equal(reason(0, "granted_by").inheritedFrom, "grp-1");
    assert.equal(reason(7, "rank_too_low").have, -1);
    assert.deepEqual(pick(reason(8, "rank_too_low"), ["role", "have", "need"]), { role: "", have: -1, need: 0 });
    assert.equal(results[18].effect, "allow", "a self-upgrade rule without verification allows outright");
    assert.equal(reason(22, "not_eligible").rule, "");
    assert.deepEqual(reason(22, "not_eligible").from, []);
    assert.deepEqual(reason(26, "claim_not_available").holder, []);
  });

  test("every reason code of decision.schema.json was seen in a real engine answer", () => {
    const codes = validator("decision.schema.json").schema.$defs.reasonCode.enum;
    // The test above fills the set; run it here too in case it was filtered out.
    if (reasonCodesSeen.size === 0) noteReasons(check(fixture(), FIXTURE_REQUESTS.map(([r]) => r), "fixture"));
    assert.deepEqual(codes.filter((c) => !reasonCodesSeen.has(c)), [], "reason codes never produced by the engine");
    assert.deepEqual([...reasonCodesSeen].filter((c) => !codes.includes(c)), [], "reason codes missing from the schema");
  });

  test("queries on the reason-code bundle validate against queries.schema.json", () => {
    const whoCanNot = query("whoCan", fixture(), { action: "co.admin", scope: "acc-1" }, "fixture");
    assert.equal(whoCanNot.applies, false);
    const whoCan = query("whoCan", fixture(), { action: "bill.pay", scope: "acc-1" }, "fixture");
    assert.ok(whoCan.members.some((m) => m.bindings.some((b) => b.inheritedFrom === "grp-1")), "an inherited binding in whoCan");
    query("whatCan", fixture(), { member: "m-gadmin", scope: "acc-2" }, "fixture");
    query("whatCan", fixture(), { member: "m-blocked", scope: "acc-1" }, "fixture");
    query("whatCan", fixture(), { member: "m-owner", scope: "co-1" }, "fixture");
    const visible = query("visibleMembers", fixture(), { actor: "m-admin", scope: "acc-1" }, "fixture");
    assert.ok(visible.members.some((m) => "email" in m) && visible.members.some((m) => m.status !== "active"), "e-mail and status shown");
    query("visibleMembers", fixture(), { actor: "m-admin", scope: "grp-1" }, "fixture");
    query("visibleMembers", fixture(), { actor: "m-user", scope: "acc-1" }, "fixture");
    query("visibleMembers", fixture(), { actor: "m-blocked", scope: "acc-1" }, "fixture");
  });

  // -------------------------------------------------------------------------------------
  // Errors.

  const INVALID_REQUESTS = [
    ['{"actor":"m-ghost","action":"bill.view","resource":"acc-1","now":"2026-12-01T09:00:00Z"}', ["unknown_member"]],
    ['{"action":"bill.view","resource":"acc-1","now":"2026-12-01T09:00:00Z"}', ["missing_field"]],
    ['{"actor":"m-user","action":"bill.view","resource":"acc-1"}', ["missing_field"]],
    ['{"actor":"m-ghost","action":"bill.fly","resource":"nowhere","now":"2026-12-01T09:00:00Z"}', ["unknown_member", "unknown_action", "unknown_scope"]],
    ['{"actor":"m-ghost","action":"bill.view","resource":"acc-1","now":"2026-12-01T09:00"}', ["invalid_timestamp"]],
    ['{"actor":"m-user","action":"bill.view","resource":"acc-1","now":"2026-12-01T09:00:00Z","subject":"x"}', ["unknown_field"]],
    ['{"actor":7,"action":"","resource":"acc-1","now":"2026-12-01T09:00:00Z"}', ["wrong_type", "invalid_value"]],
    ['{"actor":"m-user","action":"bill.view","resource":"acc-1","now":"2026-12-01T09:00:00Z","attributes":{"total":2.5,"list":[1]}}', ["not_an_integer", "wrong_type"]],
    ['{"actor":"m-user","action":"roles.manage","resource":"acc-1","now":"2026-12-01T09:00:00Z"}', ["missing_attribute"]],
    ['{"actor":"m-user","action":"roles.self_upgrade","resource":"acc-1","now":"2026-12-01T09:00:00Z"}', ["missing_attribute"]],
    ['{"actor":"m-user","action":"roles.manage","resource":"acc-1","now":"2026-12-01T09:00:00Z","attributes":{"role":"billing.ghost","target":"m-ghost"}}', ["unknown_role", "unknown_member"]],
    ['{"actor":"m-user","actor":"m-admin","action":"bill.view","resource":"acc-1","now":"2026-12-01T09:00:00Z"}', ["duplicate_key"]],
    ['{"actor": "m-user", "action": ', ["parse_error"]],
    ['["not", "an", "object"]', ["wrong_type"]],
  ];

  test("invalid requests: the errors validate against error.schema.json", () => {
    const results = check(fixture(), INVALID_REQUESTS.map(([line]) => line), "invalid requests");
    results.forEach((result, i) => {
      const [line, codes] = INVALID_REQUESTS[i];
      assert.equal(result.ok, false, `${line} was decided`);
      const got = result.errors.map((e) => e.code);
      for (const code of codes) assert.ok(got.includes(code), `${line}: expected ${code}, got ${got}`);
    });
    // A single request (not JSON Lines) is answered the same way.
    const [single] = jsonLines(run(["check", fixture(), "-"], { input: INVALID_REQUESTS[0][0], codes: [3] }), "single");
    assertResult("decision.schema.json", single, "single invalid request");
  });

  test("invalid queries: the errors validate against error.schema.json", () => {
    const cases = [
      ["whatCan", { member: "m-ghost", scope: "nowhere" }, ["unknown_member", "unknown_scope"]],
      ["whatCan", { member: "", scope: "acc-1" }, ["invalid_value"]],
      ["whoCan", { action: "bill.fly", scope: "acc-1" }, ["unknown_action"]],
      ["whoCan", { action: "roles.self_upgrade", scope: "acc-1" }, ["unknown_action"]],
      ["visibleMembers", { actor: "m-ghost", scope: "acc-1" }, ["unknown_member"]],
      ["visibleMembers", { actor: "m-user", scope: "x".repeat(300) }, ["invalid_value"]],
    ];
    for (const [kind, q, codes] of cases) {
      const result = query(kind, fixture(), q, `invalid ${kind}`);
      assert.equal(result.ok, false);
      const got = result.errors.map((e) => e.code);
      for (const code of codes) assert.ok(got.includes(code), `${kind} ${JSON.stringify(q)}: expected ${code}, got ${got}`);
    }
  });

  test("validate --format json: the errors of dozen-mistakes.json validate against error.schema.json", () => {
    const file = path.join(invalidDir, "dozen-mistakes.json");
    const result = JSON.parse(run(["validate", "--format", "json", file], { codes: [3] }));
    assertResult("error.schema.json", result, "validate dozen-mistakes.json");
    assert.equal(result.ok, false);
    const expected = readJson(path.join(invalidDir, "dozen-mistakes.expected.json"));
    const got = result.errors.map((e) => `${e.code} ${e.pointer}`);
    for (const e of expected) assert.ok(got.includes(`${e.code} ${e.pointer}`), `${e.code} at ${e.pointer} not reported`);
  });

  test("validate --format json: other bundle errors (malformed, unknown_family, approvers) validate", () => {
    const malformed = JSON.parse(run(["validate", "--format", "json", path.join(invalidDir, "malformed.json")], { codes: [3] }));
    assertResult("error.schema.json", malformed, "validate malformed.json");
    const bundle = structuredClone(FIXTURE);
    bundle.roles[0].sees = { families: ["nobody"], fields: ["phone"] };
    bundle.roles[1].manages = { families: ["ghosts"] };
    bundle.approvalRules[1].approvers = { permission: "orders.approve", roles: ["billing.super"] };
    bundle.approvalRules[0].when[0].value = true;
    bundle.members[0].email = "not-an-address";
    bundle.format = "rolegate/2";
    const result = JSON.parse(run(["validate", "--format", "json", writeTemp("broken.bundle.json", bundle)], { codes: [3] }));
    assertResult("error.schema.json", result, "validate a broken bundle");
    const got = result.errors.map((e) => `${e.code} ${e.pointer}`);
    for (const want of [
      "unknown_family /roles/0/sees/families/0",
      "invalid_value /roles/0/sees/fields/0",
      "unknown_family /roles/1/manages/families/0",
      "missing_field /roles/1/manages",
      "invalid_value /approvalRules/1/approvers",
      "wrong_type /approvalRules/0/when/0/value",
      "invalid_value /members/0/email",
      "unsupported_format /format",
    ]) assert.ok(got.includes(want), `${want} not reported: ${got.join(", ")}`);
    // The schema rejects the same bundle.
    assert.equal(validator("bundle.schema.json")(bundle), false);
  });

  test("test --format json: scenario errors (bundle_unreadable) validate against error.schema.json", () => {
    const scenario = writeTemp("unreadable.scenario.json", {
      format: "rolegate-scenario/1", name: "a bundle that is not there", bundle: "no-such-bundle.json", now: NOW,
      cases: [{ id: "c", check: { actor: "m-user", action: "bill.view", resource: "acc-1" }, expect: { effect: "allow" } }],
    });
    const [report] = JSON.parse(run(["test", "--format", "json", scenario], { codes: [3] }));
    const failure = { ok: false, errors: report.errors };
    assertValid("error.schema.json", failure, "scenario errors");
    assert.ok(report.errors.some((e) => e.code === "bundle_unreadable" && e.pointer === "/bundle"));
  });

  // docs/format.md section 5: errors are ordered by pointer.
  test("request errors are ordered by pointer (docs/format.md section 5)", () => {
    const [result] = check(fixture(), [INVALID_REQUESTS[3][0]], "ordering");
    const pointers = result.errors.map((e) => e.pointer);
    assert.deepEqual(pointers, [...pointers].sort(), `errors out of pointer order: ${pointers.join(", ")}`);
  });
}

function pick(object, keys) {
  return Object.fromEntries(keys.map((k) => [k, object?.[k]]));
}
