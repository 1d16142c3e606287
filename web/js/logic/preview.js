// @ts-check
// A simulation result in words: per operation verdicts with reasons, approvals
// naming the approvers, the access diff grouped by member ("Sam Patel loses 12
// permissions on 3 accounts"), invariant violations and notifications.
import { rewriteMessage } from "./bundle-index.js";
import { withChangeNames } from "./change-names.js";
import { describeApproval, describeReason, describeVerification, effectLabel, operationContext } from "./reasons.js";
import { describeOperation } from "./operations.js";
import { capitalize, count, formatDate, humanize, joinList, pluralNoun } from "./words.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Simulation} Simulation
 * @typedef {import("./types.js").MemberDiff} MemberDiff
 * @typedef {import("./types.js").NotificationEvent} NotificationEvent
 * @typedef {import("./types.js").Violation} Violation
 * @typedef {import("./types.js").ChangeSet} ChangeSet
 */

/**
 * "3 accounts", "1 billing account", "2 scopes" (mixed types).
 * @param {string[]} scopeIds
 * @param {BundleIndex} index
 */
export function scopesPhrase(scopeIds, index) {
  const types = new Set(scopeIds.map(index.scopeTypeOf));
  if (types.size === 1) {
    const type = index.scopeTypeName([...types][0]);
    return count(scopeIds.length, type, pluralNoun(type));
  }
  return count(scopeIds.length, "scope");
}

/**
 * The headline of one member's access change.
 * @param {MemberDiff} diff
 * @param {BundleIndex} index
 */
export function memberDiffHeadline(diff, index) {
  const who = index.memberName(diff.member);
  const gained = diff.gained.length;
  const lost = diff.lost.length;
  const scopes = [...new Set([...diff.gained, ...diff.lost].map((a) => a.scope))];
  const where = scopes.length ? ` on ${scopesPhrase(scopes, index)}` : "";
  if (gained && lost) return `${who} gains ${gained} and loses ${count(lost, "permission")}${where}`;
  if (gained) return `${who} gains ${count(gained, "permission")}${where}`;
  if (lost) return `${who} loses ${count(lost, "permission")}${where}`;
  const power = powerChanges(diff, index);
  if (power.length) {
    const more = power.length > 1 ? `, and ${count(power.length - 1, "other change")} in power` : "";
    return `${who}: permissions stay the same, but ${power[0]}${more}`;
  }
  return `${who}: roles change, permissions stay the same`;
}

/**
 * A member's change in power over others and over their own roles, in words:
 * "can now manage billing roles up to rank 40 (Super admin) on Leeds head office
 * (was up to rank 30 (Admin))", whom they see, and the self-upgrades and claims
 * that open or close to them.
 * @param {MemberDiff} diff
 * @param {BundleIndex} index
 * @returns {string[]}
 */
export function powerChanges(diff, index) {
  const power = diff.power;
  if (!power) return [];
  /** @type {string[]} */
  const out = [];
  // A rank by the role that has it: "Super admin" (else "rank 35").
  const level = (/** @type {number} */ r, /** @type {string} */ family) => {
    const named = (index.rolesByFamily.get(family) ?? []).filter((role) => role.rank === r);
    return named.length === 1 ? index.roleName(named[0].id) : `rank ${r}`;
  };
  // Whom a rule of `sees` from this rank shows: "all of them" from the lowest rank.
  const seen = (/** @type {number} */ r, /** @type {string} */ family) => {
    const lowest = Math.min(...(index.rolesByFamily.get(family) ?? []).map((role) => role.rank));
    return r <= lowest ? "all" : `from ${level(r, family)} up`;
  };
  for (const m of power.manages) {
    const roles = `${index.familyName(m.family)} roles`;
    const where = ` on ${index.scopeName(m.scope)}`;
    const was = m.from === null ? " (none before)" : ` (was up to ${level(m.from, m.family)})`;
    if (m.to === null) out.push(`no longer manages ${roles}${where}${was}`);
    else if (m.from !== null && m.to < m.from) out.push(`can now manage ${roles} only up to ${level(m.to, m.family)}${where}${was}`);
    else out.push(`can now manage ${roles} up to ${level(m.to, m.family)}${where}${was}`);
  }
  for (const s of power.sees) {
    const whom = `${s.field === "email" ? "the e-mail of " : ""}${index.familyName(s.family)} members`;
    const where = ` on ${index.scopeName(s.scope)}`;
    const was = s.from === null ? " (none before)" : ` (was ${seen(s.from, s.family)})`;
    if (s.to === null) out.push(`no longer sees ${whom}${where}${was}`);
    else out.push(`now sees ${whom}: ${seen(s.to, s.family)}${where}${was}`);
  }
  for (const u of power.selfUpgrades.gained) out.push(`may now upgrade themself to ${index.roleName(u.role)} on ${index.scopeName(u.scope)}`);
  for (const u of power.selfUpgrades.lost) out.push(`may no longer upgrade themself to ${index.roleName(u.role)} on ${index.scopeName(u.scope)}`);
  for (const c of power.claims.gained) out.push(`may now claim ${index.roleName(c.role)} within ${index.scopeName(c.within)}`);
  for (const c of power.claims.lost) out.push(`may no longer claim ${index.roleName(c.role)} within ${index.scopeName(c.within)}`);
  return out;
}

