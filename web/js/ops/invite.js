// @ts-check
// `invite`: a new person or an existing member, with a role on a scope.
import { setupChoices, setupLabel } from "./setups.js";

/** @type {import("./types.js").OpKind} */
export const invite = {
  name: "invite",
  label: "Invite a member",
  group: "Members",
  help: "A new person or an existing member, with a role on a scope.",
  fields: ["invitee", "scope", "role", "setup?"],
  noPlaceholder: ["setup"],
  choices: {
    // Without a list of its own, an invitation needs no set-up option.
    setup: (_values, ctx) => {
      const { options, listed } = setupChoices("invite", ctx);
      return listed ? options : [{ value: "", label: "Default (an invitation)" }, ...options];
    },
  },
  newMembers: (op) => (op.member && typeof op.member === "object" ? [op.member] : []),
  describe: (op, w) => `Invite ${w.member()} as ${w.role()} on ${w.scope()}${op.setup ? `: ${setupLabel(op.setup).toLowerCase()}` : ""}`,
};
