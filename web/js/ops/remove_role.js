// @ts-check
// `remove_role`: takes a role away from a member on every scope.
import { heldRoleChoices } from "./choices.js";

/** @type {import("./types.js").OpKind} */
export const remove_role = {
  name: "remove_role",
  label: "Take a role away everywhere",
  group: "Members",
  fields: ["member", "role"],
  choices: { role: heldRoleChoices },
  describe: (_op, w) => `Take ${w.role()} away from ${w.member()} everywhere`,
};
