// @ts-check
// The operation kinds of a change set (docs/changes.md): which a bundle offers,
// the fields each takes, and each operation in words.
import { describeRule } from "./approval-rules.js";
import { withChangeNames } from "./change-names.js";
import { formatAttributes, formatDate, humanize, joinList } from "./words.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {{ kind: string, label: string, group: string, help?: string }} OperationKind
 */

/** Every kind the app has a form for, in the order the builder lists them. */
export const OPERATION_KINDS = /** @type {OperationKind[]} */ ([
  { kind: "invite", label: "Invite a member", group: "Members", help: "A new person or an existing member, with a role on a scope." },
  { kind: "resend_invitation", label: "Resend an invitation", group: "Members" },
  { kind: "change_role", label: "Change a role (upgrade or downgrade)", group: "Members" },
  { kind: "assign_role", label: "Assign accounts or lines (give a role)", group: "Members", help: "Gives the member a role on one or more scopes." },
  { kind: "revoke_role", label: "Unassign accounts or lines (take a role away)", group: "Members" },
  { kind: "remove_role", label: "Take a role away everywhere", group: "Members" },
  { kind: "remove_member", label: "Remove a member from a scope", group: "Members" },
  { kind: "delete_member", label: "Delete a member", group: "Members" },
  { kind: "block", label: "Block a member", group: "Members" },
  { kind: "unblock", label: "Unblock a member", group: "Members" },
  { kind: "disable", label: "Disable a member", group: "Members" },
  { kind: "enable", label: "Enable a member", group: "Members" },
  { kind: "edit_member", label: "Edit a member's name or e-mail", group: "Members" },
  { kind: "reset_password", label: "Reset a member's password", group: "Members" },
  { kind: "add_members", label: "Add unassigned members or extensions", group: "Members", help: "New members start pending, with no role, until activated." },
  { kind: "activate_member", label: "Activate an unassigned member", group: "Members", help: "Choose how the member is set up: an invitation, an activation e-mail, credentials, or later." },
  { kind: "perform", label: "Do a transaction (place an order…)", group: "Transactions", help: "A domain action, such as placing an order, checked with its attributes." },
  { kind: "request_self_upgrade", label: "Upgrade yourself (with a PIN)", group: "Yourself", help: "Step 1 asks for the upgrade and sends a PIN; step 2 completes it with the PIN." },
  { kind: "resend_verification", label: "Send a new PIN", group: "Yourself" },
  { kind: "complete_self_upgrade", label: "Complete your upgrade with the PIN", group: "Yourself" },
  { kind: "request_role", label: "Ask for a role", group: "Yourself", help: "Asks the members who could give you the role to decide. Asking gives nothing by itself: your access changes only if one of them approves." },
  { kind: "withdraw_request", label: "Withdraw your request for a role", group: "Yourself" },
  { kind: "claim_role", label: "Claim a role", group: "Yourself" },
  { kind: "accept_invitation", label: "Accept your invitation", group: "Yourself" },
  { kind: "register", label: "Register with a role", group: "Yourself", help: "A new member signing up: the acting member's id is the new member's." },
  { kind: "define_role", label: "Create a custom role", group: "Policy", help: "Opens the role editor." },
  { kind: "edit_role", label: "Edit a custom role", group: "Policy", help: "Opens the role editor." },
  { kind: "delete_role", label: "Delete a custom role", group: "Policy" },
  { kind: "set_approval_rule", label: "Add or change an approval rule", group: "Policy" },
  { kind: "delete_approval_rule", label: "Delete an approval rule", group: "Policy" },
  { kind: "decide_request", label: "Approve or reject a request", group: "Approvals" },
  { kind: "apply_approved", label: "Apply an approved request", group: "Approvals" },
]);

const KINDS = new Map(OPERATION_KINDS.map((k) => [k.kind, k]));

/** Kinds authorised by their own conditions: available in every bundle. */
export const ALWAYS_AVAILABLE = ["accept_invitation", "decide_request", "apply_approved"];

/** @param {string} kind */
export function kindLabel(kind) {
  return KINDS.get(kind)?.label ?? humanize(kind);
}

