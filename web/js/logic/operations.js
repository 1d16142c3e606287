// @ts-check
// The operation kinds of a change set (docs/changes.md): which a bundle offers,
// the fields each takes, and each operation in words. What each kind is lives in
// its own module, ops/<kind>.js.
import { BUILDER_ORDER, KINDS, engineKind, opKind } from "../ops/index.js";
import { withChangeNames } from "./change-names.js";
import { formatAttributes, humanize, joinList } from "./words.js";

export { changeDirection } from "../ops/choices.js";
export { roleRequestWords } from "../ops/requests.js";
export { SETUPS, setupLabel } from "../ops/setups.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {{ kind: string, label: string, group: string, help?: string }} OperationKind
 */

/** Every kind the app has a form for, in the order the builder lists them. */
export const OPERATION_KINDS = /** @type {OperationKind[]} */ (
  BUILDER_ORDER.map((name) => {
    const { label, group, help } = /** @type {import("../ops/types.js").OpKind} */ (opKind(name));
    return help === undefined ? { kind: name, label, group } : { kind: name, label, group, help };
  })
);

/** @param {string} kind */
export function kindLabel(kind) {
  return opKind(kind)?.label ?? humanize(kind);
}

/**
 * The operation kinds a bundle offers, as the engine says a policy supports them
 * (`operationKinds()`): those its `operations` maps, those every policy supports
 * (`everyPolicy`: authorised by their own conditions), and those supported by the
 * entry of a kind it offers (`entryOf`: the verification steps of a mapped
 * self-upgrade, withdrawing with asking for a role). Kinds the app has no form for
 * come last, with a JSON form.
 * @param {Record<string, unknown>} mapped the bundle's `operations`
 * @returns {OperationKind[]}
 */
export function availableKinds(mapped) {
  const offered = new Set(Object.keys(mapped));
  for (const { kind } of OPERATION_KINDS) {
    const engine = engineKind(kind);
    if (engine?.everyPolicy || (engine?.entryOf !== undefined && offered.has(engine.entryOf))) offered.add(kind);
  }
  const known = OPERATION_KINDS.filter((k) => offered.has(k.kind));
  const unknown = [...offered]
    .filter((kind) => !opKind(kind))
    .sort()
    .map((kind) => ({ kind, label: humanize(kind), group: "Other", help: "Written as JSON." }));
  return [...known, ...unknown];
}

/**
 * The fields of each kind's form, in the order they are filled (a later field's
 * choices depend on the earlier ones). A name ending in `?` is optional. Kinds
 * made in the role editor have none.
 * @type {Record<string, string[]>}
 */
export const FIELDS = Object.fromEntries(KINDS.flatMap((k) => (k.fields ? [[k.name, k.fields]] : [])));

/** @param {string} kind @returns {{ name: string, optional: boolean }[]} */
export function fieldsOf(kind) {
  return (FIELDS[kind] ?? ["json"]).map((f) => ({ name: f.replace(/\?$/, ""), optional: f.endsWith("?") }));
}

/**
 * A member id for a new person, from their name, not yet used: "Gwen Alvarez" -> "m-gwen".
 * @param {string} name
 * @param {(id: string) => boolean} taken
 */
export function newMemberId(name, taken) {
  const words = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9\s-]/g, "").split(/\s+/).filter(Boolean);
  const base = `m-${words[0] ?? "new"}`;
  if (!taken(base)) return base;
  const full = `m-${words.join("-") || "new"}`;
  if (!taken(full)) return full;
  for (let n = 2; ; n++) if (!taken(`${full}-${n}`)) return `${full}-${n}`;
}

/** @param {BundleIndex} index @param {string} scope */
function scopeWords(index, scope) {
  return index.scopeName(scope);
}

/** @param {BundleIndex} index @param {any} member an id or a new member */
function memberWords(index, member) {
  if (member && typeof member === "object") {
    const name = member.name ?? member.id;
    return member.email ? `${name} (new, ${member.email})` : `${name} (new)`;
  }
  return typeof member === "string" ? index.memberName(member) : "someone";
}

/** @param {Operation} op @returns {string[]} */
function scopesOf(op) {
  if (Array.isArray(op.scopes)) return op.scopes;
  return typeof op.scope === "string" ? [op.scope] : [];
}

/**
 * One operation in words, with names from the bundle.
 * @param {Operation} op
 * @param {BundleIndex} bundleIndex
 * @param {string} [actor] the change set's actor
 * @param {Operation[]} [operations] the whole change, for the members and roles it introduces
 * @returns {string}
 */
export function describeOperation(op, bundleIndex, actor, operations = []) {
  // Members and roles that earlier operations introduce go by the names those give them.
  const index = withChangeNames(bundleIndex, operations);
  const attributes = op.attributes && Object.keys(op.attributes).length ? ` (${formatAttributes(op.attributes)})` : "";
  const kind = opKind(op.op);
  if (!kind) return `${humanize(op.op)}${attributes}`;
  const defined = (/** @type {string} */ id) => operations.find((o) => o.op === "define_role" && o.role?.id === id)?.role?.label;
  return kind.describe(op, {
    index,
    you: actor ? index.memberName(actor) : "you",
    member: () => memberWords(index, op.member),
    role: () => (typeof op.role === "string" ? (index.roles.has(op.role) ? index.roleName(op.role) : defined(op.role) ?? op.role) : "a role"),
    scope: () => (typeof op.scope === "string" ? scopeWords(index, op.scope) : "a scope"),
    scopes: () => joinList(scopesOf(op).map((s) => scopeWords(index, s))),
    attributes,
    memberWords: (member) => memberWords(index, member),
    describe: (stored, requester) => describeOperation(stored, index, requester, operations),
  });
}
