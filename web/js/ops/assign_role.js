// @ts-check
// `assign_role`: gives a member a role on one or more scopes. Its scopes are the
// usual choice of a `scopes` field (logic/op-form.js).

/** @type {import("./types.js").OpKind} */
export const assign_role = {
  name: "assign_role",
  label: "Assign accounts or lines (give a role)",
  memberMenu: 2,
  shortLabel: "Assign",
  group: "Members",
  help: "Gives the member a role on one or more scopes.",
  fields: ["member", "role", "scopes"],
  describe: (_op, w) => `Give ${w.member()} ${w.role()} on ${w.scopes()}`,
};