/**
 * The role changes of a member, pairing a role lost and one gained in the same
 * family on the same scope: "Admin -> Super admin on Leeds head office".
 * @param {MemberDiff} diff
 * @param {BundleIndex} index
 * @returns {string[]}
 */
export function roleChanges(diff, index) {
  const lost = [...diff.roles.lost];
  /** @type {string[]} */
  const out = [];
  for (const g of diff.roles.gained) {
    const family = index.roles.get(g.role)?.family;
    const i = lost.findIndex((l) => l.scope === g.scope && index.roles.get(l.role)?.family === family);
    if (i >= 0) {
      const [l] = lost.splice(i, 1);
      out.push(`${index.roleName(l.role)} becomes ${index.roleName(g.role)} on ${index.scopeName(g.scope)}`);
    } else {
      out.push(`gets ${index.roleName(g.role)} on ${index.scopeName(g.scope)}`);
    }
  }
  for (const l of lost) out.push(`no longer ${index.roleName(l.role)} on ${index.scopeName(l.scope)}`);
  return out;
}

/**
 * One member's diff, grouped by scope for the expandable detail.
 * @param {MemberDiff} diff
 * @param {BundleIndex} index
 */
export function describeMemberDiff(diff, index) {
  /** @type {Map<string, { gained: string[], lost: string[] }>} */
  const byScope = new Map();
  const at = (/** @type {string} */ scope) => {
    let entry = byScope.get(scope);
    if (!entry) byScope.set(scope, (entry = { gained: [], lost: [] }));
    return entry;
  };
  // A permission usable only with approval says so, naming who approves.
  for (const a of diff.gained) {
    const needs = (a.approvals ?? []).map((r) => `needs ${describeApproval({ rule: r.rule, quorum: r.quorum, approvers: r.approvers }, index)}`);
    at(a.scope).gained.push(`${index.permissionName(a.permission)}${needs.length ? ` (${needs.join("; ")})` : ""}`);
  }
  for (const a of diff.lost) at(a.scope).lost.push(index.permissionName(a.permission));
  return {
    member: diff.member,
    name: index.memberName(diff.member),
    headline: memberDiffHeadline(diff, index),
    roles: roleChanges(diff, index),
    power: powerChanges(diff, index),
    gained: diff.gained.length,
    lost: diff.lost.length,
    scopes: [...byScope].map(([scope, entry]) => ({
      scope,
      name: index.scopeName(scope),
      path: index.scopePath(scope),
      gained: entry.gained,
      lost: entry.lost,
    })),
  };
}

const CHANNELS = /** @type {Record<string, string>} */ ({
  email: "by e-mail",
  in_app: "in the app",
  post: "by post",
  sms: "by text message",
  push: "by push notification",
});

/** @param {string[]} channels */
export function channelWords(channels) {
  return joinList(channels.map((c) => CHANNELS[c] ?? `by ${humanize(c)}`));
}

/**
 * What a notification tells its recipient.
 * @param {NotificationEvent} e
 * @param {BundleIndex} index
 */
