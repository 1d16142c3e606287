// Checks the JSON Schemas in schemas/ against docs/format.md: every schema compiles in
// Ajv's strict mode, a small valid document of each kind passes, typical mistakes fail at
// the right place, and every example bundle and scenario file in the tree validates.
// Run: node --test tests/schema/
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const schemaDir = path.join(root, "schemas");
const examplesDir = path.join(root, "examples");
const scenariosDir = path.join(root, "tests", "scenarios");
const invalidDir = path.join(root, "tests", "data", "invalid");
const BASE = "https://rolegate.dev/schemas/";
const EXPECTED_SCHEMAS = [
  "bundle.schema.json",
  "request.schema.json",
  "decision.schema.json",
  "error.schema.json",
  "queries.schema.json",
  "scenario.schema.json",
  "changeset.schema.json",
  "simulation.schema.json",
  "analysis.schema.json",
  "changechain.schema.json",
];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function schemaFiles() {
  return fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).sort();
}

function makeAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const f of schemaFiles()) ajv.addSchema(readJson(path.join(schemaDir, f)));
  return ajv;
}

const ajv = makeAjv();
const validator = (name) => ajv.getSchema(BASE + name);

/** Every *.json file under `dir`, recursively, sorted; none when `dir` does not exist. */
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

/** examples/<name>/bundle.json for every example directory that has one. */
function exampleBundles() {
  if (!fs.existsSync(examplesDir)) return [];
  return fs
    .readdirSync(examplesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(examplesDir, e.name, "bundle.json"))
    .filter((f) => fs.existsSync(f))
    .sort();
}

function describeErrors(errors) {
  return (errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.keyword}: ${e.message} ${JSON.stringify(e.params)}`)
    .join("\n");
}

function assertValid(name, doc, label = name) {
  const validate = validator(name);
  const ok = validate(doc);
  assert.ok(ok, `${label} should be valid against ${name}:\n${describeErrors(validate.errors)}`);
}

/** Asserts that `doc` is invalid and that one error is `keyword` at `instancePath`. */
function assertRejected(name, doc, instancePath, keyword) {
  const validate = validator(name);
  assert.equal(validate(doc), false, `expected ${name} to reject the document`);
  const hit = validate.errors.some((e) => e.instancePath === instancePath && e.keyword === keyword);
  assert.ok(hit, `expected a \`${keyword}\` error at \`${instancePath}\`, got:\n${describeErrors(validate.errors)}`);
}

function relative(file) {
  return path.relative(root, file);
}

// ---------------------------------------------------------------------------------------
// Documents used by the tests below.

