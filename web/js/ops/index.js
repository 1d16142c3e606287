// @ts-check
// The operation kinds of a change set (docs/changes.md section 2), one module
// each, in the engine's order (`operationKinds()` of the JavaScript API;
// tests/web/ops.test.mjs holds the two lists equal).
import { invite } from "./invite.js";
import { resend_invitation } from "./resend_invitation.js";
import { accept_invitation } from "./accept_invitation.js";
import { assign_role } from "./assign_role.js";
import { change_role } from "./change_role.js";
import { revoke_role } from "./revoke_role.js";
import { remove_role } from "./remove_role.js";
import { remove_member } from "./remove_member.js";
import { delete_member } from "./delete_member.js";
import { block } from "./block.js";
import { unblock } from "./unblock.js";
import { disable } from "./disable.js";
import { enable } from "./enable.js";
import { edit_member } from "./edit_member.js";
import { add_members } from "./add_members.js";
import { activate_member } from "./activate_member.js";
import { request_self_upgrade } from "./request_self_upgrade.js";
import { resend_verification } from "./resend_verification.js";
import { complete_self_upgrade } from "./complete_self_upgrade.js";
import { claim_role } from "./claim_role.js";
import { define_role } from "./define_role.js";
import { edit_role } from "./edit_role.js";
import { delete_role } from "./delete_role.js";
import { set_approval_rule } from "./set_approval_rule.js";
import { delete_approval_rule } from "./delete_approval_rule.js";
import { decide_request } from "./decide_request.js";
import { apply_approved } from "./apply_approved.js";
import { register } from "./register.js";
import { reset_password } from "./reset_password.js";
import { perform } from "./perform.js";
import { request_role } from "./request_role.js";
import { withdraw_request } from "./withdraw_request.js";

/** @typedef {import("./types.js").OpKind} OpKind */

/** Every kind the app knows, in the engine's order. */
export const KINDS = /** @type {readonly OpKind[]} */ ([
  invite,
  resend_invitation,
  accept_invitation,
  assign_role,
  change_role,
  revoke_role,
  remove_role,
  remove_member,
  delete_member,
  block,
  unblock,
  disable,
  enable,
  edit_member,
  add_members,
  activate_member,
  request_self_upgrade,
  resend_verification,
  complete_self_upgrade,
  claim_role,
  define_role,
  edit_role,
  delete_role,
  set_approval_rule,
  delete_approval_rule,
  decide_request,
  apply_approved,
  register,
  reset_password,
  perform,
  request_role,
  withdraw_request,
]);

const BY_NAME = new Map(KINDS.map((k) => [k.name, k]));

/** The module of a kind, if the app knows it. @param {string} name */
export function opKind(name) {
  return BY_NAME.get(name);
}

/**
 * What the engine says of each kind (`operationKinds()` of the JavaScript API): how it
 * reaches the member it acts on and the statuses it applies from. Set once the engine
 * has started (engine.js), before any form is drawn.
 * @type {Map<string, import("../../../wasm/rolegate.js").OperationKind> | null}
 */
let engineKinds = null;

/** @param {import("../../../wasm/rolegate.js").OperationKind[]} kinds the engine's list */
export function useEngineKinds(kinds) {
  engineKinds = new Map(kinds.map((k) => [k.name, k]));
}

/**
 * The engine's description of a kind, or undefined when the engine has no such kind.
 * @param {string} name
 */
export function engineKind(name) {
  if (engineKinds === null) throw new Error("the engine's operation kinds are not loaded (useEngineKinds)");
  return engineKinds.get(name);
}

/**
 * The order the change builder lists the kinds in: by group (Members, Transactions,
 * Yourself, Policy, Approvals), the most used first within each.
 */
export const BUILDER_ORDER = [
  "invite",
  "resend_invitation",
  "change_role",
  "assign_role",
  "revoke_role",
  "remove_role",
  "remove_member",
  "delete_member",
  "block",
  "unblock",
  "disable",
  "enable",
  "edit_member",
  "reset_password",
  "add_members",
  "activate_member",
  "perform",
  "request_self_upgrade",
  "resend_verification",
  "complete_self_upgrade",
  "request_role",
  "withdraw_request",
  "claim_role",
  "accept_invitation",
  "register",
  "define_role",
  "edit_role",
  "delete_role",
  "set_approval_rule",
  "delete_approval_rule",
  "decide_request",
  "apply_approved",
];
