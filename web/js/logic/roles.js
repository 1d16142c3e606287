// @ts-check
// The role catalogue per family, and the custom role editor's draft: built into
// define_role / edit_role plus the approval rule of the permissions that need one.
import { conditionsText, parseConditions } from "./approval-rules.js";
import { count, joinList } from "./words.js";
import { many, one } from "./form-values.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Role} Role
 * @typedef {import("./types.js").ApprovalRule} ApprovalRule
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {Record<string, string | string[] | undefined>} FormValues
 */

/**
 * A role's `manages` as a list of limits (one limit or a list of them, each
 * defaulting to the role's own family); empty when it manages nobody.
 * @param {Role} role
 * @returns {{ families: string[], upToRank: number }[]}
 */
export function managesLimits(role) {
  if (!role.manages) return [];
  const limits = Array.isArray(role.manages) ? role.manages : [role.manages];
  return limits.map((l) => ({ families: l.families ?? [role.family], upToRank: l.upToRank }));
}

/**
 * What a role lets its holder manage and see, in words.
 * @param {Role} role @param {BundleIndex} index
 */
export function roleReach(role, index) {
  const parts = [];
  const limits = managesLimits(role);
  if (limits.length) {
    parts.push(`manages ${joinList(limits.map((l) => `${joinList(l.families.map(index.familyName))} roles up to rank ${l.upToRank}`))}`);
  }
  if (role.sees) {
    const families = role.sees.families ?? [role.family];
    const email = role.sees.fields?.includes("email") ? ", with e-mail" : "";
    const min = role.sees.minRank ? ` of rank ${role.sees.minRank} and above` : "";
    parts.push(`sees ${joinList(families.map(index.familyName))} members${min}${email}`);
  } else {
    parts.push("sees no other member");
  }
  return parts.join("; ");
}

/**
 * The catalogue: one entry per family, roles highest rank first, with their
 * effective permissions (inherited ones marked).
 * @param {BundleIndex} index
 */
export function roleCatalogue(index) {
  return index.families.map((family) => ({
    family,
    familyName: index.familyName(family),
    roles: (index.rolesByFamily.get(family) ?? []).map((role) => {
      const own = new Set(role.permissions ?? []);
      const rules = [...index.approvalRules.values()].filter((r) => r.requesterRoles?.includes(role.id));
      return {
        id: role.id,
        name: index.roleName(role.id),
        rank: role.rank,
        description: role.description ?? "",
        custom: role.custom === true,
        exclusive: role.exclusive === true,
        hasService: role.hasService !== false,
        assignableAt: role.assignableAt.map(index.scopeTypeName),
        reach: roleReach(role, index),
        holders: new Set((index.bindings ?? []).filter((b) => b.role === role.id).map((b) => b.member)).size,
        permissions: index.effectivePermissions(role.id).map((p) => ({
          id: p,
          name: index.permissionName(p),
          inherited: !own.has(p),
          needsApproval: rules.some((r) => r.actions.includes(p)),
        })),
        approvalRules: rules.map((r) => r.id),
      };
    }),
  }));
}

/** @param {string} text */
function slug(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "role";
}

/**
 * The id a new custom role gets from its name: "<family>.custom.<name>".
 * @param {string} family @param {string} label @param {(id: string) => boolean} taken
 */
export function customRoleId(family, label, taken) {
  const base = `${family}.custom.${slug(label)}`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
}

/**
 * The approval rule that belongs to a custom role: the first rule whose only
 * requester role it is.
 * @param {BundleIndex} index @param {string} roleId
 * @returns {ApprovalRule | undefined}
 */
export function ruleOfRole(index, roleId) {
  return [...index.approvalRules.values()].find((r) => r.requesterRoles?.length === 1 && r.requesterRoles[0] === roleId);
}

/**
 * A blank draft for a new custom role of a family (the first family by default).
 * @param {BundleIndex} index @param {string} [family]
 * @returns {FormValues}
 */
