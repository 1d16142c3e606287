// @ts-check
// The change builder's forms, as data: the choices each field offers given the
// fields filled before it, and the operation built from the values. Pure, so the
// view only draws what this returns.
import { changeDirection, FIELDS, fieldsOf, newMemberId, roleRequestWords, SETUPS, setupLabel } from "./operations.js";
import { buildRule, ruleToValues } from "./approval-rules.js";
import { formatDate, isTimestamp, parseAttributeValue } from "./words.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {{ id: string, requester: string, role: string, scope: string }} AskedRole
 * @typedef {{ index: BundleIndex, actor: string, visible: Set<string>, operations: Operation[],
 *   requested?: { id: string, requester: string, action: string, scope: string }[],
 *   asked?: AskedRole[], decidable?: Set<string> }} FormContext
 *   (`requested`: approval requests that earlier operations of the change record; `asked`:
 *   role requests they record; `decidable`: the open role requests of the policy the actor
 *   may decide, as the engine says; without it, every role request but the actor's own)
 * @typedef {{ value: string, label: string }} Option
 * @typedef {Record<string, string | string[] | undefined>} FormValues
 * @typedef {{ ok: true, op: Operation, actor?: string } | { ok: false, errors: Record<string, string> }} BuildResult
 */

/** Statuses a member must have for each kind to apply (docs/changes.md section 2). */
const STATUS_FOR = /** @type {Record<string, string[]>} */ ({
  resend_invitation: ["invited"],
  unblock: ["blocked"],
  enable: ["disabled"],
  block: ["active", "invited", "pending", "disabled"],
  disable: ["active", "invited", "pending"],
  activate_member: ["pending", "invited"],
  reset_password: ["active", "invited"],
});

/** @param {FormValues} values @param {string} name */
function one(values, name) {
  const v = values[name];
  return typeof v === "string" ? v.trim() : "";
}

/** @param {FormValues} values @param {string} name @returns {string[]} */
function many(values, name) {
  const v = values[name];
  if (Array.isArray(v)) return v.filter(Boolean);
  return typeof v === "string" && v ? [v] : [];
}

/**
 * Members that earlier operations of the draft create: id -> name.
 * @param {Operation[]} operations
 */
export function draftMembers(operations) {
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const op of operations) {
    if ((op.op === "invite" || op.op === "register") && op.member && typeof op.member === "object") {
      out.set(op.member.id, op.member.name ?? op.member.id);
    }
    if (op.op === "add_members" && Array.isArray(op.members)) {
      for (const m of op.members) out.set(m.id, m.name ?? m.id);
    }
  }
  return out;
}

/** @param {FormContext} ctx @param {string} id */
function taken(ctx, id) {
  return ctx.index.members.has(id) || draftMembers(ctx.operations).has(id);
}

/** @param {BundleIndex} index @param {string[]} ids @returns {Option[]} scopes in tree order, indented */
function scopeOptions(index, ids) {
  const wanted = new Set(ids);
  return index.tree
    .filter((node) => wanted.has(node.id))
    .map((node) => ({
      value: node.id,
      label: `${"\u00a0\u00a0".repeat(node.depth)}${index.scopeName(node.id)} (${index.scopeTypeName(index.scopeTypeOf(node.id))})`,
    }));
}

/** @param {BundleIndex} index @param {import("./types.js").Role[]} roles @returns {Option[]} */
function roleOptions(index, roles) {
  const family = (/** @type {string} */ f) => index.families.indexOf(f);
  return [...roles].sort((a, b) => family(a.family) - family(b.family) || b.rank - a.rank).map((r) => ({ value: r.id, label: `${index.roleName(r.id)} · rank ${r.rank}` }));
}

/** @param {BundleIndex} index @param {string} member @returns {string[]} */
function scopesHeldBy(index, member) {
  return [...new Set((index.bindingsByMember.get(member) ?? []).map((b) => b.scope))];
}

/** The longest reason a role request may give (docs/changes.md section 2). */
export const REASON_LIMIT = 500;

/**
 * The roles `member` may ask for on `scope`: those given on its type that they do not
 * hold there.
 * @param {BundleIndex} index @param {string} member @param {string} scope
 * @returns {import("./types.js").Role[]}
 */
export function askableRoles(index, member, scope) {
  const held = new Set((index.bindingsByMember.get(member) ?? []).filter((b) => b.scope === scope).map((b) => b.role));
  return index.assignableRoles(scope).filter((r) => !held.has(r.id));
}

