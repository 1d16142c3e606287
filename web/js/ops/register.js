// @ts-check
// `register`: a new member signing up with a role: the acting member's id is the new member's.
import { selfUpgradeRoleChoices } from "./self-upgrade.js";

/** @type {import("./types.js").OpKind} */
export const register = {
  name: "register",
  label: "Register with a role",
  group: "Yourself",
  help: "A new member signing up: the acting member's id is the new member's.",
  fields: ["registrant", "scope", "role"],
  choices: { role: selfUpgradeRoleChoices(true) },
  check: (_op, errors, ctx, options) => {
    if (ctx.operations.length > 0 && !options.asJson) errors.newName = "registering must be the first operation of a change set: clear the change first";
  },
  newMembers: (op) => (op.member && typeof op.member === "object" ? [op.member] : []),
  describe: (op, w) => `${w.memberWords(op.member)} registers as ${w.role()} on ${w.scope()}`,
};
