// @ts-check
// `set_approval_rule`: adds an approval rule or changes one.
import { describeRule } from "../logic/approval-rules.js";

/** @type {import("./types.js").OpKind} */
export const set_approval_rule = {
  name: "set_approval_rule",
  label: "Add or change an approval rule",
  group: "Policy",
  fields: ["rule"],
  describe: (op, w) => {
    const rule = op.rule;
    if (!rule || typeof rule !== "object" || !Array.isArray(rule.actions) || !rule.approvers) return `Set approval rule ${rule?.id ?? ""}`;
    return `Set approval rule ${rule.id}: ${describeRule(rule, w.index)}`;
  },
};
