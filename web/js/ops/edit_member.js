// @ts-check
// `edit_member`: a member's name, e-mail or both.
import { joinList } from "../logic/words.js";

/** @type {import("./types.js").OpKind} */
export const edit_member = {
  name: "edit_member",
  label: "Edit a member's name or e-mail",
  memberMenu: 6,
  shortLabel: "Edit",
  group: "Members",
  fields: ["member", "name?", "email?"],
  check: (op, errors) => {
    if (op.name === undefined && op.email === undefined) errors.name = "change the name, the e-mail or both";
  },
  describe: (op, w) => {
    const changes = [];
    if (op.name !== undefined) changes.push(`name to ${op.name}`);
    if (op.email !== undefined) changes.push(`e-mail to ${op.email}`);
    return `Change ${w.member()}'s ${changes.length ? joinList(changes) : "details"}`;
  },
};
