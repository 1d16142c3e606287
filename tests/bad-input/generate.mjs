// The catalogue's oversized documents, made at test time instead of committed
// (a case names one with "generate": NAME; answers.mjs writes it to a temporary
// directory). Each generator returns the document's exact bytes, built from the
// committed base documents with one thing pushed past a limit of
// engine/include/rolegate/limits.h (or, for a boundary, exactly to it).
//
//   node tests/bad-input/generate.mjs NAME > file    writes one, to look at
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DIR = path.dirname(fileURLToPath(import.meta.url));
const base = (name) => JSON.parse(fs.readFileSync(path.join(DIR, "base", name), "utf8"));
const json = (value) => Buffer.from(JSON.stringify(value, null, 1), "utf8");

// The limits (engine/include/rolegate/limits.h).
export const LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 32,
  maxString: 4096,
  maxPermissions: 1024,
  maxRoles: 1024,
  maxScopeTypes: 64,
  maxRules: 1024,
  maxList: 1024,
  maxChainSteps: 64,
};

/** `depth` arrays nested in one another, innermost empty: "[[...[]...]]". */
const nested = (depth) => "[".repeat(depth) + "]".repeat(depth);

/** The base bundle with `edit` applied to a copy. */
function bundleWith(edit) {
  const b = base("bundle.json");
  edit(b);
  return json(b);
}

/** The base change set with `edit` applied to a copy. */
function changeSetWith(edit) {
  const cs = base("changeset.json");
  edit(cs);
  return json(cs);
}

/** {"format", "scopeTypes": [account] (when `withType`), <list>: n items made by `item`}. */
function onlyList(list, n, item, withType = true) {
  const b = { format: "rolegate/1", revision: `bad-input.only-${list}` };
  if (withType) b.scopeTypes = [{ id: "account", parents: [] }];
  b[list] = Array.from({ length: n }, (_, i) => item(i));
  return b;
}

export const GENERATORS = {
  // --- input_too_large: one byte over 64 MiB, the rest of it insignificant whitespace.
  "bundle-over-64mib": () => {
    const head = Buffer.from('{"format": "rolegate/1"}', "utf8");
    return Buffer.concat([head, Buffer.alloc(LIMITS.maxBytes + 1 - head.length, 0x20)]);
  },
  "request-over-64mib": () => {
    const head = fs.readFileSync(path.join(DIR, "base", "request.json"));
    return Buffer.concat([head, Buffer.alloc(LIMITS.maxBytes + 1 - head.length, 0x20)]);
  },
  // --- nesting_too_deep, far past the limit (the reader stops at the limit, not at the end).
  "bundle-nested-10000": () => Buffer.from(`{"format": "rolegate/1", "name": ${nested(10000)}}`, "utf8"),
  "changeset-nested-10000": () => {
    const text = JSON.stringify(base("changeset.json"));
    return Buffer.from(text.replace('"operations":[', `"operations":[${nested(10000)},`), "utf8");
  },
  // --- string_too_long: one character past 4,096, and exactly 4,096 (accepted).
  "bundle-name-4097": () => bundleWith((b) => { b.name = "n".repeat(LIMITS.maxString + 1); }),
  "bundle-name-4096": () => bundleWith((b) => { b.name = "n".repeat(LIMITS.maxString); }),
  // 4,096 characters of two bytes each: the limit counts bytes, so 8,192 bytes is over it.
  "bundle-name-4096-two-byte-chars": () => bundleWith((b) => { b.name = "é".repeat(LIMITS.maxString); }),
  "bundle-key-4097": () => bundleWith((b) => { b["k".repeat(LIMITS.maxString + 1)] = 1; }),
  "request-actor-4097": () => {
    const r = base("request.json");
    r.actor = "m".repeat(LIMITS.maxString + 1);
    return json(r);
  },
  "changeset-member-4097": () => changeSetWith((cs) => { cs.operations[0].member = "m".repeat(LIMITS.maxString + 1); }),
  // --- too_many_items: one past each count limit.
  // Count limits on a bundle of the one list (and the scope type it needs), so that
  // the only error is the limit's: past a limit a list is refused whole, and in the
  // base bundle every reference into it would be reported too.
  "bundle-1025-permissions": () => json(onlyList("permissions", LIMITS.maxPermissions + 1, (i) => ({ id: `p.${i}`, appliesTo: ["account"] }))),
  "bundle-1024-permissions": () => json(onlyList("permissions", LIMITS.maxPermissions, (i) => ({ id: `p.${i}`, appliesTo: ["account"] }))),
  "bundle-65-scope-types": () => json(onlyList("scopeTypes", LIMITS.maxScopeTypes + 1, (i) => ({ id: `t${i}`, parents: [] }), false)),
  "bundle-64-scope-types": () => json(onlyList("scopeTypes", LIMITS.maxScopeTypes, (i) => ({ id: `t${i}`, parents: [] }), false)),
  "bundle-1025-roles": () => json(onlyList("roles", LIMITS.maxRoles + 1, (i) => ({ id: `r.${i}`, family: "f", rank: i, permissions: [], assignableAt: ["account"] }))),
  "bundle-role-1025-permissions": () => bundleWith((b) => {
    b.roles[0].permissions = Array.from({ length: LIMITS.maxList + 1 }, () => "billing.view");
  }),
  "bundle-1025-approval-rules": () => bundleWith((b) => {
    const rule = b.approvalRules[0];
    for (let i = 1; i < LIMITS.maxRules + 1; i++) b.approvalRules.push({ ...rule, id: `rule-${i}` });
  }),
  "changeset-1025-operations": () => changeSetWith((cs) => {
    const op = cs.operations[0];
    cs.operations = Array.from({ length: LIMITS.maxList + 1 }, () => ({ ...op }));
  }),
  "chain-65-steps": () => {
    const chain = base("chain.json");
    chain.steps = Array.from({ length: LIMITS.maxChainSteps + 1 }, () => chain.steps[0]);
    return json(chain);
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const make = GENERATORS[process.argv[2]];
  if (!make) {
    console.error(`usage: node generate.mjs NAME\nNAME: ${Object.keys(GENERATORS).join(" ")}`);
    process.exit(2);
  }
  process.stdout.write(make());
}
