// @ts-check
// Decisions and their reasons in plain words, with names from the bundle:
// "granted by Admin on York shop through group North".
import { rewriteMessage } from "./bundle-index.js";
import { capitalize, count, formatDate, formatTime, formatValue, humanize, joinList } from "./words.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Reason} Reason
 * @typedef {import("./types.js").Decision} Decision
 * @typedef {import("./types.js").ApprovalRequirement} ApprovalRequirement
 * @typedef {import("./types.js").VerificationRequirement} VerificationRequirement
 * @typedef {{ actor?: string, action?: string, resource?: string,
 *   attributes?: Record<string, unknown> }} ReasonContext
 */

/** @param {string} action @param {BundleIndex} index */
function actionWords(action, index) {
  return `“${index.permissionName(action)}”`;
}

/**
 * A rank in words: "rank 30 (Admin)" when one role of the family has it.
 * @param {number} rank @param {string | undefined} family @param {BundleIndex} index
 */
function rankWords(rank, family, index) {
  const candidates = family
    ? index.rolesByFamily.get(family) ?? []
    : [...index.roles.values()];
  const named = candidates.filter((r) => r.rank === rank);
  return named.length === 1 ? `rank ${rank} (${index.roleName(named[0].id)})` : `rank ${rank}`;
}

/** @param {string} method */
export function methodName(method) {
  return humanize(method);
}

/**
 * What a reason's words are made with: the index, the context of the decision,
 * and the names of its actor, action and scope (or "the member", "this action",
 * "the scope").
 * @typedef {{ index: BundleIndex, context: ReasonContext, actor: string, action: string, resource: string }} ReasonWords
 * @typedef {(r: Reason, w: ReasonWords) => string} ReasonText
 */

/** @type {ReasonText} an engine message, with names for its ids */
const asMessage = (r, { index }) => rewriteMessage(r.message, index);

/** @type {Record<string, ReasonText>} reasons of access: roles held, permissions, ranks */
const ACCESS_REASONS = {
  granted_by: (r, { index, context, resource }) => {
    const role = index.roleName(r.role);
    if (r.inheritedFrom && context.resource && r.inheritedFrom !== context.resource) {
      const from = r.inheritedFrom;
      return `granted by ${role} on ${resource} through ${index.scopeTypeName(index.scopeTypeOf(from))} ${index.scopeName(from)}`;
    }
    return `granted by ${role} on ${index.scopeName(r.scope)}`;
  },
  member_not_active: (r, { index, context }) => {
    // An operation's own refusal (asking for a role, giving one to a requester) says whom in its message.
    if (typeof r.status !== "string") return rewriteMessage(r.message ?? r.code, index);
    return `${index.memberName(r.member ?? context.actor ?? "")} is ${r.status}, and only active members hold permissions`;
  },
  action_not_applicable: (r, { index, action }) => `${action} does not apply to a ${index.scopeTypeName(r.scopeType)}`,
  no_binding: (_r, { actor, resource }) => `${actor} holds no role on ${resource} or above it`,
  binding_expired: (r, { index }) => {
    const b = index.bindingsById.get(r.binding);
    const what = b ? `${index.memberName(b.member)}'s ${index.roleName(b.role)} role on ${index.scopeName(b.scope)}` : `binding ${r.binding}`;
    return `${what} expired on ${formatTime(r.expiresAt)}`;
  },
  permission_not_granted: (r, { index, actor, action, resource }) => {
    /** @type {string[]} */
    const held = r.roles ?? [];
    if (held.length === 0) return `no role ${actor} holds on ${resource} grants ${action}`;
    return `none of ${actor}'s roles on ${resource} (${joinList(held.map(index.roleName))}) grants ${action}`;
  },
  rank_too_low: (r, { index, actor }) => {
    const role = index.roles.get(r.role);
    const family = role?.family;
    if (r.have < 0) {
      return `${actor} may not hand out ${family ? index.familyName(family) : "these"} roles at all, and ${index.roleName(r.role)} is ${rankWords(r.need, family, index)}`;
    }
    return `${index.roleName(r.role)} is rank ${r.need}, but ${actor} manages roles only up to ${rankWords(r.have, family, index)}`;
  },
  target_outranks_actor: (r, { index, actor, resource }) => `${index.memberName(r.target)} holds a role of rank ${r.need} on ${resource}, above rank ${r.have}, the highest ${actor} may manage`,
  target_not_visible: (r, { index, actor, resource }) => `${actor} may not see ${index.memberName(r.target)} on ${resource}`,
};

