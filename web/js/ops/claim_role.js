// @ts-check
// `claim_role`: the actor claims a role a claim of the policy grants.
import { allRoles, allScopes, roleOptions, scopeOptions } from "./choices.js";

/** @type {import("./types.js").OpKind} */
export const claim_role = {
  name: "claim_role",
  label: "Claim a role",
  group: "Yourself",
  fields: ["scope", "role"],
  choices: {
    scope: (_values, ctx) => {
      const { index } = ctx;
      const grants = new Set(index.claims.map((c) => c.grants));
      const types = new Set([...grants].flatMap((g) => index.roles.get(g)?.assignableAt ?? []));
      return scopeOptions(index, allScopes(ctx).filter((s) => types.has(index.scopeTypeOf(s))));
    },
    role: (_values, ctx) => {
      const grants = new Set(ctx.index.claims.map((c) => c.grants));
      return roleOptions(ctx.index, allRoles(ctx).filter((r) => grants.has(r.id)));
    },
  },
  describe: (_op, w) => `${w.you} claims ${w.role()} on ${w.scope()}`,
};
