// @ts-check
// Approval rules: built from the rule editor's values, turned back into values to
// edit one, and described in words.
import { count, formatValue, joinList, parseAttributeValue } from "./words.js";
import { many, one } from "./form-values.js";

/**
 * @typedef {import("./types.js").ApprovalRule} ApprovalRule
 * @typedef {import("./types.js").Condition} Condition
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {Record<string, string | string[] | undefined>} FormValues
 */

export const CONDITION_OPS = ["eq", "ne", "lt", "le", "gt", "ge", "in"];

/**
 * Conditions, one a line: "orderTotal gt 50000", "visibility eq public",
 * "region in north, south".
 * @param {string} text
 * @returns {{ ok: true, conditions: Condition[] } | { ok: false, error: string }}
 */
export function parseConditions(text) {
  /** @type {Condition[]} */
  const conditions = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^([A-Za-z_][\w.-]*)\s+(eq|ne|lt|le|gt|ge|in)\s+(.+)$/.exec(line);
    if (!match) return { ok: false, error: `write a condition as attribute op value, op one of ${CONDITION_OPS.join(", ")} (not “${line}”)` };
    const value = match[2] === "in" ? match[3].split(",").map((v) => parseAttributeValue(v.trim())) : parseAttributeValue(match[3]);
    conditions.push({ attribute: match[1], op: match[2], value });
  }
  return { ok: true, conditions };
}

/** @param {Condition[]} conditions */
export function conditionsText(conditions) {
  return conditions
    .map((c) => `${c.attribute} ${c.op} ${Array.isArray(c.value) ? c.value.join(", ") : String(c.value)}`)
    .join("\n");
}

/**
 * The approval rule the editor's values describe.
 * @param {FormValues} values
 * @returns {{ ok: true, rule: ApprovalRule } | { ok: false, errors: Record<string, string> }}
 */
export function buildRule(values) {
  /** @type {Record<string, string>} */
  const errors = {};
  const id = one(values, "ruleId");
  if (!id) errors.ruleId = "give the rule an id";
  const actions = many(values, "ruleActions");
  if (actions.length === 0) errors.ruleActions = "choose at least one action the rule covers";
  const parsed = parseConditions(one(values, "ruleConditions"));
  if (!parsed.ok) errors.ruleConditions = parsed.error;
  const mode = one(values, "ruleApproverMode") || "roles";
  /** @type {ApprovalRule["approvers"]} */
  let approvers = {};
  if (mode === "permission") {
    const permission = one(values, "ruleApproverPermission");
    if (!permission) errors.ruleApproverPermission = "choose the permission approvers hold";
    approvers = { permission };
  } else {
    const roles = many(values, "ruleApproverRoles");
    if (roles.length === 0) errors.ruleApproverRoles = "choose at least one approver role";
    approvers = { roles };
  }
  const quorum = Number(one(values, "ruleQuorum") || "1");
  if (!Number.isInteger(quorum) || quorum < 1) errors.ruleQuorum = "the number of approvals is a whole number, 1 or more";
  const expiresText = one(values, "ruleExpires");
  const expires = Number(expiresText);
  if (expiresText && (!Number.isInteger(expires) || expires < 1)) errors.ruleExpires = "days are a whole number, 1 or more";
  if (Object.keys(errors).length) return { ok: false, errors };
  /** @type {ApprovalRule} */
  const rule = { id, actions, approvers, quorum };
  const scopeTypes = many(values, "ruleScopeTypes");
  if (scopeTypes.length) rule.scopeTypes = scopeTypes;
  const requesterRoles = many(values, "ruleRequesterRoles");
  if (requesterRoles.length) rule.requesterRoles = requesterRoles;
  if (parsed.ok && parsed.conditions.length) rule.when = parsed.conditions;
  if (expiresText) rule.expiresAfterDays = expires;
  // Keys in the order the format lists them, for a tidy change set.
  return {
    ok: true,
    rule: /** @type {ApprovalRule} */ (Object.fromEntries(
      ["id", "actions", "scopeTypes", "requesterRoles", "when", "approvers", "quorum", "expiresAfterDays"]
        .filter((k) => k in rule)
        .map((k) => [k, /** @type {any} */ (rule)[k]]),
    )),
  };
}

/**
 * The editor's values for an existing rule.
 * @param {ApprovalRule} rule
 * @returns {FormValues}
 */
export function ruleToValues(rule) {
  return {
    ruleId: rule.id,
    ruleActions: rule.actions,
    ruleScopeTypes: rule.scopeTypes ?? [],
    ruleRequesterRoles: rule.requesterRoles ?? [],
    ruleConditions: conditionsText(rule.when ?? []),
    ruleApproverMode: rule.approvers.permission ? "permission" : "roles",
    ruleApproverRoles: rule.approvers.roles ?? [],
    ruleApproverPermission: rule.approvers.permission ?? "",
    ruleQuorum: String(rule.quorum ?? 1),
    ruleExpires: rule.expiresAfterDays === undefined ? "" : String(rule.expiresAfterDays),
  };
}

const CONDITION_WORDS = /** @type {Record<string, string>} */ ({
  eq: "is",
  ne: "is not",
  lt: "is below",
  le: "is at most",
  gt: "is above",
  ge: "is at least",
  in: "is one of",
});

/**
 * A condition in words: "orderTotal is above 50000".
 * @param {Condition} c
 */
export function conditionWords(c) {
  return `${c.attribute} ${CONDITION_WORDS[c.op] ?? c.op} ${formatValue(c.value)}`;
}

/**
 * A rule in words: "“Place orders” by End User, when orderTotal above 50000,
 * needs 1 approval from holders of “Approve orders”, within 7 days".
 * @param {ApprovalRule} rule
 * @param {BundleIndex} index
 */
export function describeRule(rule, index) {
  const actions = joinList(rule.actions.map((a) => `“${index.permissionName(a)}”`), "or");
  const by = rule.requesterRoles?.length ? ` by ${joinList(rule.requesterRoles.map(index.roleName), "or")}` : "";
  const on = rule.scopeTypes?.length ? ` on a ${joinList(rule.scopeTypes.map(index.scopeTypeName), "or")}` : "";
  const when = rule.when?.length ? `, when ${joinList(rule.when.map(conditionWords))}` : "";
  const approvers = rule.approvers.permission
    ? `holders of “${index.permissionName(rule.approvers.permission)}”`
    : joinList((rule.approvers.roles ?? []).map(index.roleName), "or");
  const within = rule.expiresAfterDays ? `, within ${count(rule.expiresAfterDays, "day")}` : "";
  return `${actions}${by}${on}${when} needs ${count(rule.quorum ?? 1, "approval")} from ${approvers}${within}`;
}