/** @type {Record<string, ReasonText>} reasons of approval and verification */
const APPROVAL_REASONS = {
  approval_required: (r, { index }) => `needs approval under rule ${index.ruleName(r.rule)}`,
  approval_unreachable: (r, { index, resource }) => `rule ${index.ruleName(r.rule)} needs ${count(r.need, "approval")}, but only ${count(r.have, "member")} could approve on ${resource}`,
  condition_attribute_missing: (r, { index }) => `rule ${index.ruleName(r.rule)} applies because the request gives no ${r.attribute}`,
  condition_type_mismatch: (r, { index }) => `rule ${index.ruleName(r.rule)} applies because ${r.attribute} has a type its condition cannot compare`,
  verification_required: (r) => `needs verification by ${methodName(r.method)}, valid for ${count(r.validForDays, "day")}`,
  not_an_approver: (r, { index }) => {
    /** @type {string[]} */
    const eligible = r.eligible ?? [];
    const tail = eligible.length ? `; only ${joinList(eligible.map(index.memberName), "or")} may` : "";
    return `${rewriteMessage(r.message, index)}${tail}`;
  },
  invitation_expired: (r) => `${r.code === "invitation_expired" ? "the invitation" : "the verification"} expired on ${formatTime(r.expiresAt)}`,
  verification_expired: (r) => `${r.code === "invitation_expired" ? "the invitation" : "the verification"} expired on ${formatTime(r.expiresAt)}`,
  precondition_failed: (r) => `this operation needs ${r.attribute} ${opWords(r.op)} ${formatValue(r.value)}, and it is ${formatValue(r.actual)}`,
  operation_not_supported: asMessage,
  wrong_status: asMessage,
};

/** @type {Record<string, ReasonText>} reasons of self-upgrades and claims */
const UPGRADE_REASONS = {
  self_upgrade_allowed: (r, { index, context, actor }) => {
    const wanted = typeof context.attributes?.role === "string" ? ` to ${index.roleName(context.attributes.role)}` : "";
    return `${actor} may upgrade from ${index.roleName(r.from)}${wanted} under rule ${index.ruleName(r.rule)}`;
  },
  self_upgrade_blocked: (r, { index, resource }) => {
    /** @type {string[]} */
    const holders = r.holders ?? [];
    const names = joinList(holders.map(index.memberName));
    return `rule ${index.ruleName(r.rule)} allows a self-upgrade only while nobody holds a high enough role on ${resource}, and ${names} ${holders.length === 1 ? "does" : "do"}`;
  },
  not_eligible: (r, { index, context }) => {
    /** @type {string[]} */
    const from = r.from ?? [];
    const wanted = typeof context.attributes?.role === "string" ? index.roleName(context.attributes.role) : "that role";
    if (from.length === 0) return `no rule lets a member upgrade themself to ${wanted}`;
    return `only a holder of ${joinList(from.map(index.roleName), "or")} may upgrade themself to ${wanted}${r.rule ? ` under rule ${index.ruleName(r.rule)}` : ""}`;
  },
  not_an_upgrade: (r) => `not an upgrade: the role wanted (rank ${r.need}) is not above the role held (rank ${r.have})`,
  claimable: (r, { index, actor, resource }) => {
    const b = index.bindingsById.get(r.binding);
    const via = b ? `, holding ${index.roleName(b.role)} on ${index.scopeName(b.scope)}` : "";
    // A claim has no name of its own: it is named by the role it gives.
    const claim = index.claims.find((c) => c.id === r.claim);
    if (claim && index.roles.has(claim.grants)) return `${actor} may claim ${index.roleName(claim.grants)} on ${resource}${via}`;
    return `${actor} may take it under claim ${r.claim}${via}`;
  },
  claim_not_available: (r, { index, resource }) => `claiming on ${resource} needs ${joinList((r.holder ?? []).map(index.roleName), "or")} on a related scope`,
};

