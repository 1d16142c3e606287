// @ts-check
// `resend_invitation`: an invited member's invitation again.

/** @type {import("./types.js").OpKind} */
export const resend_invitation = {
  name: "resend_invitation",
  label: "Resend an invitation",
  memberMenu: 4,
  shortLabel: "Resend invite",
  group: "Members",
  fields: ["member"],
  describe: (_op, w) => `Resend ${w.member()}'s invitation`,
};