export function eventWords(e, index) {
  const role = typeof e.role === "string" ? index.roleName(e.role) : "";
  const from = typeof e.fromRole === "string" ? index.roleName(e.fromRole) : "";
  const scope = typeof e.scope === "string" ? index.scopeName(e.scope) : "";
  const on = scope ? ` on ${scope}` : "";
  switch (e.event) {
    case "member_invited":
      return `invited${role ? ` as ${role}` : ""}${on}`;
    case "invitation_resent":
      return "the invitation, sent again";
    case "invitation_accepted":
      return "the invitation was accepted";
    case "role_assigned":
      return `given ${role}${on}`;
    case "role_upgraded":
      return `upgraded from ${from} to ${role}${on}`;
    case "role_downgraded":
      return `downgraded from ${from} to ${role}${on}`;
    case "role_changed":
      return `role changed from ${from} to ${role}${on}`;
    case "role_revoked":
      return `${role}${on} taken away`;
    case "member_removed":
      return `removed from ${scope || "the account"}`;
    case "member_deleted":
      return "account deleted";
    case "member_blocked":
      return "blocked";
    case "member_unblocked":
      return "unblocked";
    case "member_disabled":
      return "disabled";
    case "member_enabled":
      return "enabled again";
    case "member_edited":
      return "details changed";
    case "activation_email":
      return `activation e-mail${e.temporaryPassword ? " with a temporary password" : ""}${role ? `, as ${role}` : ""}${on}`;
    case "verification_sent":
      return `a ${humanize(String(e.method ?? "verification"))} for ${role}${on}, valid until ${formatDate(String(e.expiresAt ?? ""))}`;
    case "verification_resent":
      return `a new ${humanize(String(e.method ?? "verification"))} for ${role}${on} (the previous one stops working), valid until ${formatDate(String(e.expiresAt ?? ""))}`;
    case "role_claimed":
      return `claimed ${role}${on}`;
    case "approval_requested":
      return `asked to approve ${index.memberName(String(e.requester ?? ""))}'s “${index.permissionName(String(e.action ?? ""))}”${on} (request ${e.request})`;
    case "request_decided": {
      const decided = e.decision === "reject" ? "rejected" : "approved";
      // A role request's decision names the role and the scope (docs/changes.md section 2b).
      if (role) return `the request for ${role}${on} was ${decided}`;
      // An approval request the policy holds is named by who asked for what, where.
      const asked = typeof e.request === "string" ? index.approvalRequests?.get(e.request) : undefined;
      if (asked) return `${asked.requester === e.to ? "the" : `${index.memberName(asked.requester)}'s`} request to “${index.permissionName(asked.action)}” on ${index.scopeName(asked.resource)} was ${decided}`;
      return `request ${e.request} was ${decided}`;
    }
    case "role_requested": {
      const email = typeof e.requesterEmail === "string" ? ` (${e.requesterEmail})` : "";
      const reason = typeof e.reason === "string" && e.reason ? `: “${e.reason}”` : "";
      return `${index.memberName(String(e.requester ?? ""))}${email} asks for ${role || "a role"}${on}${reason}`;
    }
    case "role_request_withdrawn":
      return `${index.memberName(String(e.requester ?? ""))} withdrew the request for ${role || "a role"}${on}`;
    case "role_defined":
      return `custom role ${role || e.role} created`;
    case "role_edited":
      return `custom role ${role || e.role} changed`;
    case "role_deleted":
      return `custom role ${role || e.role} deleted`;
    case "approval_rule_changed":
      return `approval rule ${e.rule ?? ""} changed`;
    case "password_reset":
      return `password reset${e.temporaryPassword ? ", with a temporary password" : ""}`;
    case "verification_code":
      return `a letter with the PIN for ${role}${on}, valid until ${formatDate(String(e.expiresAt ?? ""))}`;
    case "invitation_token":
      return `the invitation e-mail with its link, valid until ${formatDate(String(e.expiresAt ?? ""))}`;
    case "action_performed":
      return `“${index.permissionName(String(e.action ?? ""))}”${on} done`;
    default:
      return humanize(e.event);
  }
}

/**
 * A notification in words: who is told what, how, and whether it names the actor.
 * @param {NotificationEvent} e
 * @param {BundleIndex} index
 */
export function describeEvent(e, index) {
  const by = typeof e.by === "string" ? `; names ${index.memberName(e.by)}${typeof e.byEmail === "string" ? ` (${e.byEmail})` : ""}` : "";
  return `${index.memberName(e.to)}, ${channelWords(e.channels)}: ${eventWords(e, index)}${by}`;
}

/**
 * A violation in words, and whether it blocks the change.
 * @param {Violation} v
 * @param {BundleIndex} index
 */
export function describeViolation(v, index) {
  return {
    blocking: v.severity === "error",
    label: v.severity === "error" ? "Blocks the change" : "Warning",
    text: capitalize(rewriteMessage(v.message, index)),
    invariant: v.invariant,
    op: typeof v.op === "number" ? v.op : null,
  };
}

/**
 * Who decides a role request the preview records, with names: "Goes to Olivia Hart or
 * Raj Patel, who could give this role.", or that nobody could. Null for a request
 * refused for another reason (its reasons say why).
 * @param {import("./types.js").OperationResult} result
 * @param {BundleIndex} index
 * @returns {string | null}
 */
export function decidersWords(result, index) {
  const request = result.request;
  if (request && Array.isArray(request.deciders) && request.deciders.length > 0) {
    const lapse = request.expiresAt ? ` If nobody decides, it lapses on ${formatDate(request.expiresAt)}.` : "";
    return `Goes to ${joinList(request.deciders.map(index.memberName), "or")}, who could give this role. Nobody's access changes until one of them approves.${lapse}`;
  }
  if (result.reasons.some((r) => r.code === "no_decider")) return "Nobody could give this role here.";
  return null;
}