/**
 * The open role request of `member` for `role` on `scope`, if they asked already.
 * @param {BundleIndex} index @param {string} member @param {string} role @param {string} scope
 */
export function pendingRoleRequest(index, member, role, scope) {
  return [...index.roleRequests.values()].find((r) => r.requester === member && r.role === role && r.scope === scope);
}

/**
 * A time the role asked for should end, as the engine takes it: a timestamp, or a
 * date alone (the start of that day, UTC). Null when it is neither.
 * @param {string} text
 */
export function untilTimestamp(text) {
  const t = text.trim();
  if (isTimestamp(t)) return t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t) && isTimestamp(`${t}T00:00:00Z`)) return `${t}T00:00:00Z`;
  return null;
}

/** @param {FormContext} ctx */
function allScopes(ctx) {
  return ctx.index.tree.map((n) => n.id);
}

/** @param {FormContext} ctx @returns {string[]} the actor's scopes and everything below them */
function actorReach(ctx) {
  const out = new Set();
  for (const s of scopesHeldBy(ctx.index, ctx.actor)) for (const t of ctx.index.subtree(s)) out.add(t);
  return [...out];
}

/** @param {FormContext} ctx @returns {string[]} scopes where some role may be bound */
function assignableScopes(ctx) {
  const types = new Set();
  for (const r of ctx.index.roles.values()) for (const t of r.assignableAt) types.add(t);
  return allScopes(ctx).filter((s) => types.has(ctx.index.scopeTypeOf(s)));
}

/**
 * The choices of one field, or null for a field typed in freely.
 * @param {string} kind
 * @param {string} field
 * @param {FormValues} values
 * @param {FormContext} ctx
 * @returns {Option[] | null}
 */