/** @type {Record<string, ReasonText>} reasons of role requests (docs/changes.md section 2b) */
const REQUEST_REASONS = {
  already_holds: (r, { index, actor }) => `${actor} already holds ${index.roleName(r.role)} on ${index.scopeName(r.scope)}`,
  request_pending: (_r, { index, context, actor, resource }) => `${actor} already asked for ${wantedRole(context, index)} on ${resource}, and that request still waits for a decision`,
  invalid_until: (r) => `the role would end on ${formatTime(r.until)}, which is not after now: choose a later time, or none`,
  role_not_assignable_at: (r, { index }) => `${index.roleName(r.role)} is not given on a ${index.scopeTypeName(index.scopeTypeOf(r.scope))}`,
  no_decider: (_r, { index, context, resource }) => `no active member may give ${wantedRole(context, index)} on ${resource}, so nobody could decide the request`,
  not_the_requester: (r, { index }) => `only ${index.memberName(r.requester)}, who asked, may withdraw this request`,
  not_a_decider: (r, { index, context, actor, resource }) => {
    /** @type {string[]} */
    const eligible = r.eligible ?? [];
    const tail = eligible.length ? `; only ${joinList(eligible.map(index.memberName), "or")} may` : "; nobody may at the moment";
    return `${actor} could not give ${wantedRole(context, index)} on ${resource} now, so may not decide this request${tail}`;
  },
  own_request: (_r, { actor }) => `${actor} asked for it, and nobody decides their own request`,
  request_expired: (r) => `the request lapsed on ${formatTime(r.expiresAt)} without a decision; the member may ask again`,
};

/** @type {Map<string, ReasonText>} */
const REASON_TEXTS = new Map(Object.entries({ ...ACCESS_REASONS, ...APPROVAL_REASONS, ...UPGRADE_REASONS, ...REQUEST_REASONS }));

/**
 * One reason of a decision (or of an operation) in words, without a final period.
 * @param {Reason} reason
 * @param {BundleIndex} index
 * @param {ReasonContext} [context]
 * @returns {string}
 */
export function describeReason(reason, index, context = {}) {
  const text = REASON_TEXTS.get(reason.code);
  if (!text) return rewriteMessage(reason.message ?? reason.code, index);
  return text(reason, {
    index,
    context,
    actor: context.actor ? index.memberName(context.actor) : "the member",
    action: context.action ? actionWords(context.action, index) : "this action",
    resource: context.resource ? index.scopeName(context.resource) : "the scope",
  });
}

/** @param {ReasonContext} context @param {BundleIndex} index */
function wantedRole(context, index) {
  return typeof context.attributes?.role === "string" ? index.roleName(context.attributes.role) : "this role";
}

/**
 * The context an operation's own reasons are worded in: its actor, and for an access
 * request (asking, deciding or withdrawing one) the role and the scope it is about.
 * @param {import("./types.js").Operation | undefined} op
 * @param {BundleIndex} index
 * @param {string | undefined} actor
 * @returns {ReasonContext}
 */
export function operationContext(op, index, actor) {
  if (op?.op === "request_role" && typeof op.role === "string" && typeof op.scope === "string") {
    return { actor, resource: op.scope, attributes: { role: op.role } };
  }
  const asked = op && (op.op === "decide_request" || op.op === "withdraw_request") ? index.roleRequests.get(op.request) : undefined;
  if (asked) return { actor, resource: asked.scope, attributes: { role: asked.role } };
  return { actor };
}

