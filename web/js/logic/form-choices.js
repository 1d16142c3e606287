// @ts-check
// The usual choices of each field of the change builder's forms, given the fields
// filled before it. A kind whose field offers other choices says so in its own
// module (ops/<kind>.js, `choices`).
import { allRoles, allScopes, assignableScopes, one, roleOptions, scopeOptions } from "../ops/choices.js";
import { engineKind, opKind } from "../ops/index.js";
import { approvalRequestChoices } from "../ops/requests.js";
import { setupChoices } from "../ops/setups.js";

/**
 * @typedef {import("./op-form.js").FormContext} FormContext
 * @typedef {import("./op-form.js").FormValues} FormValues
 * @typedef {import("./op-form.js").Option} Option
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {(kind: string, values: FormValues, ctx: FormContext) => Option[]} FieldChoices
 */

/** The statuses of a member who has not been deleted (docs/changes.md, "Member status"). */
const LIVING = ["active", "invited", "pending", "blocked", "disabled"];

/**
 * Members that earlier operations of the draft create: id -> name.
 * @param {Operation[]} operations
 */
export function draftMembers(operations) {
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const op of operations) {
    for (const m of opKind(op.op)?.newMembers?.(op) ?? []) out.set(m.id, m.name ?? m.id);
  }
  return out;
}

/**
 * The members the actor sees (and the actor), of the statuses the kind applies to,
 * then the members the change creates.
 * @type {FieldChoices}
 */
function memberChoices(kind, _values, ctx) {
  const { index } = ctx;
  const spec = opKind(kind);
  // The statuses the engine says the kind applies from (none: any); a kind that applies
  // to a member of every status, as delete_member does, also takes those the change creates.
  const statuses = /** @type {string[] | undefined} */ (engineKind(kind)?.memberStatuses);
  const anyStatus = !statuses || LIVING.every((s) => statuses.includes(s));
  /** @type {Option[]} */
  const out = [];
  for (const id of new Set([ctx.actor, ...ctx.visible])) {
    const m = index.members.get(id);
    if (!m || m.status === "removed") continue;
    if (statuses && !statuses.includes(m.status)) continue;
    const you = id === ctx.actor ? ", you" : "";
    out.push({ value: id, label: `${m.name ?? id} (${m.status}${you})` });
  }
  out.sort((a, b) => a.label.localeCompare(b.label));
  if (anyStatus || spec?.offersNewMembers) {
    for (const [id, name] of draftMembers(ctx.operations)) {
      if (!index.members.has(id)) out.push({ value: id, label: `${name} (new in this change)` });
    }
  }
  return out;
}

/** @type {FieldChoices} the scopes the role chosen may be held on that the member does not hold it on */
function scopesChoices(_kind, values, ctx) {
  const { index } = ctx;
  const member = one(values, "member");
  const roleId = one(values, "role");
  const role = index.roles.get(roleId);
  const already = new Set((index.bindingsByMember.get(member) ?? []).filter((b) => b.role === roleId).map((b) => b.scope));
  const ids = allScopes(ctx).filter((s) => (!role || role.assignableAt.includes(index.scopeTypeOf(s))) && !already.has(s));
  return scopeOptions(index, ids);
}

/** @type {FieldChoices} the roles that may be held on the scope chosen (none: every role) */
function roleChoices(_kind, values, ctx) {
  const scope = one(values, "scope");
  return roleOptions(ctx.index, scope ? ctx.index.assignableRoles(scope) : allRoles(ctx));
}

/** @type {FieldChoices} the permissions not limited by rank that apply on the scope chosen */
function actionChoices(_kind, values, ctx) {
  const scope = one(values, "scope");
  const type = scope ? ctx.index.scopeTypeOf(scope) : null;
  return [...ctx.index.permissions.values()]
    .filter((p) => !p.rankLimited && (!type || p.appliesTo.includes(type)))
    .map((p) => ({ value: p.id, label: `${p.label ?? p.id} (${p.id})` }));
}

/** @type {Record<string, FieldChoices>} */
const USUAL = {
  member: memberChoices,
  invitee: memberChoices,
  scope: (_kind, _values, ctx) => scopeOptions(ctx.index, assignableScopes(ctx)),
  scopes: scopesChoices,
  role: roleChoices,
  setup: (kind, _values, ctx) => setupChoices(kind, ctx).options,
  action: actionChoices,
  customRole: (_kind, _values, { index }) => [...index.roles.values()].filter((r) => r.custom).map((r) => ({ value: r.id, label: index.roleName(r.id) })),
  approvalRule: (_kind, _values, { index }) => [...index.approvalRules.keys()].map((id) => ({ value: id, label: id })),
  request: (_kind, _values, ctx) => approvalRequestChoices(ctx),
  decision: () => [
    { value: "approve", label: "Approve" },
    { value: "reject", label: "Reject" },
  ],
};

/**
 * The choices of one field, or null for a field typed in freely: the kind's own,
 * else the usual ones.
 * @param {string} kind @param {string} field @param {FormValues} values @param {FormContext} ctx
 * @returns {Option[] | null}
 */
export function fieldChoices(kind, field, values, ctx) {
  const own = opKind(kind)?.choices?.[field];
  if (own) return own(values, ctx);
  const usual = USUAL[field];
  return usual ? usual(kind, values, ctx) : null;
}