export function newRoleDraft(index, family = index.families[0] ?? "custom") {
  const roles = index.rolesByFamily.get(family) ?? [];
  const lowest = roles[roles.length - 1];
  return {
    roleLabel: "",
    roleId: "",
    roleDescription: "",
    roleFamily: family,
    roleRank: String(lowest?.rank ?? 10),
    roleAssignableAt: lowest ? [...lowest.assignableAt] : [],
    rolePermissions: [],
    roleApprovalPermissions: [],
    roleApproverMode: "roles",
    roleApproverRoles: roles.length ? [roles[0].id] : [],
    roleApproverPermission: "",
    roleConditions: "",
    roleQuorum: "1",
    roleExpires: "7",
    roleManagesUpTo: "",
    roleSeesEmail: "",
  };
}

/**
 * A draft to edit an existing custom role (and its approval rule).
 * @param {BundleIndex} index @param {string} roleId
 * @returns {FormValues}
 */
export function roleDraft(index, roleId) {
  const role = index.roles.get(roleId);
  if (!role) return newRoleDraft(index);
  const rule = ruleOfRole(index, roleId);
  return {
    ...newRoleDraft(index, role.family),
    editing: roleId,
    roleLabel: role.label ?? role.id,
    roleId: role.id,
    roleDescription: role.description ?? "",
    roleRank: String(role.rank),
    roleAssignableAt: [...role.assignableAt],
    rolePermissions: [...(role.permissions ?? [])],
    roleApprovalPermissions: rule ? [...rule.actions] : [],
    roleApproverMode: rule?.approvers.permission ? "permission" : "roles",
    roleApproverRoles: rule?.approvers.roles ?? [],
    roleApproverPermission: rule?.approvers.permission ?? "",
    roleConditions: conditionsText(rule?.when ?? []),
    roleQuorum: String(rule?.quorum ?? 1),
    roleExpires: rule?.expiresAfterDays === undefined ? (rule ? "" : "7") : String(rule.expiresAfterDays),
    roleManagesUpTo: Array.isArray(role.manages)
      ? managesLimits(role).flatMap((l) => l.families.map((f) => `${f} ${l.upToRank}`)).join(", ")
      : role.manages ? String(role.manages.upToRank) : "",
    roleSeesEmail: role.sees ? (role.sees.fields?.includes("email") ? "email" : "name") : "",
  };
}

/**
 * The role editor's "manages" field: empty (manages nobody), one rank (for the
 * role's own family, or the families the role already lists), or one rank per
 * family, "bcc 30, cpbx 20".
 * @param {string} text @param {BundleIndex} index
 * @returns {{ ok: true, value: number | { families: string[], upToRank: number }[] | null } | { ok: false, error: string }}
 */
export function parseManages(text, index) {
  if (!text) return { ok: true, value: null };
  if (/^\d+$/.test(text)) return { ok: true, value: Number(text) };
  /** @type {{ families: string[], upToRank: number }[]} */
  const limits = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const m = /^(\S+)\s+(\d+)$/.exec(part);
    if (!m) return { ok: false, error: "a rank (a whole number, 0 or more), or one per family: \"billing 30, voice 20\"" };
    if (!index.families.includes(m[1])) return { ok: false, error: `there is no role family ${m[1]}` };
    if (limits.some((l) => l.families[0] === m[1])) return { ok: false, error: `${m[1]} is given twice: one rank per family` };
    limits.push({ families: [m[1]], upToRank: Number(m[2]) });
  }
  return { ok: true, value: limits };
}

/**
 * The operations a role draft stands for: define_role (or edit_role), then
 * set_approval_rule for the permissions that need approval, or
 * delete_approval_rule when an edited role's rule is no longer wanted.
 * @param {FormValues} draft
 * @param {BundleIndex} index
 * @returns {{ ok: true, ops: Operation[], roleId: string } | { ok: false, errors: Record<string, string> }}
 */