/** @param {string} op a condition operator */
export function opWords(op) {
  return (
    /** @type {Record<string, string>} */ ({
      eq: "to be",
      ne: "not to be",
      lt: "below",
      le: "at most",
      gt: "above",
      ge: "at least",
      in: "to be one of",
    })[op] ?? op
  );
}

/**
 * An approval requirement in words, naming the approvers:
 * "1 approval from Marcus Chen, Olivia Reyes or Omar Haddad (rule …, expires after 7 days)".
 * @param {ApprovalRequirement} approval
 * @param {BundleIndex} index
 */
export function describeApproval(approval, index) {
  const names = approval.approvers.map(index.memberName);
  const who = names.length === 0 ? "nobody (no eligible approver)" : joinList(names, approval.quorum > 1 ? "and" : "or");
  const from = approval.quorum > 1 && names.length > approval.quorum ? `any ${approval.quorum} of ${who}` : who;
  const details = [`rule ${index.ruleName(approval.rule)}`];
  if (approval.expiresAfterDays) details.push(`expires after ${count(approval.expiresAfterDays, "day")}`);
  return `${count(approval.quorum, "approval")} from ${from} (${details.join(", ")})`;
}

/**
 * @param {VerificationRequirement} verification
 */
export function describeVerification(verification) {
  return `verification by ${methodName(verification.method)}, valid for ${count(verification.validForDays, "day")} (rule ${verification.rule})`;
}

export const EFFECT_LABELS = /** @type {const} */ ({
  allow: "Allowed",
  deny: "Denied",
  conditional: "Needs approval or verification",
});

/**
 * An effect's label, saying what a conditional answer waits for.
 * @param {"allow" | "deny" | "conditional"} effect
 * @param {{ approvals: unknown[], verifications: unknown[] }} [requirements]
 */
export function effectLabel(effect, requirements) {
  if (effect !== "conditional" || !requirements) return EFFECT_LABELS[effect];
  const approvals = requirements.approvals.length > 0;
  const verifications = requirements.verifications.length > 0;
  if (approvals && verifications) return "Needs approval and verification";
  if (approvals) return "Needs approval";
  if (verifications) return "Needs verification";
  return EFFECT_LABELS.conditional;
}

/**
 * A decision in words: a headline and one line per reason, approvals naming the
 * approvers, verifications.
 * @param {Decision} decision
 * @param {BundleIndex} index
 * @param {Record<string, unknown>} [attributes] the request's attributes
 */
export function describeDecision(decision, index, attributes) {
  const context = { actor: decision.actor, action: decision.action, resource: decision.resource, attributes };
  const who = index.memberName(decision.actor);
  const what = actionWords(decision.action, index);
  const where = index.scopeName(decision.resource);
  const details = [];
  if (attributes && typeof attributes.role === "string") details.push(`role ${index.roleName(attributes.role)}`);
  if (attributes && typeof attributes.target === "string") details.push(`for ${index.memberName(attributes.target)}`);
  const detail = details.length ? ` (${details.join(", ")})` : "";
  let headline;
  if (decision.effect === "allow") headline = `${who} may ${what} on ${where}${detail}`;
  else if (decision.effect === "deny") headline = `${who} may not ${what} on ${where}${detail}`;
  else headline = `${who} may ${what} on ${where}${detail} once the requirements below are met`;
  return {
    effect: decision.effect,
    label: effectLabel(decision.effect, decision.requirements),
    headline,
    reasons: decision.reasons.map((r) => capitalize(describeReason(r, index, context))),
    approvals: decision.requirements.approvals.map((a) => ({
      text: capitalize(describeApproval(a, index)),
      approvers: a.approvers.map(index.memberName),
      rule: a.rule,
    })),
    verifications: decision.requirements.verifications.map((v) => capitalize(describeVerification(v))),
  };
}

/**
 * A date for an expiry fact, e.g. in events.
 * @param {string} timestamp
 */
export function expiryWords(timestamp) {
  return formatDate(timestamp);
}
