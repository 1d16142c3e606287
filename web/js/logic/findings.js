// @ts-check
// The findings of engine.analyze() in words (docs/format.md, "Analysis"): each
// with its severity, a title, a sentence with names from the bundle, and links to
// what it names (a role, a scope, an approval rule).
import { describeRule } from "./approval-rules.js";
import { capitalize, count, joinList, pluralNoun } from "./words.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {"error" | "warning" | "info"} Severity
 * @typedef {{ code: string, severity: Severity, pointer: string, message: string, facts: Record<string, any> }} Finding
 * @typedef {{ ok: true, findings: Finding[], summary: Record<Severity, number> }} Analysis
 * @typedef {{ kind: "role" | "scope" | "rule", id: string, label: string }} FindingLink
 * @typedef {{ key: string, code: string, severity: Severity, severityLabel: string, title: string,
 *   text: string, links: FindingLink[], rule: { id: string, words: string } | null, pointer: string }} FindingView
 * @typedef {{ total: number, error: number, warning: number, info: number, worst: Severity | null }} FindingsSummary
 */

export const SEVERITY_LABELS = /** @type {Record<Severity, string>} */ ({ error: "Error", warning: "Warning", info: "Note" });

export const CODE_TITLES = /** @type {Record<string, string>} */ ({
  escalation_path: "Escalation path",
  approval_veto: "Approval veto",
  approval_unsatisfiable: "Approval that can never be given",
  self_approval_path: "Approval only the requester could give",
  lockout_risk: "Lockout risk",
  unreachable_role: "Role nobody can be given",
});

/**
 * How many findings of each severity, and the worst one (for the tab's badge).
 * @param {Analysis | { ok: false } | null} analysis
 * @returns {FindingsSummary}
 */
export function findingsSummary(analysis) {
  const out = { total: 0, error: 0, warning: 0, info: 0, worst: /** @type {Severity | null} */ (null) };
  if (!analysis?.ok) return out;
  for (const f of analysis.findings) {
    out.total += 1;
    out[f.severity] += 1;
  }
  out.worst = out.error ? "error" : out.warning ? "warning" : out.info ? "info" : null;
  return out;
}

/** @param {unknown} value @returns {string[]} */
const list = (value) => (Array.isArray(value) ? value.filter((x) => typeof x === "string") : []);

/**
 * The findings of an analysis in words, in the engine's order.
 * @param {Analysis | { ok: false } | null} analysis
 * @param {BundleIndex} index
 * @returns {FindingView[]}
 */
export function describeFindings(analysis, index) {
  if (!analysis?.ok) return [];
  return analysis.findings.map((f, i) => describeFinding(f, index, i));
}

/**
 * One finding in words.
 * @param {Finding} f @param {BundleIndex} index @param {number} [i]
 * @returns {FindingView}
 */