/**
 * The operation kinds a bundle offers: those its `operations` maps, the ones
 * authorised by their own conditions, the verification steps of a mapped
 * self-upgrade, and `perform` when the engine has it. Kinds the app has no form
 * for come last, with a JSON form.
 * @param {Record<string, unknown>} mapped the bundle's `operations`
 * @param {{ perform?: boolean }} [features]
 * @returns {OperationKind[]}
 */
export function availableKinds(mapped, features = {}) {
  const offered = new Set(Object.keys(mapped));
  for (const kind of ALWAYS_AVAILABLE) offered.add(kind);
  if (offered.has("request_self_upgrade")) {
    offered.add("resend_verification");
    offered.add("complete_self_upgrade");
  }
  // A policy that lets members ask for a role lets them take the request back.
  if (offered.has("request_role")) offered.add("withdraw_request");
  if (features.perform) offered.add("perform");
  const known = OPERATION_KINDS.filter((k) => offered.has(k.kind));
  const unknown = [...offered]
    .filter((kind) => !KINDS.has(kind))
    .sort()
    .map((kind) => ({ kind, label: humanize(kind), group: "Other", help: "Written as JSON." }));
  return [...known, ...unknown];
}

/**
 * The fields of each kind's form, in the order they are filled (a later field's
 * choices depend on the earlier ones). A name ending in `?` is optional.
 * @type {Record<string, string[]>}
 */
export const FIELDS = {
  invite: ["invitee", "scope", "role", "setup?"],
  resend_invitation: ["member"],
  accept_invitation: [],
  assign_role: ["member", "role", "scopes"],
  change_role: ["member", "scope", "role"],
  revoke_role: ["member", "role", "scopes"],
  remove_role: ["member", "role"],
  remove_member: ["member", "scope"],
  delete_member: ["member"],
  block: ["member"],
  unblock: ["member"],
  disable: ["member"],
  enable: ["member"],
  edit_member: ["member", "name?", "email?"],
  reset_password: ["member"],
  add_members: ["scope", "newMembers", "attributes?"],
  activate_member: ["member", "setup", "scope?", "role?"],
  perform: ["scope", "action", "attributes?"],
  request_self_upgrade: ["scope", "role"],
  resend_verification: ["scope", "role"],
  complete_self_upgrade: ["scope", "role", "pin"],
  claim_role: ["scope", "role"],
  request_role: ["scope", "role", "reason?", "until?"],
  withdraw_request: ["request"],
  register: ["registrant", "scope", "role"],
  delete_role: ["customRole"],
  set_approval_rule: ["rule"],
  delete_approval_rule: ["approvalRule"],
  decide_request: ["request", "decision"],
  apply_approved: ["request"],
};

/** @param {string} kind @returns {{ name: string, optional: boolean }[]} */
export function fieldsOf(kind) {
  return (FIELDS[kind] ?? ["json"]).map((f) => ({ name: f.replace(/\?$/, ""), optional: f.endsWith("?") }));
}

export const SETUPS = /** @type {const} */ ({
  send_invite: "Send an invitation",
  activation_email: "Send an activation e-mail with a temporary password",
  assign_credentials: "Activate now with credentials set by you",
  activate_later: "Activate later (stays pending)",
});

/** @param {string} setup */
export function setupLabel(setup) {
  return /** @type {Record<string, string>} */ (SETUPS)[setup] ?? humanize(setup);
}

/**
 * A member id for a new person, from their name, not yet used: "Gwen Alvarez" -> "m-gwen".
 * @param {string} name
 * @param {(id: string) => boolean} taken
 */
export function newMemberId(name, taken) {
  const words = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9\s-]/g, "").split(/\s+/).filter(Boolean);
  const base = `m-${words[0] ?? "new"}`;
  if (!taken(base)) return base;
  const full = `m-${words.join("-") || "new"}`;
  if (!taken(full)) return full;
  for (let n = 2; ; n++) if (!taken(`${full}-${n}`)) return `${full}-${n}`;
}

