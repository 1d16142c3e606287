// @ts-check
// `reset_password`: resets a member's password.

/** @type {import("./types.js").OpKind} */
export const reset_password = {
  name: "reset_password",
  label: "Reset a member's password",
  memberMenu: 7,
  shortLabel: "Reset password",
  group: "Members",
  fields: ["member"],
  describe: (_op, w) => `Reset ${w.member()}'s password`,
};
