// @ts-check
// `define_role`: a custom role, made in the role editor (no form of its own).

/** @type {import("./types.js").OpKind} */
export const define_role = {
  name: "define_role",
  label: "Create a custom role",
  group: "Policy",
  help: "Opens the role editor.",
  fields: null,
  roleEditor: "new",
  newRoles: (op) => (op.role && typeof op.role === "object" ? [op.role] : []),
  describe: (op) => `Create custom role ${op.role?.label ?? op.role?.id ?? ""}`,
};