/**
 * A role request in words, with names: "Uma Brooks asks for Advanced user on Leeds
 * head office" (`you`: how to name its requester when they are the reader, "You").
 * @param {{ requester: string, role: string, scope: string }} request
 * @param {BundleIndex} index
 * @param {string} [you]
 */
export function roleRequestWords(request, index, you) {
  const who = you && request.requester === you ? "You" : index.memberName(request.requester);
  return `${who} ${who === "You" ? "ask" : "asks"} for ${index.roleName(request.role)} on ${index.scopeName(request.scope)}`;
}

/** @param {BundleIndex} index @param {string} scope */
function scopeWords(index, scope) {
  return index.scopeName(scope);
}

/** @param {BundleIndex} index @param {any} member an id or a new member */
function memberWords(index, member) {
  if (member && typeof member === "object") {
    const name = member.name ?? member.id;
    return member.email ? `${name} (new, ${member.email})` : `${name} (new)`;
  }
  return typeof member === "string" ? index.memberName(member) : "someone";
}

/** @param {Operation} op @returns {string[]} */
function scopesOf(op) {
  if (Array.isArray(op.scopes)) return op.scopes;
  return typeof op.scope === "string" ? [op.scope] : [];
}

/**
 * Whether `change_role` would be an upgrade or a downgrade: by rank, against the
 * role of the same family the member holds on the scope.
 * @param {BundleIndex} index @param {string} member @param {string} scope @param {string} roleId
 * @returns {"upgrade" | "downgrade" | "change" | null}
 */
export function changeDirection(index, member, scope, roleId) {
  const role = index.roles.get(roleId);
  if (!role) return null;
  const current = index.roleOn(member, scope, role.family);
  if (!current) return null;
  if (role.rank > current.rank) return "upgrade";
  if (role.rank < current.rank) return "downgrade";
  return "change";
}

/**
 * One operation in words, with names from the bundle.
 * @param {Operation} op
 * @param {BundleIndex} bundleIndex
 * @param {string} [actor] the change set's actor
 * @param {Operation[]} [operations] the whole change, for the members and roles it introduces
 * @returns {string}
 */
