// @ts-check
// `revoke_role`: takes a role away from a member on some of the scopes they hold it on.
import { allScopes, heldRoleChoices, one, scopeOptions } from "./choices.js";

/** @type {import("./types.js").Choices} the scopes the member holds the role chosen on */
function scopesChoices(values, ctx) {
  const { index } = ctx;
  const member = one(values, "member");
  const roleId = one(values, "role");
  const held = (index.bindingsByMember.get(member) ?? []).filter((b) => !roleId || b.role === roleId).map((b) => b.scope);
  return scopeOptions(index, member ? held : allScopes(ctx));
}

/** @type {import("./types.js").OpKind} */
export const revoke_role = {
  name: "revoke_role",
  label: "Unassign accounts or lines (take a role away)",
  group: "Members",
  fields: ["member", "role", "scopes"],
  choices: { role: heldRoleChoices, scopes: scopesChoices },
  describe: (_op, w) => `Take ${w.role()} on ${w.scopes()} away from ${w.member()}`,
};
