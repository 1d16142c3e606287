// @ts-check
// `delete_role`: deletes a custom role.

/** @type {import("./types.js").OpKind} */
export const delete_role = {
  name: "delete_role",
  label: "Delete a custom role",
  group: "Policy",
  fields: ["customRole"],
  describe: (_op, w) => `Delete custom role ${w.role()}`,
};