export function describeOperation(op, bundleIndex, actor, operations = []) {
  // Members and roles that earlier operations introduce go by the names those give them.
  const index = withChangeNames(bundleIndex, operations);
  const m = () => memberWords(index, op.member);
  const defined = (/** @type {string} */ id) => operations.find((o) => o.op === "define_role" && o.role?.id === id)?.role?.label;
  const role = () => (typeof op.role === "string" ? (index.roles.has(op.role) ? index.roleName(op.role) : defined(op.role) ?? op.role) : "a role");
  const scope = () => (typeof op.scope === "string" ? scopeWords(index, op.scope) : "a scope");
  const scopes = () => joinList(scopesOf(op).map((s) => scopeWords(index, s)));
  const attributes = op.attributes && Object.keys(op.attributes).length ? ` (${formatAttributes(op.attributes)})` : "";
  const you = actor ? index.memberName(actor) : "you";
  switch (op.op) {
    case "invite":
      return `Invite ${m()} as ${role()} on ${scope()}${op.setup ? `: ${setupLabel(op.setup).toLowerCase()}` : ""}`;
    case "resend_invitation":
      return `Resend ${m()}'s invitation`;
    case "accept_invitation":
      return `${you} accepts the invitation`;
    case "assign_role":
      return `Give ${m()} ${role()} on ${scopes()}`;
    case "change_role": {
      const direction = typeof op.member === "string" ? changeDirection(index, op.member, op.scope, op.role) : null;
      const current = typeof op.member === "string" ? index.roleOn(op.member, op.scope, index.roles.get(op.role)?.family) : undefined;
      const verb = direction === "upgrade" ? "Upgrade" : direction === "downgrade" ? "Downgrade" : "Change";
      const from = current ? ` from ${index.roleName(current.id)}` : "";
      return `${verb} ${m()}${from} to ${role()} on ${scope()}`;
    }
    case "revoke_role":
      return `Take ${role()} on ${scopes()} away from ${m()}`;
    case "remove_role":
      return `Take ${role()} away from ${m()} everywhere`;
    case "remove_member":
      return `Remove ${m()} from ${scope()}`;
    case "delete_member":
      return `Delete ${m()}`;
    case "block":
    case "unblock":
    case "disable":
    case "enable":
      return `${humanize(op.op)[0].toUpperCase()}${op.op.slice(1)} ${m()}`;
    case "edit_member": {
      const changes = [];
      if (op.name !== undefined) changes.push(`name to ${op.name}`);
      if (op.email !== undefined) changes.push(`e-mail to ${op.email}`);
      return `Change ${m()}'s ${changes.length ? joinList(changes) : "details"}`;
    }
    case "reset_password":
      return `Reset ${m()}'s password`;
    case "add_members": {
      /** @type {any[]} */
      const list = Array.isArray(op.members) ? op.members : [];
      return `Add ${joinList(list.map((x) => x.name ?? x.id))} to ${scope()} (unassigned)${attributes}`;
    }
    case "activate_member": {
      const withRole = typeof op.role === "string" ? ` as ${role()} on ${scope()}` : "";
      return `Activate ${m()}${withRole}: ${setupLabel(op.setup ?? "").toLowerCase()}`;
    }
    case "perform":
      return `${you}: “${index.permissionName(op.action)}” on ${scope()}${attributes}`;
    case "request_self_upgrade":
      return `${you} asks to upgrade to ${role()} on ${scope()}`;
    case "resend_verification":
      return `${you} asks for a new PIN for ${role()} on ${scope()}`;
    case "complete_self_upgrade":
      return `${you} completes the upgrade to ${role()} on ${scope()} with the PIN`;
    case "claim_role":
      return `${you} claims ${role()} on ${scope()}`;
    case "request_role": {
      const until = typeof op.until === "string" ? `, until ${formatDate(op.until)}` : "";
      const reason = typeof op.reason === "string" && op.reason.trim() ? `: “${op.reason.trim()}”` : "";
      return `${you} asks for ${role()} on ${scope()}${until}${reason}`;
    }
    case "withdraw_request": {
      const request = index.roleRequests.get(op.request);
      if (!request) return `${you} withdraws request ${op.request ?? ""}`.trimEnd();
      return `${you} withdraws the request for ${index.roleName(request.role)} on ${index.scopeName(request.scope)}`;
    }
    case "register":
      return `${memberWords(index, op.member)} registers as ${role()} on ${scope()}`;
    case "define_role":
      return `Create custom role ${op.role?.label ?? op.role?.id ?? ""}`;
    case "edit_role":
      return `Edit custom role ${op.role?.label ?? op.role?.id ?? ""}`;
    case "delete_role":
      return `Delete custom role ${role()}`;
    case "set_approval_rule": {
      const rule = op.rule;
      if (!rule || typeof rule !== "object" || !Array.isArray(rule.actions) || !rule.approvers) return `Set approval rule ${rule?.id ?? ""}`;
      return `Set approval rule ${rule.id}: ${describeRule(rule, index)}`;
    }
    case "delete_approval_rule":
      return `Delete approval rule ${op.rule}`;
    case "decide_request": {
      const asked = index.roleRequests.get(op.request);
      if (asked) {
        return `${op.decision === "reject" ? "Reject" : "Approve"} ${index.memberName(asked.requester)}'s request for ${index.roleName(asked.role)} on ${index.scopeName(asked.scope)}`;
      }
      const request = index.approvalRequests.get(op.request);
      const about = request ? ` (${index.memberName(request.requester)}: “${index.permissionName(request.action)}” on ${index.scopeName(request.resource)})` : "";
      return `${op.decision === "reject" ? "Reject" : "Approve"} request ${op.request}${about}`;
    }
    case "apply_approved": {
      const request = index.approvalRequests.get(op.request);
      if (!request) return `Apply approved request ${op.request}`;
      // What the request's operation does, as its requester's.
      const stored = /** @type {string} */ (request.operation ? describeOperation(request.operation, index, request.requester, operations) : `“${index.permissionName(request.action)}” on ${index.scopeName(request.resource)}`);
      return `Apply approved request ${op.request}: ${stored}`;
    }
    default:
      return `${humanize(op.op)}${attributes}`;
  }
}
