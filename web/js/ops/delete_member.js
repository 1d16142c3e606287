// @ts-check
// `delete_member`: deletes a member.

/** @type {import("./types.js").OpKind} */
export const delete_member = {
  name: "delete_member",
  label: "Delete a member",
  memberMenu: 12,
  shortLabel: "Delete",
  group: "Members",
  fields: ["member"],
  describe: (_op, w) => `Delete ${w.member()}`,
};
