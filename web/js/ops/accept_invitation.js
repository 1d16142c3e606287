// @ts-check
// `accept_invitation`: the actor accepts their invitation (the server checks its token).

/** @type {import("./types.js").OpKind} */
export const accept_invitation = {
  name: "accept_invitation",
  label: "Accept your invitation",
  group: "Yourself",
  fields: [],
  describe: (_op, w) => `${w.you} accepts the invitation`,
};
