// @ts-check
// `request_role`: the actor asks for a role on a scope; those who could give it decide.
import { formatDate } from "../logic/words.js";
import { allRoles, askableRoles, assignableScopes, one, pendingRoleRequest, roleOptions, scopeOptions, scopesHeldBy } from "./choices.js";

/** @type {import("./types.js").Choices} where the actor holds a role and could hold another, on the types asking applies to */
function scopeChoices(_values, ctx) {
  const { index } = ctx;
  const types = index.permissions.get(index.operations.request_role?.action ?? "")?.appliesTo;
  const applies = (/** @type {string} */ s) => !types || types.includes(index.scopeTypeOf(s));
  const held = scopesHeldBy(index, ctx.actor).filter((s) => applies(s) && askableRoles(index, ctx.actor, s).length > 0);
  return scopeOptions(index, held.length ? held : assignableScopes(ctx).filter(applies));
}

/** @type {import("./types.js").Choices} the roles the actor may ask for on the scope, marked when asked already */
function roleChoices(values, ctx) {
  const { index } = ctx;
  const scope = one(values, "scope");
  if (!scope) return roleOptions(index, allRoles(ctx));
  return roleOptions(index, askableRoles(index, ctx.actor, scope)).map((o) =>
    pendingRoleRequest(index, ctx.actor, o.value, scope) ? { ...o, label: `${o.label} (you asked already)` } : o,
  );
}

/** @type {import("./types.js").OpKind} */
export const request_role = {
  name: "request_role",
  label: "Ask for a role",
  group: "Yourself",
  help: "Asks the members who could give you the role to decide. Asking gives nothing by itself: your access changes only if one of them approves.",
  fields: ["scope", "role", "reason?", "until?"],
  choices: { scope: scopeChoices, role: roleChoices },
  describe: (op, w) => {
    const until = typeof op.until === "string" ? `, until ${formatDate(op.until)}` : "";
    const reason = typeof op.reason === "string" && op.reason.trim() ? `: “${op.reason.trim()}”` : "";
    return `${w.you} asks for ${w.role()} on ${w.scope()}${until}${reason}`;
  },
};