const VALID_BUNDLE = {
  format: "rolegate/1",
  revision: "2026-12-01.1",
  name: "Schema test portal",
  description: "A small bundle that touches every section of the format.",
  scopeTypes: [
    { id: "group", label: "Group", parents: [] },
    { id: "billing_account", label: "Billing account", parents: ["group"] },
  ],
  scopes: [
    { id: "grp-north", type: "group", name: "North" },
    { id: "acc-1001", type: "billing_account", parent: "grp-north", name: "Leeds", attributes: { postcode: "LS1 4AP", seats: 12, vip: true } },
  ],
  permissions: [
    { id: "billing.view", label: "View bills", description: "See bills.", appliesTo: ["billing_account"] },
    { id: "billing.pay", label: "Pay bills", appliesTo: ["billing_account"] },
    { id: "orders.place", appliesTo: ["billing_account"] },
    { id: "orders.approve", appliesTo: ["billing_account", "group"] },
    { id: "roles.manage", appliesTo: ["billing_account"], rankLimited: true },
  ],
  roles: [
    {
      id: "billing.user", label: "User", family: "billing", rank: 10,
      permissions: ["billing.view", "orders.place"], assignableAt: ["billing_account"],
      exclusive: true, sees: { minRank: 30 },
    },
    {
      id: "billing.admin", label: "Admin", family: "billing", rank: 30,
      permissions: ["billing.pay", "orders.approve", "roles.manage"], inherits: ["billing.user"],
      assignableAt: ["billing_account", "group"], exclusive: true, hasService: true, custom: false,
      appliesToDescendants: true,
      sees: { minRank: 0, families: ["billing"], fields: ["email"] },
      manages: { upToRank: 30, families: ["billing"] },
    },
  ],
  selfUpgrades: [
    {
      id: "billing.self_upgrade.from_user", action: "roles.self_upgrade",
      from: ["billing.user"], to: ["billing.admin"], unlessPresent: { minRank: 30 },
      verification: { method: "postal_pin", validForDays: 28 },
    },
  ],
  claims: [
    { id: "claim.admin", action: "roles.claim_admin", holder: ["billing.admin"], grants: "billing.admin", within: "group" },
  ],
  approvalRules: [
    {
      id: "orders.large", actions: ["orders.place"], scopeTypes: ["billing_account"],
      requesterRoles: ["billing.user"],
      when: [
        { attribute: "orderTotal", op: "gt", value: 50000 },
        { attribute: "channel", op: "in", value: ["web", "phone"] },
        { attribute: "currency", op: "eq", value: "GBP" },
      ],
      approvers: { permission: "orders.approve" }, quorum: 1, expiresAfterDays: 7,
    },
    { id: "pay.any", actions: ["billing.pay"], approvers: { roles: ["billing.admin"] } },
  ],
  invariants: [
    { id: "one-admin", kind: "min_holders", severity: "warning", family: "billing", minRank: 30, scopeType: "billing_account", count: 1 },
    { id: "unique-email", kind: "unique_email", severity: "error", kinds: ["end_user", "account_manager"] },
    { id: "custom-within", kind: "custom_role_within_creator", severity: "error" },
  ],
  members: [
    { id: "m-alex", email: "alex@example.com", name: "Alex", kind: "end_user", status: "active", registered: true, brandingDomain: "bt.com", language: "en" },
    { id: "m-uma", name: "Uma", status: "invited", registered: false, invitation: { sentAt: "2026-11-20T09:00:00Z", expiresAt: "2026-12-04T09:00:00Z" } },
  ],
  bindings: [
    { id: "b-1", member: "m-alex", role: "billing.admin", scope: "acc-1001", grantedBy: "m-uma", grantedAt: "2026-01-15T10:00:00Z" },
    { member: "m-uma", role: "billing.user", scope: "acc-1001", expiresAt: "2027-01-01T00:00:00Z" },
  ],
  operations: {
    invite: { action: "roles.manage", invitationValidForDays: 14 },
    change_role: { action: "roles.manage" },
    request_self_upgrade: { action: "roles.self_upgrade" },
    claim_role: { action: "roles.claim_admin" },
  },
  notifications: [
    { event: "role_downgraded", channels: ["in_app"], revealActor: true },
    { event: "member_removed", channels: ["in_app"], revealActor: true, revealActorEmail: true },
    { event: "activation_email", channels: ["email"], temporaryPassword: true },
  ],
  verifications: [
    {
      id: "verification-1", member: "m-uma", role: "billing.admin", scope: "acc-1001", rule: "billing.self_upgrade.from_user",
      method: "postal_pin", issuedAt: "2026-11-20T09:00:00Z", expiresAt: "2026-12-18T09:00:00Z",
    },
  ],
  approvalRequests: [
    {
      id: "request-1", group: "request-1", requester: "m-uma", rule: "orders.large", action: "orders.place", resource: "acc-1001",
      attributes: { orderTotal: 60000 }, operation: { op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.admin", attributes: { orderTotal: 60000 } },
      createdAt: "2026-11-30T09:00:00Z", expiresAt: "2026-12-07T09:00:00Z",
      decisions: [{ member: "m-alex", decision: "approve", at: "2026-11-30T10:00:00Z" }],
    },
    { id: "request-2", requester: "m-uma", rule: "pay.any", action: "billing.pay", resource: "acc-1001", operation: { op: "accept_invitation" }, createdAt: "2026-11-30T09:00:00Z", decisions: [] },
  ],
};

// The change set of docs/changes.md section 2, as written there.
const DOC_CHANGE_SET = {
  format: "rolegate-changeset/1",
  baseRevision: "fnv1a64:e10243e844d06d6c",
  actor: "m-olivia",
  now: "2026-12-01T09:00:00Z",
  operations: [
    { op: "change_role", member: "m-raj", scope: "acc-1001", role: "billing.super_admin" },
  ],
};

// The examples of docs/format.md sections 2, 3 and 6, as written there.
const DOC_REQUEST = {
  actor: "m-alex", action: "billing.pay", resource: "acc-1002",
  attributes: { orderTotal: 12000 }, now: "2026-12-01T09:30:00Z",
};

const DOC_DECISION = {
  ok: true, actor: "m-alex", action: "billing.pay", resource: "acc-1002",
  effect: "allow",
  reasons: [{ code: "granted_by", binding: "b-7", role: "billing.admin", scope: "grp-north", inheritedFrom: "grp-north", message: "…" }],
  requirements: { approvals: [], verifications: [] },
};

const DOC_SCENARIO = {
  format: "rolegate-scenario/1",
  name: "billing roles",
  bundle: "../../examples/bt-business/bundle.json",
  now: "2026-12-01T09:00:00Z",
  cases: [
    {
      id: "user-cannot-tag", seed: "000_31ce3bb475cfba22.txt",
      quote: "Do all billing tasks, except tag services and their costs.",
      check: { actor: "m-uma", action: "billing.tag_services", resource: "acc-1001" },
      expect: { effect: "deny", reasons: ["permission_not_granted"] },
    },
  ],
};

const clone = (v) => structuredClone(v);

// ---------------------------------------------------------------------------------------
// The schemas themselves.

test("schemas/ holds the ten schemas, each with the 2020-12 $schema and its own $id", () => {
  const files = schemaFiles();
  for (const name of EXPECTED_SCHEMAS) assert.ok(files.includes(name), `missing schemas/${name}`);
  for (const name of files) {
    const schema = readJson(path.join(schemaDir, name));
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema", name);
    assert.equal(schema.$id, BASE + name, name);
  }
});

test("every schema compiles with Ajv2020 in strict mode", () => {
  for (const name of schemaFiles()) {
    const validate = validator(name);
    assert.equal(typeof validate, "function", `${name} did not compile`);
  }
});

test("every property of every schema has a description", () => {
  const missing = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${where}/${i}`));
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
        for (const [prop, sub] of Object.entries(value)) {
          // `prop: false` forbids a property and `prop: {const}` inside if/then only tests it.
          if (sub === false || sub === true) continue;
          if (where.includes("/if") || where.includes("/then") || where.includes("/else")) continue;
          if (typeof sub.description !== "string" || sub.description === "") missing.push(`${where}/properties/${prop}`);
        }
      }
      walk(value, `${where}/${key}`);
    }
  };
  for (const name of schemaFiles()) walk(readJson(path.join(schemaDir, name)), name + "#");
  assert.deepEqual(missing, []);
});

// ---------------------------------------------------------------------------------------
// Bundles.

test("a small valid bundle validates", () => {
  assertValid("bundle.schema.json", VALID_BUNDLE, "VALID_BUNDLE");
  assertValid("bundle.schema.json", { format: "rolegate/1" }, "the smallest bundle");
});

test("bundle: what the engine accepts beyond the first draft validates", () => {
  const doc = clone(VALID_BUNDLE);
  delete doc.selfUpgrades[0].verification; // allowed outright, without verification
  doc.roles[1].sees.fields = ["email", "name"];
  doc.approvalRules[0].when.push({ attribute: "urgent", op: "eq", value: true });
  doc.approvalRules[0].when.push({ attribute: "flag", op: "in", value: [true, "yes", 1] });
  doc.bindings[0].grantedBy = "the onboarding import";
  doc.revision = "";
  assertValid("bundle.schema.json", doc, "a bundle using the engine's full input range");
});

test("bundle: an unknown field is rejected", () => {
  const doc = clone(VALID_BUNDLE);
  doc.roles[0].permisions = doc.roles[0].permissions;
  assertRejected("bundle.schema.json", doc, "/roles/0", "additionalProperties");
  const top = clone(VALID_BUNDLE);
  top.scopetypes = [];
  assertRejected("bundle.schema.json", top, "", "additionalProperties");
});

test("bundle: a member status outside the enum is rejected", () => {
  const doc = clone(VALID_BUNDLE);
  doc.members[0].status = "sleeping";
  assertRejected("bundle.schema.json", doc, "/members/0/status", "enum");
});

test("bundle: a fractional rank is rejected", () => {
  const doc = clone(VALID_BUNDLE);
  doc.roles[1].rank = 2.5;
  assertRejected("bundle.schema.json", doc, "/roles/1/rank", "type");
  const negative = clone(VALID_BUNDLE);
  negative.roles[1].rank = -1;
  assertRejected("bundle.schema.json", negative, "/roles/1/rank", "minimum");
});

test("bundle: a timestamp not in the form YYYY-MM-DDTHH:MM:SSZ is rejected", () => {
  for (const bad of ["2026-12-01T09:30Z", "2026-12-01 09:30:00Z", "2026-12-01T09:30:00+01:00", "2026-12-01T09:30:00.000Z"]) {
    const doc = clone(VALID_BUNDLE);
    doc.bindings[1].expiresAt = bad;
    assertRejected("bundle.schema.json", doc, "/bindings/1/expiresAt", "pattern");
  }
});

test("bundle: other shape mistakes are rejected where they are", () => {
  const cases = [
    ["wrong format", (d) => { d.format = "rolegate/2"; }, "/format", "const"],
    ["format missing", (d) => { delete d.format; }, "", "required"],
    ["empty id", (d) => { d.scopes[0].id = ""; }, "/scopes/0/id", "minLength"],
    ["id of 257 characters", (d) => { d.members[1].id = "m".repeat(257); }, "/members/1/id", "maxLength"],
    ["empty appliesTo", (d) => { d.permissions[0].appliesTo = []; }, "/permissions/0/appliesTo", "minItems"],
    ["empty assignableAt", (d) => { d.roles[0].assignableAt = []; }, "/roles/0/assignableAt", "minItems"],
    ["rankLimited not a boolean", (d) => { d.permissions[4].rankLimited = "yes"; }, "/permissions/4/rankLimited", "type"],
    ["unknown invariant kind", (d) => { d.invariants[0].kind = "max_holders"; }, "/invariants/0/kind", "enum"],
    ["bad severity", (d) => { d.invariants[1].severity = "fatal"; }, "/invariants/1/severity", "enum"],
    ["min_holders without count", (d) => { delete d.invariants[0].count; }, "/invariants/0", "required"],
    ["field of another invariant kind", (d) => { d.invariants[2].count = 1; }, "/invariants/2", "additionalProperties"],
    ["unknown op", (d) => { d.approvalRules[0].when[0].op = "gte"; }, "/approvalRules/0/when/0/op", "enum"],
    ["`in` with a single value", (d) => { d.approvalRules[0].when[1].value = "web"; }, "/approvalRules/0/when/1/value", "type"],
    ["`eq` with a list", (d) => { d.approvalRules[0].when[2].value = ["GBP"]; }, "/approvalRules/0/when/2/value", "not"],
    ["fractional quorum", (d) => { d.approvalRules[0].quorum = 1.5; }, "/approvalRules/0/quorum", "type"],
    ["empty approvers", (d) => { d.approvalRules[1].approvers = {}; }, "/approvalRules/1/approvers", "oneOf"],
    ["approvers with both permission and roles", (d) => { d.approvalRules[1].approvers.permission = "orders.approve"; }, "/approvalRules/1/approvers", "oneOf"],
    ["approvers with an empty roles list", (d) => { d.approvalRules[1].approvers.roles = []; }, "/approvalRules/1/approvers/roles", "minItems"],
    ["an ordering operator with a boolean", (d) => { d.approvalRules[0].when[0].value = true; }, "/approvalRules/0/when/0/value", "not"],
    ["manages without upToRank", (d) => { delete d.roles[1].manages.upToRank; }, "/roles/1/manages", "required"],
    ["a rank above 1000000", (d) => { d.roles[1].rank = 1000001; }, "/roles/1/rank", "maximum"],
    ["a self-upgrade from no role", (d) => { d.selfUpgrades[0].from = []; }, "/selfUpgrades/0/from", "minItems"],
    ["an e-mail address without @", (d) => { d.members[0].email = "alex.example.com"; }, "/members/0/email", "pattern"],
    ["a timestamp in month 13", (d) => { d.bindings[1].expiresAt = "2026-13-01T00:00:00Z"; }, "/bindings/1/expiresAt", "pattern"],
    ["sees an unknown field", (d) => { d.roles[1].sees.fields = ["phone"]; }, "/roles/1/sees/fields/0", "enum"],
    ["scope attribute that is an object", (d) => { d.scopes[1].attributes.owner = { id: 1 }; }, "/scopes/1/attributes/owner", "anyOf"],
    ["fractional validForDays", (d) => { d.selfUpgrades[0].verification.validForDays = 0.5; }, "/selfUpgrades/0/verification/validForDays", "type"],
    ["claim without within", (d) => { delete d.claims[0].within; }, "/claims/0", "required"],
    ["binding without scope", (d) => { delete d.bindings[0].scope; }, "/bindings/0", "required"],
    ["too many scope types", (d) => { d.scopeTypes = Array.from({ length: 65 }, (_, i) => ({ id: `t${i}` })); }, "/scopeTypes", "maxItems"],
  ];
  for (const [label, mutate, instancePath, keyword] of cases) {
    const doc = clone(VALID_BUNDLE);
    mutate(doc);
    try {
      assertRejected("bundle.schema.json", doc, instancePath, keyword);
    } catch (err) {
      err.message = `${label}: ${err.message}`;
      throw err;
    }
  }
});

test("bundle: the sections of docs/changes.md are strict", () => {
  const cases = [
    ["an unknown operation kind", (d) => { d.operations.promote = { action: "roles.manage" }; }, "/operations", "propertyNames"],
    ["an operation without action", (d) => { d.operations.invite = { invitationValidForDays: 14 }; }, "/operations/invite", "required"],
    ["invitationValidForDays of 0", (d) => { d.operations.invite.invitationValidForDays = 0; }, "/operations/invite/invitationValidForDays", "minimum"],
    ["an unknown event", (d) => { d.notifications[0].event = "role_lowered"; }, "/notifications/0/event", "enum"],
    ["a notification without channels", (d) => { d.notifications[0].channels = []; }, "/notifications/0/channels", "minItems"],
    ["a notification field typo", (d) => { d.notifications[0].revealActorMail = true; }, "/notifications/0", "additionalProperties"],
    ["a verification without expiry", (d) => { delete d.verifications[0].expiresAt; }, "/verifications/0", "required"],
    ["an unknown decision", (d) => { d.approvalRequests[0].decisions[0].decision = "maybe"; }, "/approvalRequests/0/decisions/0/decision", "enum"],
    ["a request without decisions", (d) => { delete d.approvalRequests[1].decisions; }, "/approvalRequests/1", "required"],
    ["a request whose operation is not one", (d) => { d.approvalRequests[1].operation = { op: "promote" }; }, "/approvalRequests/1/operation/op", "enum"],
    ["an invitation without sentAt", (d) => { delete d.members[1].invitation.sentAt; }, "/members/1/invitation", "required"],
  ];
  for (const [label, mutate, instancePath, keyword] of cases) {
    const doc = clone(VALID_BUNDLE);
    mutate(doc);
    try {
      assertRejected("bundle.schema.json", doc, instancePath, keyword);
    } catch (err) {
      err.message = `${label}: ${err.message}`;
      throw err;
    }
  }
});

// ---------------------------------------------------------------------------------------
// Change sets and simulation results.

test("changeset: the example of docs/changes.md and one operation of every kind validate", () => {
  assertValid("changeset.schema.json", DOC_CHANGE_SET);
  const role = { id: "custom.viewer", family: "custom", rank: 1, permissions: ["billing.view"], assignableAt: ["billing_account"] };
  const rule = { id: "pay.big", actions: ["billing.pay"], approvers: { permission: "orders.approve" } };
  const every = [
    { op: "invite", member: { id: "m-new", email: "new@example.com", name: "New", kind: "end_user", registered: false }, role: "billing.user", scope: "acc-1001", setup: "send_invite" },
    { op: "invite", member: "m-uma", role: "billing.user", scope: "acc-1001" },
    { op: "resend_invitation", member: "m-uma" },
    { op: "accept_invitation" },
    { op: "assign_role", member: "m-uma", role: "billing.user", scopes: ["acc-1001", "acc-1002"] },
    { op: "change_role", member: "m-raj", scope: "acc-1001", role: "billing.super_admin", attributes: { reason: "cover", urgent: true, days: 3 } },
    { op: "revoke_role", member: "m-uma", role: "billing.user", scope: "acc-1001" },
    { op: "remove_role", member: "m-uma", role: "billing.user" },
    { op: "remove_member", member: "m-uma", scope: "acc-1001" },
    { op: "delete_member", member: "m-uma" },
    { op: "block", member: "m-uma", scope: "acc-1001" },
    { op: "unblock", member: "m-uma" },
    { op: "disable", member: "m-uma" },
    { op: "enable", member: "m-uma" },
    { op: "edit_member", member: "m-uma", name: "Uma B.", email: "uma@example.com" },
    { op: "add_members", scope: "acc-1001", members: [{ id: "m-p1" }, { id: "m-p2", email: "p2@example.com" }] },
    { op: "activate_member", member: "m-p1", setup: "activation_email", role: "billing.user", scope: "acc-1001" },
    { op: "activate_member", member: "m-p2", setup: "activate_later" },
    { op: "request_self_upgrade", role: "billing.admin", scope: "acc-1001" },
    { op: "resend_verification", role: "billing.admin", scope: "acc-1001" },
    { op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1001" },
    { op: "claim_role", role: "apps.admin", scope: "co-2001" },
    { op: "define_role", scope: "acc-1001", role },
    { op: "edit_role", scope: "acc-1001", role: { ...role, label: "Viewer" } },
    { op: "delete_role", scope: "acc-1001", role: "custom.viewer" },
    { op: "set_approval_rule", scope: "acc-1001", rule },
    { op: "delete_approval_rule", scope: "acc-1001", rule: "pay.big" },
    { op: "decide_request", request: "request-1", decision: "reject" },
    { op: "apply_approved", request: "request-1" },
    { op: "register", member: { id: "m-new", email: "new@example.com", registered: false }, role: "billing.admin", scope: "acc-1" },
    { op: "reset_password", member: "m-uma" },
    { op: "perform", action: "billing.pay", scope: "acc-1001", attributes: { amount: 12000 } },
    { op: "request_role", role: "billing.admin", scope: "acc-1001", reason: "month-end payments", until: "2027-01-01T00:00:00Z" },
    { op: "withdraw_request", request: "role-request-1" },
  ];
  const kinds = validator("bundle.schema.json").schema.$defs.operationKind.enum;
  assert.deepEqual([...new Set(every.map((o) => o.op))].sort(), [...kinds].sort(), "one operation of every kind");
  assertValid("changeset.schema.json", { ...DOC_CHANGE_SET, operations: every }, "every operation kind");
  const { format, ...noFormat } = DOC_CHANGE_SET;
  assertValid("changeset.schema.json", noFormat, "a change set without format");
});

test("changeset: mistakes are rejected where they are", () => {
  const op = (o) => ({ ...clone(DOC_CHANGE_SET), operations: [o] });
  const cases = [
    ["no baseRevision", (() => { const d = clone(DOC_CHANGE_SET); delete d.baseRevision; return d; })(), "", "required"],
    ["another format", { ...clone(DOC_CHANGE_SET), format: "rolegate-changeset/2" }, "/format", "const"],
    ["a bad now", { ...clone(DOC_CHANGE_SET), now: "2026-12-01T09:00" }, "/now", "pattern"],
    ["an unknown op", op({ op: "promote", member: "m-raj" }), "/operations/0/op", "enum"],
    ["a field of another kind", op({ op: "block", member: "m-raj", role: "billing.admin" }), "/operations/0", "additionalProperties"],
    ["a missing field", op({ op: "change_role", member: "m-raj", role: "billing.admin" }), "/operations/0", "required"],
    ["both scope and scopes", op({ op: "assign_role", member: "m-raj", role: "billing.admin", scope: "acc-1001", scopes: ["acc-1002"] }), "/operations/0", "oneOf"],
    ["neither scope nor scopes", op({ op: "revoke_role", member: "m-raj", role: "billing.admin" }), "/operations/0", "oneOf"],
    ["an empty scopes list", op({ op: "assign_role", member: "m-raj", role: "billing.admin", scopes: [] }), "/operations/0/scopes", "minItems"],
    ["a role without its scope", op({ op: "activate_member", member: "m-raj", setup: "send_invite", role: "billing.user" }), "/operations/0", "dependentRequired"],
    ["an unknown set-up", op({ op: "invite", member: "m-raj", role: "billing.user", scope: "acc-1001", setup: "later" }), "/operations/0/setup", "enum"],
    ["an unknown decision", op({ op: "decide_request", request: "request-1", decision: "maybe" }), "/operations/0/decision", "enum"],
    ["a new member with a typo", op({ op: "invite", member: { id: "m-new", emial: "x@example.com" }, role: "billing.user", scope: "acc-1001" }), "/operations/0/member", "anyOf"],
    ["a role that is not an object", op({ op: "define_role", scope: "acc-1001", role: "custom.x" }), "/operations/0/role", "type"],
    ["a fractional attribute", op({ op: "block", member: "m-raj", attributes: { total: 2.5 } }), "/operations/0/attributes/total", "anyOf"],
    ["an accept_invitation naming a member", op({ op: "accept_invitation", member: "m-raj" }), "/operations/0", "additionalProperties"],
    ["no new members", op({ op: "add_members", scope: "acc-1001", members: [] }), "/operations/0/members", "minItems"],
  ];
  for (const [label, doc, instancePath, keyword] of cases) {
    try {
      assertRejected("changeset.schema.json", doc, instancePath, keyword);
    } catch (err) {
      err.message = `${label}: ${err.message}`;
      throw err;
    }
  }
});

const SIMULATION = {
  ok: true,
  baseRevision: "fnv1a64:e10243e844d06d6c",
  revisionAfter: "fnv1a64:0123456789abcdef",
  operations: [
    {
      index: 0, op: "change_role", effect: "allow",
      checks: [{
        actor: "m-olivia", action: "roles.manage", resource: "acc-1001", effect: "allow",
        reasons: [{ code: "granted_by", binding: "b-1", role: "billing.super_admin", scope: "acc-1001", message: "granted" }],
        requirements: { approvals: [], verifications: [] },
      }],
      reasons: [], requirements: { approvals: [], verifications: [] },
    },
    {
      index: 1, op: "change_role", effect: "conditional",
      checks: [{
        actor: "m-olivia", action: "roles.manage", resource: "acc-1002", effect: "conditional",
        reasons: [{ code: "approval_required", rule: "roles.big", message: "needs approval" }],
        requirements: { approvals: [{ rule: "roles.big", approvers: ["m-hannah"], quorum: 1 }], verifications: [] },
      }],
      reasons: [],
      requirements: { approvals: [{ rule: "roles.big", approvers: ["m-hannah"], quorum: 1, action: "roles.manage", resource: "acc-1002" }], verifications: [] },
    },
    {
      index: 2, op: "add_members", effect: "deny",
      checks: [{ action: "members.invite", resource: "acc-1001", errors: [{ code: "unknown_member", pointer: "/attributes/target", message: "unknown member `m-x`" }] }],
      reasons: [{ code: "invalid_check", message: "the check could not be made" }],
      requirements: { approvals: [], verifications: [] },
    },
    {
      index: 3, op: "edit_member", effect: "deny", checks: [],
      reasons: [{ code: "violates_invariant", error: "duplicate_email", message: "e-mail used" }, { code: "request_not_approved", request: "request-1", status: "expired", message: "expired" }],
      requirements: { approvals: [], verifications: [] },
    },
  ],
  accessDiff: {
    members: [{
      member: "m-raj", gained: [{ scope: "acc-1001", permission: "roles.manage" }], lost: [],
      roles: { gained: [{ role: "billing.super_admin", scope: "acc-1001" }], lost: [{ role: "billing.admin", scope: "acc-1001" }] },
      totals: { gained: 1, lost: 0, scopes: 1 },
    }],
    totals: { gained: 1, lost: 0, members: 1 },
  },
  violations: [
    { invariant: "one-super", kind: "min_holders", severity: "warning", scope: "acc-1004", have: 0, need: 1, op: 0, message: "too few" },
    { invariant: "within", kind: "custom_role_within_creator", severity: "error", op: 3, role: "custom.x", permissions: ["billing.pay"], message: "beyond" },
  ],
  events: [
    { event: "role_upgraded", to: "m-raj", channels: ["email"], op: 0, scope: "acc-1001", role: "billing.super_admin", fromRole: "billing.admin", by: "m-olivia", byEmail: "olivia@example.com" },
    { event: "approval_requested", to: "m-hannah", channels: ["in_app"], op: 1, request: "request-1", rule: "roles.big", requester: "m-olivia", action: "roles.manage", scope: "acc-1002" },
    { event: "activation_email", to: "m-new", channels: ["email"], op: 2, temporaryPassword: true },
    { event: "member_blocked", to: "m-uma", channels: ["in_app"], op: 3 },
  ],
  summary: { allowed: 1, denied: 2, conditional: 1, blocked: true },
  bundleAfter: { format: "rolegate/1", revision: "fnv1a64:0123456789abcdef" },
};

test("simulation: a result validates; facts must match their event, reason and violation kind", () => {
  assertValid("simulation.schema.json", SIMULATION, "SIMULATION");
  const { bundleAfter, ...noBundle } = SIMULATION;
  assertValid("simulation.schema.json", noBundle, "a result without bundleAfter");
  const cases = [
    ["no ok", (d) => { delete d.ok; }, "", "required"],
    ["ok false", (d) => { d.ok = false; }, "/ok", "const"],
    ["an event with a fact of another event", (d) => { d.events[3].scope = "acc-1001"; }, "/events/3", "additionalProperties"],
    ["an event without its facts", (d) => { delete d.events[0].fromRole; }, "/events/0", "required"],
    ["an unknown event", (d) => { d.events[3].event = "member_frozen"; }, "/events/3/event", "enum"],
    ["temporaryPassword false", (d) => { d.events[2].temporaryPassword = false; }, "/events/2/temporaryPassword", "const"],
    ["an operation reason with a decision code", (d) => { d.operations[2].reasons[0].code = "no_binding"; }, "/operations/2/reasons/0/code", "enum"],
    ["violates_invariant without its fact", (d) => { delete d.operations[3].reasons[0].error; }, "/operations/3/reasons/0", "oneOf"],
    ["request_not_approved that is approved", (d) => { d.operations[3].reasons[1].status = "approved"; }, "/operations/3/reasons/1/status", "enum"],
    ["a check with ok", (d) => { d.operations[0].checks[0].ok = true; }, "/operations/0/checks/0", "oneOf"],
    ["an approval without action", (d) => { delete d.operations[1].requirements.approvals[0].action; }, "/operations/1/requirements/approvals/0", "required"],
    ["an access diff without roles", (d) => { delete d.accessDiff.members[0].roles; }, "/accessDiff/members/0", "required"],
    ["a min_holders violation without scope", (d) => { delete d.violations[0].scope; }, "/violations/0", "required"],
    ["a violation of an unknown kind", (d) => { d.violations[0].kind = "max_holders"; }, "/violations/0/kind", "enum"],
    ["a summary without blocked", (d) => { delete d.summary.blocked; }, "/summary", "required"],
    ["an invalid bundleAfter", (d) => { d.bundleAfter.permisions = []; }, "/bundleAfter", "additionalProperties"],
  ];
  for (const [label, mutate, instancePath, keyword] of cases) {
    const doc = clone(SIMULATION);
    mutate(doc);
    try {
      assertRejected("simulation.schema.json", doc, instancePath, keyword);
    } catch (err) {
      err.message = `${label}: ${err.message}`;
      throw err;
    }
  }
});

test("simulation: verify results and approval statuses validate", () => {
  const verify = "simulation.schema.json#/$defs/verifyResult";
  assertValid(verify, { ok: true, match: true, committable: true, revision: "r1", differences: [] });
  assertValid(verify, { ok: true, match: true, committable: false, revision: "r1", differences: [] });
  assertRejected(verify, { ok: true, match: true, revision: "r1", differences: [] }, "", "required");
  const differs = {
    ok: true, match: false, committable: false, revision: "r1",
    differences: [{ pointer: "/events/0/to", actual: "m-uma" }, { pointer: "/extra", expected: true }, { pointer: "/summary/allowed", expected: 5, actual: 1 }],
  };
  assertValid(verify, differs);
  assertRejected(verify, { ...differs, match: true }, "/differences", "maxItems");
  assertRejected(verify, { ok: true, match: false, committable: false, revision: "r1", differences: [] }, "/differences", "minItems");
  assertRejected(verify, { ...differs, differences: [{ pointer: "/x" }] }, "/differences/0", "anyOf");
  const status = "simulation.schema.json#/$defs/approvalStatus";
  const pending = { ok: true, request: "request-1", status: "pending", approvals: [], rejections: [], eligible: ["m-alex", "m-bea"], quorum: 2 };
  assertValid(status, pending);
  assertValid(status, { ...pending, status: "approved", approvals: ["m-alex", "m-bea"] });
  assertRejected(status, { ...pending, status: "open" }, "/status", "enum");
  assertRejected(status, { ...pending, quorum: 0 }, "/quorum", "minimum");
  assertValid("simulation.schema.json#/$defs/approvalStatusQuery", { request: "request-1", now: "2026-12-01T09:00:00Z" });
});

test("a bundle, a change set, a scenario and a chain may name their schema with $schema", () => {
  assertValid("bundle.schema.json", { $schema: "https://rolegate.dev/schemas/bundle.schema.json", ...VALID_BUNDLE }, "a bundle with $schema");
  assertValid("changeset.schema.json", { $schema: "https://rolegate.dev/schemas/changeset.schema.json", ...DOC_CHANGE_SET }, "a change set with $schema");
  assertValid("scenario.schema.json", { $schema: "https://rolegate.dev/schemas/scenario.schema.json", ...DOC_SCENARIO }, "a scenario with $schema");
  assertValid("changechain.schema.json", { $schema: "https://rolegate.dev/schemas/changechain.schema.json", format: "rolegate-changechain/1", changeSets: [DOC_CHANGE_SET] }, "a chain with $schema");
  assertRejected("bundle.schema.json", { $schema: 7, ...VALID_BUNDLE }, "/$schema", "type");
});

test("chains: the three downloads validate, a chain of another format or of 65 steps does not; a chain's verification validates", () => {
  const changeSet = { format: "rolegate-changeset/1", baseRevision: SIMULATION.baseRevision, actor: "m-olivia", now: "2026-12-01T09:00:00Z", operations: [{ op: "block", member: "m-uma" }] };
  const chain = { format: "rolegate-changechain/1", baseRevision: SIMULATION.baseRevision, steps: [{ changeSet, preview: SIMULATION }] };
  assertValid("changechain.schema.json", chain, "a chain of steps");
  assertValid("changechain.schema.json", { format: chain.format, baseRevision: chain.baseRevision, changeSets: [changeSet] }, "the change sets alone");
  assertValid("changechain.schema.json", { format: chain.format, previews: [SIMULATION] }, "the previews alone");
  assertRejected("changechain.schema.json", { ...chain, format: "rolegate-changeset/1" }, "/format", "const");
  assertRejected("changechain.schema.json", { ...chain, changeSets: [changeSet] }, "", "oneOf");
  assertRejected("changechain.schema.json", { format: chain.format }, "", "oneOf");
  assertRejected("changechain.schema.json", { ...chain, steps: Array(65).fill(chain.steps[0]) }, "/steps", "maxItems");
  assertRejected("changechain.schema.json", { ...chain, steps: [{ changeSet }] }, "/steps/0", "required");
  const result = "simulation.schema.json#/$defs/verifyChainResult";
  const step = { ok: true, match: true, committable: true, revision: "r1", differences: [] };
  assertValid(result, { ...step, steps: [step] });
  const differs = { ...step, match: false, committable: false, differences: [{ pointer: "/steps/0/preview/summary/allowed", expected: 5, actual: 1 }] };
  assertValid(result, { ...differs, steps: [{ ...differs, differences: [{ pointer: "/summary/allowed", expected: 5, actual: 1 }] }] });
  assertRejected(result, { ...differs, match: true, steps: [step] }, "/differences", "maxItems");
  assertRejected(result, { ...step, steps: [] }, "/steps", "minItems");
  assertRejected(result, step, "", "required");
});

// ---------------------------------------------------------------------------------------
// Requests, decisions, errors and queries.

test("request: the example of docs/format.md validates; `now` is required", () => {
  assertValid("request.schema.json", DOC_REQUEST);
  assertValid("request.schema.json", { ...DOC_REQUEST, attributes: { role: "billing.admin", target: "m-uma", urgent: true } });
  const noNow = clone(DOC_REQUEST);
  delete noNow.now;
  assertRejected("request.schema.json", noNow, "", "required");
  assertRejected("request.schema.json", { ...DOC_REQUEST, now: "2026-12-01" }, "/now", "pattern");
  assertRejected("request.schema.json", { ...DOC_REQUEST, subject: "m-uma" }, "", "additionalProperties");
  assertRejected("request.schema.json", { ...DOC_REQUEST, attributes: { orderTotal: 120.5 } }, "/attributes/orderTotal", "anyOf");
  assertRejected("request.schema.json", { ...DOC_REQUEST, attributes: { role: "" } }, "/attributes/role", "minLength");
});

test("decision: the example of docs/format.md validates; facts must match the reason code", () => {
  assertValid("decision.schema.json", DOC_DECISION);
  const conditional = {
    ok: true, actor: "m-uma", action: "roles.self_upgrade", resource: "acc-1001", effect: "conditional",
    reasons: [
      { code: "approval_required", rule: "orders.large", message: "needs approval" },
      { code: "self_upgrade_allowed", rule: "billing.self_upgrade.from_user", from: "billing.user", message: "may upgrade" },
      { code: "verification_required", rule: "billing.self_upgrade.from_user", method: "postal_pin", validForDays: 28, message: "pin" },
    ],
    requirements: {
      approvals: [{ rule: "orders.large", approvers: ["m-alex", "m-bea"], quorum: 1, expiresAfterDays: 7 }],
      verifications: [{ rule: "billing.self_upgrade.from_user", method: "postal_pin", validForDays: 28 }],
    },
  };
  assertValid("decision.schema.json", conditional, "a conditional decision");
  const deny = {
    ok: true, actor: "m-uma", action: "roles.manage", resource: "acc-1001", effect: "deny",
    reasons: [
      { code: "no_binding", message: "no role here" },
      { code: "not_eligible", rule: "billing.self_upgrade.from_user", from: ["billing.user"], message: "not eligible" },
      { code: "rank_too_low", role: "billing.admin", have: 10, need: 30, message: "too low" },
    ],
    requirements: { approvals: [], verifications: [] },
  };
  assertValid("decision.schema.json", deny, "a deny decision");

  const badEffect = { ...clone(DOC_DECISION), effect: "permit" };
  assertRejected("decision.schema.json", badEffect, "/effect", "enum");
  const wrongFact = clone(deny);
  wrongFact.reasons[0].role = "billing.admin";
  assertRejected("decision.schema.json", wrongFact, "/reasons/0", "additionalProperties");
  const missingFact = clone(deny);
  delete missingFact.reasons[2].need;
  assertRejected("decision.schema.json", missingFact, "/reasons/2", "required");
  const fractional = clone(deny);
  fractional.reasons[2].have = 10.5;
  assertRejected("decision.schema.json", fractional, "/reasons/2/have", "type");
  const unknownCode = clone(deny);
  unknownCode.reasons[0].code = "member_blocked";
  assertRejected("decision.schema.json", unknownCode, "/reasons/0/code", "enum");
  const noOk = clone(deny);
  delete noOk.ok;
  assertRejected("decision.schema.json", noOk, "", "required");
  const notEligibleWithoutRule = clone(deny);
  delete notEligibleWithoutRule.reasons[1].rule;
  assertRejected("decision.schema.json", notEligibleWithoutRule, "/reasons/1", "required");
  const notEligibleWithRuleAndRole = clone(deny);
  notEligibleWithRuleAndRole.reasons[1].role = "billing.admin";
  assertRejected("decision.schema.json", notEligibleWithRuleAndRole, "/reasons/1", "oneOf");

  // Shapes the engine emits at the edges (engine/src/decide.cc).
  const edges = clone(deny);
  edges.reasons = [
    { code: "condition_type_mismatch", rule: "orders.large", attribute: "orderTotal", message: "cannot compare" },
    { code: "not_eligible", role: "billing.super", message: "no rule names the role" },
    { code: "rank_too_low", role: "", have: -1, need: 0, message: "no role may manage others" },
    { code: "rank_too_low", role: "billing.admin", have: -1, need: 30, message: "no role manages this family" },
    { code: "target_outranks_actor", target: "m-raj", family: "account_manager", have: -1, need: 10, message: "a family the actor does not manage" },
    { code: "claim_not_available", holder: ["billing.super"], role: "apps.admin", scopeType: "account", message: "not on an account" },
  ];
  assertValid("decision.schema.json", edges, "a decision with edge-case reasons");
  const badHave = clone(edges);
  badHave.reasons[2].have = -2;
  assertRejected("decision.schema.json", badHave, "/reasons/2/have", "minimum");
});

test("error: the failure shape validates and is strict", () => {
  const failure = {
    ok: false,
    errors: [
      { code: "unknown_role", pointer: "/bindings/3/role", message: "unknown role `billing.admn`" },
      { code: "parse_error", pointer: "", message: "expected `,` or `}` at line 3, column 5" },
      { code: "unknown_field", pointer: "/roles/0/a~1b~0c", message: "unknown field `a/b~c`" },
    ],
  };
  assertValid("error.schema.json", failure, "a failure");
  assertRejected("error.schema.json", { ok: false, errors: [] }, "/errors", "minItems");
  assertRejected("error.schema.json", { ...failure, ok: true }, "/ok", "const");
  const badPointer = clone(failure);
  badPointer.errors[0].pointer = "bindings/3/role";
  assertRejected("error.schema.json", badPointer, "/errors/0/pointer", "pattern");
  const badEscape = clone(failure);
  badEscape.errors[0].pointer = "/roles/a~2";
  assertRejected("error.schema.json", badEscape, "/errors/0/pointer", "pattern");
  const badCode = clone(failure);
  badCode.errors[0].code = "unknownRole";
  assertRejected("error.schema.json", badCode, "/errors/0/code", "enum");
});

test("queries: the three results validate and are told apart", () => {
  const whatCan = {
    ok: true, member: "m-alex", scope: "acc-1001", status: "active",
    roles: [{ binding: "b-1", role: "billing.admin", scope: "grp-north", inheritedFrom: "grp-north" }],
    permissions: [{ permission: "billing.pay", sources: [{ binding: "b-1", role: "billing.admin", scope: "grp-north", inheritedFrom: "grp-north" }] }],
  };
  const whoCan = {
    ok: true, action: "billing.pay", scope: "acc-1001",
    members: [{ member: "m-alex", bindings: [{ binding: "b-1", role: "billing.admin", scope: "grp-north", inheritedFrom: "grp-north" }] }],
  };
  const visible = {
    ok: true, actor: "m-alex", scope: "acc-1001",
    members: [
      { member: "m-uma", name: "Uma", status: "invited", email: "uma@example.com", roles: [{ role: "billing.user", scope: "acc-1001" }] },
      { member: "m-bea", name: "Bea", status: "active", roles: [] },
    ],
  };
  for (const [label, doc] of [["whatCan", whatCan], ["whoCan", whoCan], ["visibleMembers", visible]]) {
    assertValid("queries.schema.json", doc, label);
    assertValid(`queries.schema.json#/$defs/${label}Result`, doc, label);
  }
  const badStatus = clone(whatCan);
  badStatus.status = "gone";
  assert.equal(validator("queries.schema.json")(badStatus), false);
  const extra = clone(whoCan);
  extra.members[0].email = "x@example.com";
  assertRejected("queries.schema.json#/$defs/whoCanResult", extra, "/members/0", "additionalProperties");
  const noName = clone(visible);
  delete noName.members[1].name;
  assertRejected("queries.schema.json#/$defs/visibleMembersResult", noName, "/members/1", "required");
  assertValid("queries.schema.json#/$defs/whoCanResult", { ...whoCan, applies: false, members: [] }, "whoCan where the action does not apply");
  assertRejected("queries.schema.json#/$defs/whoCanResult", { ...whoCan, applies: true }, "/applies", "const");
  for (const [label, doc] of [["whatCan", whatCan], ["whoCan", whoCan], ["visibleMembers", visible]]) {
    const noOk = clone(doc);
    delete noOk.ok;
    assertRejected(`queries.schema.json#/$defs/${label}Result`, noOk, "", "required");
  }
  const removed = clone(visible);
  removed.members[1].status = "removed";
  assertRejected("queries.schema.json#/$defs/visibleMembersResult", removed, "/members/1/status", "not");
});