export function fieldOptions(kind, field, values, ctx) {
  const { index } = ctx;
  const member = one(values, "member");
  const scope = one(values, "scope");
  const roleId = one(values, "role");
  switch (field) {
    case "member":
    case "invitee": {
      const statuses = STATUS_FOR[kind];
      /** @type {Option[]} */
      const out = [];
      const ids = new Set([ctx.actor, ...ctx.visible]);
      for (const id of ids) {
        const m = index.members.get(id);
        if (!m || m.status === "removed") continue;
        if (statuses && !statuses.includes(m.status)) continue;
        const you = id === ctx.actor ? ", you" : "";
        out.push({ value: id, label: `${m.name ?? id} (${m.status}${you})` });
      }
      out.sort((a, b) => a.label.localeCompare(b.label));
      if (!statuses || kind === "activate_member") {
        for (const [id, name] of draftMembers(ctx.operations)) {
          if (!index.members.has(id)) out.push({ value: id, label: `${name} (new in this change)` });
        }
      }
      return out;
    }
    case "scope": {
      switch (kind) {
        case "change_role":
        case "remove_member":
          return scopeOptions(index, member ? scopesHeldBy(index, member) : allScopes(ctx));
        case "request_self_upgrade":
        case "resend_verification":
        case "complete_self_upgrade": {
          const held = scopesHeldBy(index, ctx.actor);
          return scopeOptions(index, held.length ? held : allScopes(ctx));
        }
        case "request_role": {
          // Where the actor holds a role and could hold another, on the types asking applies to.
          const types = index.permissions.get(index.operations.request_role?.action ?? "")?.appliesTo;
          const applies = (/** @type {string} */ s) => !types || types.includes(index.scopeTypeOf(s));
          const held = scopesHeldBy(index, ctx.actor).filter((s) => applies(s) && askableRoles(index, ctx.actor, s).length > 0);
          return scopeOptions(index, held.length ? held : assignableScopes(ctx).filter(applies));
        }
        case "claim_role": {
          const grants = new Set(index.claims.map((c) => c.grants));
          const types = new Set([...grants].flatMap((g) => index.roles.get(g)?.assignableAt ?? []));
          return scopeOptions(index, allScopes(ctx).filter((s) => types.has(index.scopeTypeOf(s))));
        }
        case "perform": {
          const reach = actorReach(ctx);
          return scopeOptions(index, reach.length ? reach : allScopes(ctx));
        }
        case "add_members":
          return scopeOptions(index, allScopes(ctx));
        default:
          return scopeOptions(index, assignableScopes(ctx));
      }
    }
    case "scopes": {
      if (kind === "revoke_role") {
        const held = (index.bindingsByMember.get(member) ?? []).filter((b) => !roleId || b.role === roleId).map((b) => b.scope);
        return scopeOptions(index, member ? held : allScopes(ctx));
      }
      const role = index.roles.get(roleId);
      const already = new Set((index.bindingsByMember.get(member) ?? []).filter((b) => b.role === roleId).map((b) => b.scope));
      const ids = allScopes(ctx).filter((s) => (!role || role.assignableAt.includes(index.scopeTypeOf(s))) && !already.has(s));
      return scopeOptions(index, ids);
    }
    case "role": {
      const all = [...index.roles.values()];
      switch (kind) {
        case "change_role": {
          const held = member && scope ? (index.bindingsByMember.get(member) ?? []).filter((b) => b.scope === scope) : [];
          if (held.length === 0) return roleOptions(index, scope ? index.assignableRoles(scope) : all);
          const families = new Set(held.map((b) => index.roles.get(b.role)?.family));
          const current = new Set(held.map((b) => b.role));
          const candidates = (scope ? index.assignableRoles(scope) : all)
            .filter((r) => families.has(r.family) && !current.has(r.id))
            .sort((a, b) => b.rank - a.rank);
          return candidates.map((r) => {
            const direction = changeDirection(index, member, scope, r.id);
            const arrow = direction === "upgrade" ? " (upgrade)" : direction === "downgrade" ? " (downgrade)" : "";
            return { value: r.id, label: `${index.roleName(r.id)} · rank ${r.rank}${arrow}` };
          });
        }
        case "revoke_role":
        case "remove_role": {
          const held = new Set((index.bindingsByMember.get(member) ?? []).map((b) => b.role));
          return roleOptions(index, member ? all.filter((r) => held.has(r.id)) : all);
        }
        case "request_self_upgrade":
        case "resend_verification":
        case "complete_self_upgrade":
        case "register": {
          const rules = index.selfUpgrades.filter((u) => (kind === "register") === (u.onRegistration === true));
          const wanted = new Set(rules.flatMap((u) => u.to));
          const current = scope ? new Set((index.bindingsByMember.get(ctx.actor) ?? []).filter((b) => b.scope === scope).map((b) => b.role)) : new Set();
          const here = scope ? new Set(index.assignableRoles(scope).map((r) => r.id)) : null;
          return roleOptions(index, all.filter((r) => wanted.has(r.id) && !current.has(r.id) && (!here || here.has(r.id))));
        }
        case "claim_role": {
          const grants = new Set(index.claims.map((c) => c.grants));
          return roleOptions(index, all.filter((r) => grants.has(r.id)));
        }
        case "request_role": {
          if (!scope) return roleOptions(index, all);
          return roleOptions(index, askableRoles(index, ctx.actor, scope)).map((o) =>
            pendingRoleRequest(index, ctx.actor, o.value, scope) ? { ...o, label: `${o.label} (you asked already)` } : o,
          );
        }
        default:
          return roleOptions(index, scope ? index.assignableRoles(scope) : all);
      }
    }
    case "setup": {
      /** @type {string[] | undefined} */
      const offered = index.operations[kind]?.setups;
      const setups = offered && offered.length ? offered : Object.keys(SETUPS);
      const out = setups.map((s) => ({ value: s, label: setupLabel(s) }));
      // Without a list of its own, an invitation needs no set-up option.
      return kind === "invite" && !(offered && offered.length) ? [{ value: "", label: "Default (an invitation)" }, ...out] : out;
    }
    case "action": {
      const type = scope ? index.scopeTypeOf(scope) : null;
      return [...index.permissions.values()]
        .filter((p) => !p.rankLimited && (!type || p.appliesTo.includes(type)))
        .map((p) => ({ value: p.id, label: `${p.label ?? p.id} (${p.id})` }));
    }
    case "customRole":
      return [...index.roles.values()].filter((r) => r.custom).map((r) => ({ value: r.id, label: index.roleName(r.id) }));
    case "approvalRule":
      return [...index.approvalRules.keys()].map((id) => ({ value: id, label: id }));
    case "request": {
      if (kind === "withdraw_request") {
        // The actor's own role requests, those of the policy and those asked earlier in the change.
        const mine = [...index.roleRequests.values()]
          .filter((r) => r.requester === ctx.actor)
          .map((r) => ({ value: r.id, label: `${index.roleName(r.role)} on ${index.scopeName(r.scope)} (asked ${formatDate(r.createdAt)})` }));
        for (const r of ctx.asked ?? []) {
          if (r.requester !== ctx.actor || mine.some((o) => o.value === r.id)) continue;
          mine.push({ value: r.id, label: `${index.roleName(r.role)} on ${index.scopeName(r.scope)} (asked in this change)` });
        }
        return mine;
      }
      const out = [...index.approvalRequests.values()].map((r) => ({
        value: r.id,
        label: `${r.id}: ${index.memberName(r.requester)}, “${index.permissionName(r.action)}” on ${index.scopeName(r.resource)}`,
      }));
      for (const r of ctx.requested ?? []) {
        if (out.some((o) => o.value === r.id)) continue;
        out.push({ value: r.id, label: `${r.id} (new in this change): ${index.memberName(r.requester)}, “${index.permissionName(r.action)}” on ${index.scopeName(r.scope)}` });
      }
      if (kind === "decide_request") {
        // Role requests are decided (approved or rejected) by those who could give the role.
        for (const r of index.roleRequests.values()) {
          if (r.requester === ctx.actor || (ctx.decidable && !ctx.decidable.has(r.id))) continue;
          out.push({ value: r.id, label: `${roleRequestWords(r, index)} (asked ${formatDate(r.createdAt)})` });
        }
      }
      return out;
    }
    case "decision":
      return [
        { value: "approve", label: "Approve" },
        { value: "reject", label: "Reject" },
      ];
    default:
      return null;
  }
}