/**
 * @typedef {{ effect: "allow" | "deny" | "conditional", text: string, reasons: string[] }} CheckWords
 * @typedef {{ summary: string, open: boolean, checks: CheckWords[] }} CheckGroup
 */

const WHY = /** @type {const} */ ({ allow: "Why it is allowed", deny: "Why it is denied" });

/**
 * How an operation's permission checks explain its verdict: `why` holds the
 * checks that gave the operation its effect (a denied operation's denied checks,
 * never one that was allowed), `also` the other checks it made, under a heading
 * that says what they are. A denied operation none of whose checks was denied
 * (an invariant, a precondition) has no `why`: its own reasons say why.
 * @param {"allow" | "deny" | "conditional"} effect the operation's
 * @param {{ approvals: unknown[], verifications: unknown[] } | undefined} requirements the operation's
 * @param {CheckWords[]} checks
 * @returns {{ why: CheckGroup | null, also: CheckGroup | null }}
 */
export function explainChecks(effect, requirements, checks) {
  const matching = checks.filter((c) => c.effect === effect);
  const others = checks.filter((c) => c.effect !== effect);
  // "Why it needs approval", "Why it needs verification"…
  const summary = effect === "conditional" ? `Why it ${effectLabel(effect, requirements).replace(/^Needs/, "needs")}` : WHY[effect];
  return {
    why: matching.length ? { summary, open: effect !== "allow", checks: matching } : null,
    also: others.length
      ? { summary: others.every((c) => c.effect === "allow") ? "Checks it passes" : "Other checks", open: false, checks: others }
      : null,
  };
}

/**
 * The whole preview panel's content, with names from the bundle and, for members
 * and roles the change itself introduces, the names the change gives them.
 * @param {Simulation} sim
 * @param {ChangeSet} changeSet
 * @param {BundleIndex} bundleIndex
 */
export function describeSimulation(sim, changeSet, bundleIndex) {
  const index = withChangeNames(bundleIndex, changeSet.operations);
  const operations = sim.operations.map((result) => {
    const op = changeSet.operations[result.index] ?? { op: result.op };
    const context = operationContext(op, index, changeSet.actor);
    const reasons = result.reasons.map((r) => capitalize(describeReason(r, index, context)));
    /** @type {CheckWords[]} */
    const checks = result.checks.map((c) => ({
      effect: c.effect,
      text: `${effectLabel(c.effect, c.requirements)}: “${index.permissionName(c.action)}” on ${index.scopeName(c.resource)}`,
      reasons: c.reasons.map((r) => capitalize(describeReason(r, index, c))),
    }));
    const { why, also } = explainChecks(result.effect, result.requirements, checks);
    return {
      index: result.index,
      op: result.op,
      title: describeOperation(op, index, changeSet.actor, changeSet.operations),
      effect: result.effect,
      label: effectLabel(result.effect, result.requirements),
      reasons,
      checks,
      why,
      also,
      approvals: result.requirements.approvals.map((a) => ({
        text: capitalize(describeApproval(a, index)),
        approvers: a.approvers.map(index.memberName),
      })),
      verifications: result.requirements.verifications.map((v) => capitalize(describeVerification(v))),
      deciders: op.op === "request_role" ? decidersWords(result, index) : null,
    };
  });
  const { allowed, denied, conditional, blocked } = sim.summary;
  const parts = [];
  if (allowed) parts.push(`${allowed} allowed`);
  if (conditional) parts.push(`${conditional} waiting for approval or verification`);
  if (denied) parts.push(`${denied} denied`);
  const violations = sim.violations.map((v) => describeViolation(v, index));
  const blockingViolations = violations.filter((v) => v.blocking).length;
  let verdict;
  if (sim.operations.length === 0) verdict = "Nothing to preview yet";
  else if (!blocked) verdict = "Ready to submit: nothing blocks this change";
  else if (denied) verdict = "Blocked: an operation is denied";
  else if (blockingViolations) verdict = "Blocked: the change breaks a rule";
  else verdict = "Blocked until approved or verified";
  const totals = sim.accessDiff.totals;
  return {
    blocked,
    verdict,
    counts: parts.join(", "),
    operations,
    diff: {
      headline:
        totals.members === 0
          ? "Nobody's access changes"
          : `${count(totals.members, "member")}: ${totals.gained} permissions gained, ${totals.lost} lost`,
      members: sim.accessDiff.members.map((d) => describeMemberDiff(d, index)),
    },
    violations,
    events: sim.events.map((e) => ({ to: e.to, event: e.event, op: e.op, text: describeEvent(e, index) })),
    revisionAfter: sim.revisionAfter,
  };
}
