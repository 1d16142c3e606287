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
 * What a finding's words are made with: names of what its facts name, links to
 * them (`linkRole`, `linkScope` add one to the finding's links), and phrases.
 * @typedef {{
 *   index: BundleIndex,
 *   role: (id: string) => string,
 *   member: (id: string) => string,
 *   scope: (id: string) => string,
 *   permission: (id: string) => string,
 *   linkRole: (id: string) => void,
 *   linkScope: (id: string) => void,
 *   ruleName: string,
 *   more: (total: number, shown: number, noun: string) => string,
 * }} FindingWords
 * @typedef {(f: Finding, facts: Record<string, any>, w: FindingWords) => string} FindingText
 */

/** @type {FindingText} a role that gives one beyond itself (to its holders, or to others) */
function escalationText(_f, facts, w) {
  const { index, role, permission } = w;
  const giver = role(facts.role);
  const given = role(facts.grants);
  const gains = [...list(facts.permissions).map(permission)];
  for (const m of Array.isArray(facts.manages) ? facts.manages : []) {
    gains.push(`managing ${index.familyName(m.family)} roles up to rank ${m.upToRank}`);
  }
  const ranks = `rank ${index.roles.get(facts.grants)?.rank ?? "?"} against ${index.roles.get(facts.role)?.rank ?? "?"}`;
  w.linkRole(facts.role);
  w.linkRole(facts.grants);
  if (facts.self) {
    const rules = list(facts.approvalRules);
    const approved = rules.length ? ` once approved (${joinList(rules.map((r) => `rule ${r}`))})` : "";
    return gains.length
      ? `Holders of ${giver} may make themselves ${given}${approved}, gaining what ${giver} lacks: ${joinList(gains)}.`
      : `Holders of ${giver} may make themselves ${given}${approved}. It holds nothing more, but outranks ${giver} (${ranks}): they could put themselves out of their peers' reach.`;
  }
  return `Holders of ${giver} may give ${given} to others (not to themselves), ${
    gains.length ? `which holds all that ${giver} holds and more: ${joinList(gains)}` : `which outranks ${giver} (${ranks})`
  }. A holder could hand it to an accomplice, or to a second account of their own.`;
}

/** @type {Record<string, FindingText>} each code's words */
const FINDING_TEXTS = {
  escalation_path: escalationText,
  approval_veto: (f, facts, { role, ruleName, linkRole }) => {
    const gated = joinList(list(facts.gated).map(role));
    for (const id of list(facts.gated)) linkRole(id);
    for (const id of list(facts.authors)) linkRole(id);
    if (f.severity === "info") {
      return `${ruleName} makes ${gated}, the highest in ${list(facts.gated).length === 1 ? "its family" : "their families"}, ask for approval from lower-ranked roles only (${joinList(list(facts.approvers).map(role), "or")}). Nobody can set or delete approval rules here, so the bundle fixes it.`;
    }
    return `${ruleName} makes ${gated} ask for approval, though only ${joinList(list(facts.authors).map(role), "or")}, ranked below, may set or delete it: a veto held by juniors.`;
  },
  approval_unsatisfiable: (_f, facts, { member, scope, ruleName, more, linkScope }) => {
    const approvers = list(facts.approvers);
    const who = approvers.length === 0 ? "nobody could ever approve" : `only ${joinList(approvers.map(member))} could ever approve`;
    const scopes = list(facts.scopes);
    linkScope(facts.scope);
    for (const id of scopes) linkScope(id);
    return `${ruleName} needs ${count(facts.quorum, "approval")}, but on ${scope(facts.scope)} ${who}. Requests there are always denied; ${count(facts.count, "scope")} ${facts.count === 1 ? "is" : "are"} like this: ${joinList(scopes.map(scope))}${more(facts.count, scopes.length, "scope")}.`;
  },
  self_approval_path: (_f, facts, { member, scope, ruleName, more, linkScope }) => {
    const approvers = list(facts.approvers);
    const requesters = list(facts.requesters).map(member);
    const scopes = list(facts.scopes);
    linkScope(facts.scope);
    for (const id of scopes) linkScope(id);
    return `${ruleName} needs ${count(facts.quorum, "approval")}, and on ${scope(facts.scope)} the only possible ${approvers.length === 1 ? "approver is" : "approvers are"} ${joinList(approvers.map(member))}. Nobody approves their own request, so a request by ${joinList(requesters, "or")} can never be approved there (${count(facts.count, "scope")}: ${joinList(scopes.map(scope))}${more(facts.count, scopes.length, "scope")}).`;
  },
  lockout_risk: (_f, facts, { index, member, scope, more, linkScope }) => {
    const type = index.scopeTypeName(facts.scopeType);
    const scopes = list(facts.scopes);
    const members = list(facts.members).map(member);
    for (const id of scopes) linkScope(id);
    return `On ${count(facts.count, type, pluralNoun(type))} only one active member can manage roles: ${joinList(scopes.map(scope))}${more(facts.count, scopes.length, type)} (${joinList(members)}). Should they leave, nobody there could give anyone a role.`;
  },
  unreachable_role: (_f, facts, { role, linkRole }) => {
    linkRole(facts.role);
    return `Nobody holds ${role(facts.role)}, and nobody can ever be given it: no role that someone can hold hands it out where it can be given, and no self-upgrade, claim or registration leads to it.`;
  },
};

/**
 * One finding in words.
 * @param {Finding} f @param {BundleIndex} index @param {number} [i]
 * @returns {FindingView}
 */
export function describeFinding(f, index, i = 0) {
  const facts = f.facts ?? {};
  /** @type {FindingLink[]} */
  const links = [];
  /** @type {{ id: string, words: string } | null} */
  let rule = null;
  if (typeof facts.rule === "string") {
    const r = index.approvalRules.get(facts.rule);
    rule = { id: facts.rule, words: r ? capitalize(describeRule(r, index)) : facts.rule };
    links.push({ kind: "rule", id: facts.rule, label: facts.rule });
  }
  /** @type {FindingWords} */
  const w = {
    index,
    role: (id) => index.roleName(id),
    member: (id) => index.memberName(id),
    scope: (id) => index.scopeName(id),
    permission: (id) => `“${index.permissionName(id)}”`,
    linkRole: (id) => {
      if (index.roles.has(id) && !links.some((l) => l.kind === "role" && l.id === id)) links.push({ kind: "role", id, label: index.roleName(id) });
    },
    linkScope: (id) => {
      if (index.scopes.has(id) && !links.some((l) => l.kind === "scope" && l.id === id)) links.push({ kind: "scope", id, label: index.scopeName(id) });
    },
    ruleName: `The approval rule ${facts.rule}`,
    more: (total, shown, noun) => (total > shown ? ` and ${count(total - shown, `other ${noun}`, `other ${pluralNoun(noun)}`)}` : ""),
  };
  const words = Object.hasOwn(FINDING_TEXTS, f.code) ? FINDING_TEXTS[f.code] : null;
  const text = words ? words(f, facts, w) : f.message;
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
