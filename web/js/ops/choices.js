// @ts-check
// Choices the forms of several operation kinds share: scopes and roles listed
// for the form, and what the member acting holds and may ask for.
import { one } from "../logic/form-values.js";

/**
 * @typedef {import("./types.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").FormContext} FormContext
 * @typedef {import("./types.js").FormValues} FormValues
 * @typedef {import("./types.js").Option} Option
 * @typedef {import("../logic/types.js").Role} Role
 */

export { one };

/** @param {BundleIndex} index @param {string[]} ids @returns {Option[]} scopes in tree order, indented */
export function scopeOptions(index, ids) {
  const wanted = new Set(ids);
  return index.tree
    .filter((node) => wanted.has(node.id))
    .map((node) => ({
      value: node.id,
      label: `${"\u00a0\u00a0".repeat(node.depth)}${index.scopeName(node.id)} (${index.scopeTypeName(index.scopeTypeOf(node.id))})`,
    }));
}

/** @param {BundleIndex} index @param {Role[]} roles @returns {Option[]} */
export function roleOptions(index, roles) {
  const family = (/** @type {string} */ f) => index.families.indexOf(f);
  return [...roles].sort((a, b) => family(a.family) - family(b.family) || b.rank - a.rank).map((r) => ({ value: r.id, label: `${index.roleName(r.id)} · rank ${r.rank}` }));
}

/** @param {BundleIndex} index @param {string} member @returns {string[]} */
export function scopesHeldBy(index, member) {
  return [...new Set((index.bindingsByMember.get(member) ?? []).map((b) => b.scope))];
}

/** @param {FormContext} ctx */
export function allScopes(ctx) {
  return ctx.index.tree.map((n) => n.id);
}

/** @param {FormContext} ctx @returns {string[]} the actor's scopes and everything below them */
export function actorReach(ctx) {
  const out = new Set();
  for (const s of scopesHeldBy(ctx.index, ctx.actor)) for (const t of ctx.index.subtree(s)) out.add(t);
  return [...out];
}

/** @param {FormContext} ctx @returns {string[]} scopes where some role may be bound */
export function assignableScopes(ctx) {
  const types = new Set();
  for (const r of ctx.index.roles.values()) for (const t of r.assignableAt) types.add(t);
  return allScopes(ctx).filter((s) => types.has(ctx.index.scopeTypeOf(s)));
}

/** The roles of the policy, as choices of a role field. @param {FormContext} ctx */
export function allRoles(ctx) {
  return [...ctx.index.roles.values()];
}

/**
 * The roles `member` may ask for on `scope`: those given on its type that they do not
 * hold there.
 * @param {BundleIndex} index @param {string} member @param {string} scope
 * @returns {Role[]}
 */
export function askableRoles(index, member, scope) {
  const held = new Set((index.bindingsByMember.get(member) ?? []).filter((b) => b.scope === scope).map((b) => b.role));
  return index.assignableRoles(scope).filter((r) => !held.has(r.id));
}

/**
 * The open role request of `member` for `role` on `scope`, if they asked already.
 * @param {BundleIndex} index @param {string} member @param {string} role @param {string} scope
 */
export function pendingRoleRequest(index, member, role, scope) {
  return [...index.roleRequests.values()].find((r) => r.requester === member && r.role === role && r.scope === scope);
}

/**
 * Whether `change_role` would be an upgrade or a downgrade: by rank, against the
 * role of the same family the member holds on the scope.
 * @param {BundleIndex} index @param {string} member @param {string} scope @param {string} roleId
 * @returns {"upgrade" | "downgrade" | "change" | null}
 */
export function changeDirection(index, member, scope, roleId) {
  const role = index.roles.get(roleId);
  if (!role) return null;
  const current = index.roleOn(member, scope, role.family);
  if (!current) return null;
  if (role.rank > current.rank) return "upgrade";
  if (role.rank < current.rank) return "downgrade";
  return "change";
}

/** @type {import("./types.js").Choices} the scopes the member chosen holds a role on (none chosen: every scope) */
export function memberScopeChoices(values, ctx) {
  const member = one(values, "member");
  return scopeOptions(ctx.index, member ? scopesHeldBy(ctx.index, member) : allScopes(ctx));
}

/** @type {import("./types.js").Choices} the roles the member chosen holds (none chosen: every role) */
export function heldRoleChoices(values, ctx) {
  const member = one(values, "member");
  const all = allRoles(ctx);
  const held = new Set((ctx.index.bindingsByMember.get(member) ?? []).map((b) => b.role));
  return roleOptions(ctx.index, member ? all.filter((r) => held.has(r.id)) : all);
}
