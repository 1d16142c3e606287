// @ts-check
// `activate_member`: sets up a pending (or invited) member, maybe with a role on a scope.
import { setupLabel } from "./setups.js";

/** @type {import("./types.js").OpKind} */
export const activate_member = {
  name: "activate_member",
  label: "Activate an unassigned member",
  memberMenu: 5,
  shortLabel: "Activate",
  group: "Members",
  help: "Choose how the member is set up: an invitation, an activation e-mail, credentials, or later.",
  fields: ["member", "setup", "scope?", "role?"],
  offersNewMembers: true,
  check: (op, errors) => {
    if ((op.role === undefined) !== (op.scope === undefined)) errors[op.role === undefined ? "role" : "scope"] = "give both a role and a scope, or neither";
  },
  describe: (op, w) => {
    const withRole = typeof op.role === "string" ? ` as ${w.role()} on ${w.scope()}` : "";
    return `Activate ${w.member()}${withRole}: ${setupLabel(op.setup ?? "").toLowerCase()}`;
  },
};