// ---------------------------------------------------------------------------------------
// Scenario files.

test("scenario: the example of docs/format.md validates", () => {
  assertValid("scenario.schema.json", DOC_SCENARIO);
});

test("scenario: every kind of case, inline bundles and expected bundle errors validate", () => {
  const doc = {
    format: "rolegate-scenario/1",
    name: "every kind of case",
    bundle: VALID_BUNDLE,
    cases: [
      { id: "c1", check: { actor: "m-alex", action: "billing.pay", resource: "acc-1001", now: "2026-12-01T09:00:00Z" }, expect: { effect: "allow", absentReasons: ["no_binding"] } },
      { id: "c2", check: { actor: "m-ghost", action: "billing.pay", resource: "acc-1001", now: "2026-12-01T09:00:00Z" }, expect: { errors: [{ code: "unknown_member", pointer: "/actor" }] } },
      {
        id: "c3", description: "approvals compared exactly",
        check: { actor: "m-uma", action: "orders.place", resource: "acc-1001", attributes: { orderTotal: 60000 }, now: "2026-12-01T09:00:00Z" },
        expect: { effect: "conditional", reasons: ["approval_required"], approvals: [{ rule: "orders.large", approvers: ["m-alex"], quorum: 1, expiresAfterDays: 7 }], verifications: [] },
      },
      { id: "c4", whatCan: { member: "m-alex", scope: "acc-1001" }, expect: { includes: ["billing.pay"], excludes: ["apps.buy"] } },
      { id: "c5", whatCan: { member: "m-uma", scope: "acc-1001" }, expect: { permissions: [] } },
      { id: "c6", whoCan: { action: "billing.pay", scope: "acc-1001" }, expect: { members: ["m-alex"] } },
      { id: "c7", visibleMembers: { actor: "m-alex", scope: "acc-1001" }, expect: { members: [{ member: "m-uma", email: true }, { member: "m-bea" }] } },
      {
        id: "c8", description: "a change set: baseRevision defaults to the bundle's, now to the file's",
        simulate: { format: "rolegate-changeset/1", actor: "m-alex", now: "2026-12-01T09:00:00Z", operations: [{ op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.admin" }] },
        expect: {
          operations: [{ effect: "conditional", reasons: ["approval_required", "operation_not_supported"], approvals: [{ rule: "orders.large", action: "roles.manage" }], verifications: [] }],
          events: [{ event: "role_upgraded", to: "m-uma" }], absentEvents: [{ event: "member_removed" }], eventCount: 1,
          violations: [{ kind: "min_holders", scope: "acc-1001" }], noViolations: false,
          accessDiff: [{ member: "m-uma", gained: 3, lost: 0, scopes: 1 }, { member: "m-alex" }], blocked: true,
        },
      },
      { id: "c9", simulate: { actor: "m-alex", now: "2026-12-01T09:00:00Z", operations: [{ op: "promote" }] }, expect: { errors: [{ code: "unknown_operation", pointer: "/operations/0/op" }] } },
      {
        id: "c10", description: "steps: each on the state the one before left",
        steps: [
          { simulate: { actor: "m-alex", now: "2026-12-01T09:00:00Z", operations: [{ op: "block", member: "m-uma" }] }, expect: { blocked: false } },
          { description: "blocked now", check: { actor: "m-uma", action: "billing.pay", resource: "acc-1001", now: "2026-12-01T09:00:00Z" }, expect: { effect: "deny" } },
          { whatCan: { member: "m-uma", scope: "acc-1001" }, expect: { permissions: [] } },
          { whoCan: { action: "billing.pay", scope: "acc-1001" }, expect: { members: ["m-alex"] } },
          { visibleMembers: { actor: "m-alex", scope: "acc-1001" }, expect: { members: [{ member: "m-uma", email: true }] } },
          { simulate: { actor: "m-alex", now: "2026-12-01T09:00:00Z", operations: [{ op: "promote" }] }, expect: { errors: [{ code: "unknown_operation", pointer: "/operations/0/op" }] } },
        ],
      },
    ],
  };
  assertValid("scenario.schema.json", doc, "a scenario with every kind of case");

  const rejection = {
    format: "rolegate-scenario/1",
    name: "a typo is an error",
    bundle: { format: "rolegate/1", permisions: [] },
    expectBundleErrors: [{ code: "unknown_field", pointer: "/permisions" }],
  };
  assertValid("scenario.schema.json", rejection, "a scenario expecting bundle errors");
  assertValid("scenario.schema.json", { ...rejection, bundle: "../data/invalid/dozen-mistakes.json" }, "bundle errors of a bundle file");
});

test("scenario: mistakes are rejected", () => {
  const v = validator("scenario.schema.json");
  const reject = (label, mutate) => {
    const doc = clone(DOC_SCENARIO);
    mutate(doc);
    assert.equal(v(doc), false, `${label} should be rejected`);
  };
  reject("a wrong format", (d) => { d.format = "rolegate-scenario/2"; });
  reject("no name (the runner requires one)", (d) => { delete d.name; });
  reject("an unknown top-level field", (d) => { d.cases_ = []; });
  reject("neither cases nor expectBundleErrors", (d) => { delete d.cases; });
  reject("both cases and expectBundleErrors", (d) => { d.expectBundleErrors = [{ code: "unknown_field", pointer: "/x" }]; });
  reject("a case with two queries", (d) => { d.cases[0].whoCan = { action: "billing.pay", scope: "acc-1001" }; });
  reject("a case with no query", (d) => { delete d.cases[0].check; });
  reject("a case without expect", (d) => { delete d.cases[0].expect; });
  reject("an expect without effect", (d) => { delete d.cases[0].expect.effect; });
  reject("an unknown effect", (d) => { d.cases[0].expect.effect = "permit"; });
  reject("an unknown reason code", (d) => { d.cases[0].expect.reasons = ["member_blocked"]; });
  reject("an expect that mixes effect and errors", (d) => { d.cases[0].expect.errors = [{ code: "unknown_member", pointer: "/actor" }]; });
  reject("a whoCan expect for a check", (d) => { d.cases[0].expect = { members: ["m-alex"] }; });
  reject("a check without now in a file without now", (d) => { delete d.now; });
  reject("an invalid inline bundle", (d) => { d.bundle = { format: "rolegate/1", permisions: [] }; });
  reject("an empty bundle path", (d) => { d.bundle = ""; });
  const simulateCase = (expect, simulate = { actor: "m-alex", operations: [{ op: "block", member: "m-uma" }] }) => (d) => { d.cases[0] = { id: "s", simulate, expect }; };
  reject("a simulate expect with a check key", simulateCase({ effect: "allow" }));
  reject("a simulate expect that mixes results and errors", simulateCase({ blocked: true, errors: [{ code: "stale_revision", pointer: "/baseRevision" }] }));
  reject("an operation expect without effect", simulateCase({ operations: [{ reasons: ["no_scope"] }] }));
  reject("an unknown operation reason", simulateCase({ operations: [{ effect: "deny", reasons: ["no_role"] }] }));
  reject("an event pattern with a typo", simulateCase({ events: [{ evnet: "member_blocked" }] }));
  reject("a negative eventCount", simulateCase({ eventCount: -1 }));
  reject("an accessDiff expect without member", simulateCase({ accessDiff: [{ gained: 1 }] }));
  reject("a change set with an unknown op, not expected to be rejected", simulateCase({ blocked: true }, { actor: "m-alex", operations: [{ op: "promote" }] }));
  reject("a change set that is not an object", simulateCase({ errors: [{ code: "wrong_type", pointer: "" }] }, ["block"]));
  reject("a simulate without now in a file without now", (d) => { delete d.now; d.cases[0] = { id: "s", simulate: { actor: "m-alex", operations: [] }, expect: {} }; });
  const stepsCase = (steps, extra = {}) => (d) => { d.cases[0] = { id: "steps", steps, ...extra }; };
  const step = { check: { actor: "m-alex", action: "billing.pay", resource: "acc-1001" }, expect: { effect: "allow" } };
  assert.ok(v({ ...clone(DOC_SCENARIO), cases: [{ id: "steps", steps: [step] }] }), "a case of one step");
  reject("a case of no steps", stepsCase([]));
  reject("a case of 65 steps", stepsCase(Array(65).fill(step)));
  reject("a case of steps with an expect beside them", stepsCase([step], { expect: { effect: "allow" } }));
  reject("a case of steps with a question beside them", stepsCase([step], { check: step.check }));
  reject("a step with two questions", stepsCase([{ ...step, whatCan: { member: "m-alex", scope: "acc-1001" } }]));
  reject("a step with no question", stepsCase([{ expect: { effect: "allow" } }]));
  reject("a step without expect", stepsCase([{ check: step.check }]));
  reject("a step with a whoCan expect for a check", stepsCase([{ check: step.check, expect: { members: ["m-alex"] } }]));
  reject("a step with an id", stepsCase([{ ...step, id: "s1" }]));
  reject("a step's change set with an unknown op, not expected to be rejected", stepsCase([{ simulate: { actor: "m-alex", operations: [{ op: "promote" }] }, expect: { blocked: true } }]));
  reject("a step's check without now in a file without now", (d) => { delete d.now; d.cases = [{ id: "steps", steps: [step] }]; });
  reject("an unknown field in a visibleMembers expect", (d) => {
    d.cases[0] = { id: "v", visibleMembers: { actor: "m-alex", scope: "acc-1001" }, expect: { members: [{ member: "m-uma", phone: false }] } };
  });
});

// ---------------------------------------------------------------------------------------
// Files in the tree, discovered at run time (there may be none yet).

test("every examples/*/bundle.json validates against bundle.schema.json", async (t) => {
  const files = exampleBundles();
  if (files.length === 0) t.diagnostic("no examples/*/bundle.json yet");
  for (const file of files) {
    await t.test(relative(file), () => assertValid("bundle.schema.json", readJson(file), relative(file)));
  }
});

test("every tests/scenarios/**/*.json validates against scenario.schema.json", async (t) => {
  const files = jsonFilesUnder(scenariosDir);
  if (files.length === 0) t.diagnostic("no tests/scenarios/**/*.json yet");
  for (const file of files) {
    await t.test(relative(file), () => assertValid("scenario.schema.json", readJson(file), relative(file)));
  }
});

// ---------------------------------------------------------------------------------------
// The invalid-bundle fixtures in tests/data/invalid.

function unescapePointerToken(token) {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Whether `pointer` names a value in `doc` (for an object key, the key must exist). */
function pointerExists(doc, pointer) {
  if (pointer === "") return true;
  let node = doc;
  for (const token of pointer.slice(1).split("/").map(unescapePointerToken)) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, token)) return false;
    node = node[token];
  }
  return true;
}

/** Every pointer of `doc` in document order (JSON.parse keeps the order of non-numeric keys). */
function pointersInOrder(doc, at = "", out = []) {
  out.push(at);
  if (Array.isArray(doc)) doc.forEach((v, i) => pointersInOrder(v, `${at}/${i}`, out));
  else if (doc !== null && typeof doc === "object") {
    for (const [k, v] of Object.entries(doc)) pointersInOrder(v, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
  }
  return out;
}

test("dozen-mistakes.expected.json: at least 14 different codes, pointers that exist, in document order", () => {
  const bundle = readJson(path.join(invalidDir, "dozen-mistakes.json"));
  const expected = readJson(path.join(invalidDir, "dozen-mistakes.expected.json"));
  assert.ok(Array.isArray(expected));
  const expectedError = validator("error.schema.json#/$defs/expectedError");
  for (const e of expected) assert.ok(expectedError(e), `${JSON.stringify(e)}: ${describeErrors(expectedError.errors)}`);

  const codes = expected.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length, "each mistake has a different code");
  assert.ok(codes.length >= 14, `only ${codes.length} mistakes`);

  const order = pointersInOrder(bundle);
  let last = -1;
  for (const { code, pointer } of expected) {
    assert.ok(pointerExists(bundle, pointer), `${code}: pointer \`${pointer}\` names nothing in the bundle`);
    const at = order.indexOf(pointer);
    assert.ok(at > last, `${code}: \`${pointer}\` is out of document order`);
    last = at;
  }
});

test("dozen-mistakes.json: the schema catches its shape and value mistakes at the expected pointers", () => {
  const bundle = readJson(path.join(invalidDir, "dozen-mistakes.json"));
  const expected = readJson(path.join(invalidDir, "dozen-mistakes.expected.json"));
  const validate = validator("bundle.schema.json");
  assert.equal(validate(bundle), false);
  const keywordFor = { wrong_type: "type", not_an_integer: "type", invalid_value: "enum", invalid_timestamp: "pattern" };
  const schemaCaught = (e) =>
    e.keyword === "additionalProperties"
      ? `${e.instancePath}/${e.params.additionalProperty}`
      : e.instancePath;
  for (const { code, pointer } of expected) {
    if (code === "unknown_field") {
      assert.ok(validate.errors.some((e) => e.keyword === "additionalProperties" && schemaCaught(e) === pointer), `${code} at ${pointer}`);
    } else if (keywordFor[code]) {
      assert.ok(validate.errors.some((e) => e.keyword === keywordFor[code] && e.instancePath === pointer), `${code} at ${pointer}:\n${describeErrors(validate.errors)}`);
    }
  }
  // Everything else in the file is well-formed: the schema finds nothing beyond those five.
  const shapePointers = new Set(expected.filter((e) => e.code === "unknown_field" || keywordFor[e.code]).map((e) => e.pointer));
  const stray = validate.errors.filter((e) => !shapePointers.has(schemaCaught(e)));
  assert.deepEqual(stray.map((e) => `${e.instancePath} ${e.keyword}`), []);
});

test("malformed.json is not JSON", () => {
  const text = fs.readFileSync(path.join(invalidDir, "malformed.json"), "utf8");
  assert.throws(() => JSON.parse(text), SyntaxError);
  const expected = readJson(path.join(invalidDir, "malformed.expected.json"));
  assert.deepEqual(expected, [{ code: "parse_error", pointer: "" }]);
});