export function describeFinding(f, index, i = 0) {
  const facts = f.facts ?? {};
  const role = (/** @type {string} */ id) => index.roleName(id);
  const member = (/** @type {string} */ id) => index.memberName(id);
  const scope = (/** @type {string} */ id) => index.scopeName(id);
  const permission = (/** @type {string} */ id) => `“${index.permissionName(id)}”`;
  /** @type {FindingLink[]} */
  const links = [];
  const linkRole = (/** @type {string} */ id) => {
    if (index.roles.has(id) && !links.some((l) => l.kind === "role" && l.id === id)) links.push({ kind: "role", id, label: role(id) });
  };
  const linkScope = (/** @type {string} */ id) => {
    if (index.scopes.has(id) && !links.some((l) => l.kind === "scope" && l.id === id)) links.push({ kind: "scope", id, label: scope(id) });
  };
  /** @type {{ id: string, words: string } | null} */
  let rule = null;
  if (typeof facts.rule === "string") {
    const r = index.approvalRules.get(facts.rule);
    rule = { id: facts.rule, words: r ? capitalize(describeRule(r, index)) : facts.rule };
    links.push({ kind: "rule", id: facts.rule, label: facts.rule });
  }
  const ruleName = `The approval rule ${facts.rule}`;
  const more = (/** @type {number} */ total, /** @type {number} */ shown, /** @type {string} */ noun) =>
    total > shown ? ` and ${count(total - shown, `other ${noun}`, `other ${pluralNoun(noun)}`)}` : "";
  let text = f.message;

  switch (f.code) {
    case "escalation_path": {
      const giver = role(facts.role);
      const given = role(facts.grants);
      const gains = [...list(facts.permissions).map(permission)];
      for (const m of Array.isArray(facts.manages) ? facts.manages : []) {
        gains.push(`managing ${index.familyName(m.family)} roles up to rank ${m.upToRank}`);
      }
      const ranks = `rank ${index.roles.get(facts.grants)?.rank ?? "?"} against ${index.roles.get(facts.role)?.rank ?? "?"}`;
      if (facts.self) {
        const rules = list(facts.approvalRules);
        const approved = rules.length ? ` once approved (${joinList(rules.map((r) => `rule ${r}`))})` : "";
        text = gains.length
          ? `Holders of ${giver} may make themselves ${given}${approved}, gaining what ${giver} lacks: ${joinList(gains)}.`
          : `Holders of ${giver} may make themselves ${given}${approved}. It holds nothing more, but outranks ${giver} (${ranks}): they could put themselves out of their peers' reach.`;
      } else {
        text = `Holders of ${giver} may give ${given} to others (not to themselves), ${
          gains.length ? `which holds all that ${giver} holds and more: ${joinList(gains)}` : `which outranks ${giver} (${ranks})`
        }. A holder could hand it to an accomplice, or to a second account of their own.`;
      }
      linkRole(facts.role);
      linkRole(facts.grants);
      break;
    }
    case "approval_veto": {
      const gated = joinList(list(facts.gated).map(role));
      if (f.severity === "info") {
        text = `${ruleName} makes ${gated}, the highest in ${list(facts.gated).length === 1 ? "its family" : "their families"}, ask for approval from lower-ranked roles only (${joinList(list(facts.approvers).map(role), "or")}). Nobody can set or delete approval rules here, so the bundle fixes it.`;
      } else {
        text = `${ruleName} makes ${gated} ask for approval, though only ${joinList(list(facts.authors).map(role), "or")}, ranked below, may set or delete it: a veto held by juniors.`;
      }
      for (const id of list(facts.gated)) linkRole(id);
      for (const id of list(facts.authors)) linkRole(id);
      break;
    }
    case "approval_unsatisfiable": {
      const approvers = list(facts.approvers);
      const who = approvers.length === 0 ? "nobody could ever approve" : `only ${joinList(approvers.map(member))} could ever approve`;
      const scopes = list(facts.scopes);
      text = `${ruleName} needs ${count(facts.quorum, "approval")}, but on ${scope(facts.scope)} ${who}. Requests there are always denied; ${count(facts.count, "scope")} ${facts.count === 1 ? "is" : "are"} like this: ${joinList(scopes.map(scope))}${more(facts.count, scopes.length, "scope")}.`;
      linkScope(facts.scope);
      for (const id of scopes) linkScope(id);
      break;
    }
    case "self_approval_path": {
      const approvers = list(facts.approvers);
      const requesters = list(facts.requesters).map(member);
      const scopes = list(facts.scopes);
      text = `${ruleName} needs ${count(facts.quorum, "approval")}, and on ${scope(facts.scope)} the only possible ${approvers.length === 1 ? "approver is" : "approvers are"} ${joinList(approvers.map(member))}. Nobody approves their own request, so a request by ${joinList(requesters, "or")} can never be approved there (${count(facts.count, "scope")}: ${joinList(scopes.map(scope))}${more(facts.count, scopes.length, "scope")}).`;
      linkScope(facts.scope);
      for (const id of scopes) linkScope(id);
      break;
    }
    case "lockout_risk": {
      const type = index.scopeTypeName(facts.scopeType);
      const scopes = list(facts.scopes);
      const members = list(facts.members).map(member);
      text = `On ${count(facts.count, type, pluralNoun(type))} only one active member can manage roles: ${joinList(scopes.map(scope))}${more(facts.count, scopes.length, type)} (${joinList(members)}). Should they leave, nobody there could give anyone a role.`;
      for (const id of scopes) linkScope(id);
      break;
    }
    case "unreachable_role": {
      text = `Nobody holds ${role(facts.role)}, and nobody can ever be given it: no role that someone can hold hands it out where it can be given, and no self-upgrade, claim or registration leads to it.`;
      linkRole(facts.role);
      break;
    }
    default:
      break;
  }
  return {
    key: `${i}:${f.code}:${f.pointer}`,
    code: f.code,
    severity: f.severity,
    severityLabel: SEVERITY_LABELS[f.severity] ?? f.severity,
    title: CODE_TITLES[f.code] ?? f.code,
    text,
    links,
    rule,
    pointer: f.pointer,
  };
}