export function buildRoleOps(draft, index) {
  /** @type {Record<string, string>} */
  const errors = {};
  const editing = one(draft, "editing");
  const existing = editing ? index.roles.get(editing) : undefined;
  const label = one(draft, "roleLabel");
  if (!label) errors.roleLabel = "give the role a name";
  const family = one(draft, "roleFamily");
  if (!family) errors.roleFamily = "choose a family";
  const id = existing ? existing.id : one(draft, "roleId") || customRoleId(family, label || "role", (x) => index.roles.has(x));
  if (!existing && index.roles.has(id)) errors.roleId = `the id ${id} is already used`;
  const rank = Number(one(draft, "roleRank"));
  if (!Number.isInteger(rank) || rank < 0) errors.roleRank = "the rank is a whole number, 0 or more";
  const assignableAt = many(draft, "roleAssignableAt");
  if (assignableAt.length === 0) errors.roleAssignableAt = "choose where the role may be given";
  const permissions = many(draft, "rolePermissions");
  if (permissions.length === 0) errors.rolePermissions = "choose at least one permission";
  const needApproval = many(draft, "roleApprovalPermissions").filter((p) => permissions.includes(p));
  const conditions = parseConditions(one(draft, "roleConditions"));
  if (!conditions.ok) errors.roleConditions = conditions.error;
  const mode = one(draft, "roleApproverMode") || "roles";
  const approverRoles = many(draft, "roleApproverRoles");
  const approverPermission = one(draft, "roleApproverPermission");
  if (needApproval.length && mode === "roles" && approverRoles.length === 0) errors.roleApproverRoles = "choose who approves";
  if (needApproval.length && mode === "permission" && !approverPermission) errors.roleApproverPermission = "choose the permission approvers hold";
  const quorum = Number(one(draft, "roleQuorum") || "1");
  if (needApproval.length && (!Number.isInteger(quorum) || quorum < 1)) errors.roleQuorum = "the number of approvals is a whole number, 1 or more";
  const expiresText = one(draft, "roleExpires");
  const expires = Number(expiresText);
  if (needApproval.length && expiresText && (!Number.isInteger(expires) || expires < 1)) errors.roleExpires = "days are a whole number, 1 or more";
  const managesText = one(draft, "roleManagesUpTo");
  const manages = parseManages(managesText, index);
  if (!manages.ok) errors.roleManagesUpTo = manages.error;
  if (Object.keys(errors).length) return { ok: false, errors };

  /** @type {Record<string, any>} */
  const role = { ...(existing ?? {}), id, label, family, rank, permissions, assignableAt };
  delete role.custom;
  const description = one(draft, "roleDescription");
  if (description) role.description = description;
  else delete role.description;
  if (!existing) role.exclusive = (index.rolesByFamily.get(family) ?? []).some((r) => r.exclusive);
  if (manages.ok && typeof manages.value === "number") {
    const kept = existing?.manages && !Array.isArray(existing.manages) ? existing.manages : {};
    role.manages = { ...kept, upToRank: manages.value };
  } else if (manages.ok && manages.value) {
    role.manages = manages.value;
  } else {
    delete role.manages;
  }
  const sees = one(draft, "roleSeesEmail");
  if (sees) role.sees = { ...(existing?.sees ?? { minRank: 0 }), fields: sees === "email" ? ["email"] : [] };
  else delete role.sees;
  if (role.sees && role.sees.fields.length === 0) delete role.sees.fields;

  const scope = index.roots[0];
  /** @type {Operation[]} */
  const ops = [{ op: existing ? "edit_role" : "define_role", scope, role }];
  const rule = existing ? ruleOfRole(index, existing.id) : undefined;
  if (needApproval.length) {
    /** @type {Record<string, any>} */
    const newRule = {
      id: rule?.id ?? `approval.${id.replace(/\./g, "_")}`,
      actions: needApproval,
      requesterRoles: [id],
    };
    if (conditions.ok && conditions.conditions.length) newRule.when = conditions.conditions;
    newRule.approvers = mode === "permission" ? { permission: approverPermission } : { roles: approverRoles };
    newRule.quorum = quorum;
    if (expiresText) newRule.expiresAfterDays = expires;
    ops.push({ op: "set_approval_rule", scope, rule: newRule });
  } else if (rule) {
    ops.push({ op: "delete_approval_rule", scope, rule: rule.id });
  }
  return { ok: true, ops, roleId: id };
}

/**
 * A one-line summary of a draft for the editor's heading.
 * @param {FormValues} draft
 */
export function draftSummary(draft) {
  const permissions = many(draft, "rolePermissions").length;
  const approvals = many(draft, "roleApprovalPermissions").length;
  return `${count(permissions, "permission")}${approvals ? `, ${approvals} needing approval` : ""}`;
}
