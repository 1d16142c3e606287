// @ts-check
// Choices the self-upgrade kinds share (`request_self_upgrade`, `resend_verification`,
// `complete_self_upgrade`, and `register`, a self-upgrade on registration).
import { allRoles, allScopes, one, roleOptions, scopeOptions, scopesHeldBy } from "./choices.js";

/** @typedef {import("./types.js").Choices} Choices */

/** @type {Choices} the scopes the actor holds a role on (none: every scope) */
export const actorScopeChoices = (_values, ctx) => {
  const held = scopesHeldBy(ctx.index, ctx.actor);
  return scopeOptions(ctx.index, held.length ? held : allScopes(ctx));
};

/**
 * The roles a self-upgrade leads to (`onRegistration`: those of a registration)
 * that the actor does not hold on the scope chosen, and that may be held there.
 * @param {boolean} onRegistration
 * @returns {Choices}
 */
export function selfUpgradeRoleChoices(onRegistration) {
  return (values, ctx) => {
    const { index } = ctx;
    const scope = one(values, "scope");
    const rules = index.selfUpgrades.filter((u) => onRegistration === (u.onRegistration === true));
    const wanted = new Set(rules.flatMap((u) => u.to));
    const current = scope ? new Set((index.bindingsByMember.get(ctx.actor) ?? []).filter((b) => b.scope === scope).map((b) => b.role)) : new Set();
    const here = scope ? new Set(index.assignableRoles(scope).map((r) => r.id)) : null;
    return roleOptions(index, allRoles(ctx).filter((r) => wanted.has(r.id) && !current.has(r.id) && (!here || here.has(r.id))));
  };
}

/** The choices of the verification steps' forms, as the self-upgrade's. */
export const SELF_UPGRADE_CHOICES = { scope: actorScopeChoices, role: selfUpgradeRoleChoices(false) };
