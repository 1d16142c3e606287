// @ts-check
// `edit_role`: a custom role changed, in the role editor (no form of its own).

/** @type {import("./types.js").OpKind} */
export const edit_role = {
  name: "edit_role",
  label: "Edit a custom role",
  group: "Policy",
  help: "Opens the role editor.",
  fields: null,
  roleEditor: "existing",
  describe: (op) => `Edit custom role ${op.role?.label ?? op.role?.id ?? ""}`,
};
