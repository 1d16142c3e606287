// @ts-check
// `remove_member`: removes a member from one scope (their roles there).
import { memberScopeChoices } from "./choices.js";

/** @type {import("./types.js").OpKind} */
export const remove_member = {
  name: "remove_member",
  label: "Remove a member from a scope",
  memberMenu: 3,
  shortLabel: "Remove",
  group: "Members",
  fields: ["member", "scope"],
  choices: { scope: memberScopeChoices },
  describe: (_op, w) => `Remove ${w.member()} from ${w.scope()}`,
};
