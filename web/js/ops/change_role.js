// @ts-check
// `change_role`: a member's role on a scope for another of the same family, an
// upgrade or a downgrade by rank.
import { allRoles, changeDirection, memberScopeChoices, one, roleOptions } from "./choices.js";

/** @type {import("./types.js").Choices} roles of the families the member holds on the scope, marked upgrade or downgrade */
function roleChoices(values, ctx) {
  const { index } = ctx;
  const member = one(values, "member");
  const scope = one(values, "scope");
  const all = allRoles(ctx);
  const held = member && scope ? (index.bindingsByMember.get(member) ?? []).filter((b) => b.scope === scope) : [];
  if (held.length === 0) return roleOptions(index, scope ? index.assignableRoles(scope) : all);
  const families = new Set(held.map((b) => index.roles.get(b.role)?.family));
  const current = new Set(held.map((b) => b.role));
  const candidates = (scope ? index.assignableRoles(scope) : all).filter((r) => families.has(r.family) && !current.has(r.id)).sort((a, b) => b.rank - a.rank);
  return candidates.map((r) => {
    const direction = changeDirection(index, member, scope, r.id);
    const arrow = direction === "upgrade" ? " (upgrade)" : direction === "downgrade" ? " (downgrade)" : "";
    return { value: r.id, label: `${index.roleName(r.id)} · rank ${r.rank}${arrow}` };
  });
}

/** @type {import("./types.js").OpKind} */
export const change_role = {
  name: "change_role",
  label: "Change a role (upgrade or downgrade)",
  memberMenu: 1,
  shortLabel: "Change role",
  group: "Members",
  fields: ["member", "scope", "role"],
  choices: { scope: memberScopeChoices, role: roleChoices },
  describe: (op, w) => {
    const { index } = w;
    const direction = typeof op.member === "string" ? changeDirection(index, op.member, op.scope, op.role) : null;
    const current = typeof op.member === "string" ? index.roleOn(op.member, op.scope, index.roles.get(op.role)?.family) : undefined;
    const verb = direction === "upgrade" ? "Upgrade" : direction === "downgrade" ? "Downgrade" : "Change";
    const from = current ? ` from ${index.roleName(current.id)}` : "";
    return `${verb} ${w.member()}${from} to ${w.role()} on ${w.scope()}`;
  },
};
