// @ts-check
// `add_members`: new members (or extensions) added to a scope, pending, with no role.
import { joinList } from "../logic/words.js";
import { allScopes, scopeOptions } from "./choices.js";

/** @type {import("./types.js").OpKind} */
export const add_members = {
  name: "add_members",
  label: "Add unassigned members or extensions",
  group: "Members",
  help: "New members start pending, with no role, until activated.",
  fields: ["scope", "newMembers", "attributes?"],
  choices: { scope: (_values, ctx) => scopeOptions(ctx.index, allScopes(ctx)) },
  newMembers: (op) => (Array.isArray(op.members) ? op.members : []),
  describe: (op, w) => {
    /** @type {any[]} */
    const list = Array.isArray(op.members) ? op.members : [];
    return `Add ${joinList(list.map((x) => x.name ?? x.id))} to ${w.scope()} (unassigned)${w.attributes}`;
  },
};
