// @ts-check
// `delete_approval_rule`: deletes an approval rule.

/** @type {import("./types.js").OpKind} */
export const delete_approval_rule = {
  name: "delete_approval_rule",
  label: "Delete an approval rule",
  group: "Policy",
  fields: ["approvalRule"],
  describe: (op) => `Delete approval rule ${op.rule}`,
};