/**
 * Attribute lines "key = value" (one a line) as an object; values typed as the
 * engine reads them (integers, true/false, text).
 * @param {string} text
 * @returns {{ ok: true, attributes: Record<string, string | number | boolean> } | { ok: false, error: string }}
 */
export function parseAttributes(text) {
  /** @type {Record<string, string | number | boolean>} */
  const attributes = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^([A-Za-z_][\w.-]*)\s*[=:]\s*(.*)$/.exec(line);
    if (!match) return { ok: false, error: `write each attribute as name = value (not “${line}”)` };
    attributes[match[1]] = parseAttributeValue(match[2]);
  }
  return { ok: true, attributes };
}

/**
 * Attribute names a form should suggest for a kind: those the operation's
 * `requires` and the approval rules on its action look at.
 * @param {BundleIndex} index @param {string} kind @param {string} [action]
 * @returns {string[]}
 */
export function suggestedAttributes(index, kind, action) {
  const names = new Set();
  for (const c of index.operations[kind]?.requires ?? []) names.add(c.attribute);
  const act = action ?? index.operations[kind]?.action;
  for (const rule of index.approvalRules.values()) {
    if (act && rule.actions.includes(act)) for (const c of rule.when ?? []) names.add(c.attribute);
  }
  return [...names];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The operation a filled form stands for, or the errors of its fields.
 * @param {string} kind
 * @param {FormValues} values
 * @param {FormContext} ctx
 * @param {{ asJson?: boolean }} [options] `asJson`: the values are the JSON form's, whatever the kind
 * @returns {BuildResult}
 */
export function buildOperation(kind, values, ctx, options = {}) {
  /** @type {Record<string, string>} */
  const errors = {};
  /** @type {Operation} */
  const op = { op: kind };
  /** @type {string | undefined} */
  let actor;
  for (const { name, optional } of options.asJson ? [{ name: "json", optional: false }] : fieldsOf(kind)) {
    switch (name) {
      case "member":
      case "scope":
      case "role":
      case "action":
      case "request":
      case "decision":
      case "setup": {
        const v = one(values, name);
        if (v) op[name] = v;
        else if (!optional) errors[name] = `choose a ${name === "setup" ? "set-up option" : name}`;
        break;
      }
      case "name":
      case "email": {
        const v = one(values, name);
        if (v) {
          if (name === "email" && !EMAIL.test(v)) errors.email = "enter an e-mail address such as name@example.com";
          op[name] = v;
        }
        break;
      }
      case "scopes": {
        const list = many(values, "scopes");
        if (list.length === 0) errors.scopes = "choose at least one scope";
        else if (list.length === 1) op.scope = list[0];
        else op.scopes = list;
        break;
      }
      case "invitee":
      case "registrant": {
        const mode = name === "registrant" ? "new" : one(values, "inviteeMode") || "new";
        if (mode === "existing") {
          const v = one(values, "inviteeMember");
          if (v) op.member = v;
          else errors.inviteeMember = "choose a member";
          break;
        }
        const fullName = one(values, "newName");
        const email = one(values, "newEmail");
        if (!fullName && !email) errors.newName = "enter a name or an e-mail address";
        if (email && !EMAIL.test(email)) errors.newEmail = "enter an e-mail address such as name@example.com";
        const id = one(values, "newId") || newMemberId(fullName || email.split("@")[0], (x) => taken(ctx, x));
        if (taken(ctx, id)) errors.newId = `the id ${id} is already used`;
        /** @type {Record<string, string | boolean>} */
        const person = { id };
        if (email) person.email = email;
        if (fullName) person.name = fullName;
        const memberKind = one(values, "newKind");
        if (memberKind) person.kind = memberKind;
        if (name === "invitee") {
          const registered = one(values, "newRegistered");
          if (registered === "yes") person.registered = true;
          if (registered === "no") person.registered = false;
        }
        op.member = person;
        if (name === "registrant") actor = id;
        break;
      }
      case "newMembers": {
        const lines = one(values, "newMembers").split("\n").map((l) => l.trim()).filter(Boolean);
        if (lines.length === 0) {
          errors.newMembers = "enter at least one member, one a line";
          break;
        }
        /** @type {Record<string, string>[]} */
        const list = [];
        const used = new Set();
        // Editing keeps the ids the members were given, line by line.
        const kept = one(values, "newMemberIds").split("\n").map((l) => l.trim());
        for (const [i, line] of lines.entries()) {
          const [namePart = "", emailPart = "", kindPart = ""] = line.split(",").map((p) => p.trim());
          if (emailPart && !EMAIL.test(emailPart)) {
            errors.newMembers = `“${emailPart}” is not an e-mail address`;
            break;
          }
          const id = kept[i] && !taken(ctx, kept[i]) && !used.has(kept[i]) ? kept[i] : newMemberId(namePart || emailPart.split("@")[0], (x) => taken(ctx, x) || used.has(x));
          used.add(id);
          /** @type {Record<string, string>} */
          const person = { id, name: namePart || id };
          if (emailPart) person.email = emailPart;
          if (kindPart) person.kind = kindPart;
          list.push(person);
        }
        op.members = list;
        break;
      }
      case "attributes": {
        const parsed = parseAttributes(one(values, "attributes"));
        if (!parsed.ok) errors.attributes = parsed.error;
        else if (Object.keys(parsed.attributes).length) op.attributes = parsed.attributes;
        break;
      }
      case "reason": {
        const v = one(values, "reason");
        if (v.length > REASON_LIMIT) errors.reason = `keep it to ${REASON_LIMIT} characters (this is ${v.length})`;
        if (v) op.reason = v;
        break;
      }
      case "until": {
        const v = one(values, "until");
        if (!v) break;
        const at = untilTimestamp(v);
        if (at) op.until = at;
        else errors.until = "enter a date such as 2027-03-31, or a time such as 2027-03-31T17:00:00Z";
        break;
      }
      case "pin": {
        const pin = one(values, "pin");
        if (!/^\d{4,8}$/.test(pin)) errors.pin = "enter the PIN you received: 4 to 8 digits";
        break; // the PIN is checked by the server: it is not part of the operation
      }
      case "customRole": {
        const v = one(values, "customRole");
        if (!v) errors.customRole = "choose a custom role";
        op.scope = ctx.index.roots[0];
        op.role = v;
        break;
      }
      case "approvalRule": {
        const v = one(values, "approvalRule");
        if (!v) errors.approvalRule = "choose an approval rule";
        op.scope = ctx.index.roots[0];
        op.rule = v;
        break;
      }
      case "rule": {
        const built = buildRule(values);
        if (!built.ok) Object.assign(errors, built.errors);
        else {
          op.scope = ctx.index.roots[0];
          op.rule = built.rule;
        }
        break;
      }
      case "json": {
        try {
          const parsed = JSON.parse(one(values, "json") || "{}");
          if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) errors.json = "write one JSON object";
          else Object.assign(op, parsed, { op: kind });
        } catch (error) {
          errors.json = `not JSON: ${/** @type {Error} */ (error).message}`;
        }
        break;
      }
      default:
        break;
    }
  }
  if (kind === "activate_member" && (op.role === undefined) !== (op.scope === undefined)) {
    errors[op.role === undefined ? "role" : "scope"] = "give both a role and a scope, or neither";
  }
  if (kind === "edit_member" && op.name === undefined && op.email === undefined) {
    errors.name = "change the name, the e-mail or both";
  }
  if (kind === "register" && ctx.operations.length > 0 && !options.asJson) {
    errors.newName = "registering must be the first operation of a change set: clear the change first";
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return actor ? { ok: true, op, actor } : { ok: true, op };
}

/** @param {unknown} value */
function attributeText(value) {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/**
 * The form values an operation was built from: the inverse of `buildOperation`,
 * so an operation of the change can be edited in its own form. A kind without a
 * form of its own (and `define_role` / `edit_role`, made in the role editor) is
 * edited as JSON. The PIN is not part of an operation: it is asked for again.
 * @param {Operation} op
 * @returns {FormValues}
 */
export function operationToValues(op) {
  /** @type {FormValues} */
  const values = {};
  const str = (/** @type {unknown} */ v) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
  const fields = op.op === "define_role" || op.op === "edit_role" ? [{ name: "json", optional: false }] : fieldsOf(op.op);
  for (const { name } of fields) {
    switch (name) {
      case "member":
      case "scope":
      case "role":
      case "action":
      case "request":
      case "decision":
      case "setup":
      case "name":
      case "email":
      case "reason":
      case "until":
        if (op[name] !== undefined) values[name] = str(op[name]);
        break;
      case "scopes":
        values.scopes = Array.isArray(op.scopes) ? op.scopes.map(str) : op.scope !== undefined ? [str(op.scope)] : [];
        break;
      case "invitee":
      case "registrant": {
        const m = op.member;
        if (m && typeof m === "object") {
          if (name === "invitee") values.inviteeMode = "new";
          values.newName = str(m.name);
          values.newEmail = str(m.email);
          values.newKind = str(m.kind);
          values.newId = str(m.id);
          if (name === "invitee" && typeof m.registered === "boolean") values.newRegistered = m.registered ? "yes" : "no";
        } else if (typeof m === "string") {
          values.inviteeMode = "existing";
          values.inviteeMember = m;
        }
        break;
      }
      case "newMembers":
        values.newMembers = (Array.isArray(op.members) ? op.members : [])
          .map((/** @type {Record<string, string>} */ m) => [m.name ?? m.id, m.email ?? "", m.kind ?? ""].join(", ").replace(/(, )+$/, ""))
          .join("\n");
        values.newMemberIds = (Array.isArray(op.members) ? op.members : []).map((/** @type {{ id: string }} */ m) => m.id).join("\n");
        break;
      case "attributes":
        if (op.attributes && typeof op.attributes === "object") {
          values.attributes = Object.entries(op.attributes)
            .map(([k, v]) => `${k} = ${attributeText(v)}`)
            .join("\n");
        }
        break;
      case "customRole":
        values.customRole = str(op.role);
        break;
      case "approvalRule":
        values.approvalRule = str(op.rule);
        break;
      case "rule":
        if (op.rule && typeof op.rule === "object") Object.assign(values, ruleToValues(op.rule));
        break;
      case "json": {
        const { op: _kind, ...rest } = op;
        values.json = JSON.stringify(rest, null, 2);
        break;
      }
      default:
        break;
    }
  }
  return values;
}

/**
 * The operations a form for the operation at `at` sees as "earlier in the
 * change": those before it (what it may refer to), so that editing an
 * operation in place judges it where it stands.
 * @param {Operation[]} operations @param {number | null} at
 */
export function operationsBefore(operations, at) {
  return at === null || at < 0 ? operations : operations.slice(0, at);
}

/** @param {unknown} value JSON text with object keys sorted, to compare values */
function canonical(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * How an operation of the change is edited: in its kind's form when that form,
 * saved as it opens, gives the very same operation back (the PIN aside, which
 * is never kept); otherwise, and for custom roles (made in the role editor), as
 * JSON, so that nothing the form cannot show (a rule's `scopes`, say) is lost.
 * @param {Operation} op @param {FormContext} ctx the context of the operations before it
 * @returns {{ asJson: boolean, values: FormValues }}
 */
export function editPlan(op, ctx) {
  if (op.op !== "define_role" && op.op !== "edit_role" && FIELDS[op.op]) {
    const values = operationToValues(op);
    const rebuilt = buildOperation(op.op, { ...values, pin: "0000" }, ctx);
    if (rebuilt.ok && canonical(rebuilt.op) === canonical(op)) return { asJson: false, values };
  }
  const { op: _kind, ...rest } = op;
  return { asJson: true, values: { json: JSON.stringify(rest, null, 2) } };
}
