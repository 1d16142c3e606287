// @ts-check
// Requests the approval kinds act on (`decide_request`, `apply_approved`,
// `withdraw_request`): approval requests and role requests, as choices and in words.
import { formatDate } from "../logic/words.js";

/**
 * @typedef {import("./types.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").FormContext} FormContext
 * @typedef {import("./types.js").Option} Option
 */

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

/**
 * The approval requests of the policy, then those earlier operations of the change record.
 * @param {FormContext} ctx @returns {Option[]}
 */
export function approvalRequestChoices(ctx) {
  const { index } = ctx;
  const out = [...index.approvalRequests.values()].map((r) => ({
    value: r.id,
    label: `${r.id}: ${index.memberName(r.requester)}, “${index.permissionName(r.action)}” on ${index.scopeName(r.resource)}`,
  }));
  for (const r of ctx.requested ?? []) {
    if (out.some((o) => o.value === r.id)) continue;
    out.push({ value: r.id, label: `${r.id} (new in this change): ${index.memberName(r.requester)}, “${index.permissionName(r.action)}” on ${index.scopeName(r.scope)}` });
  }
  return out;
}

/**
 * The role requests of the policy the actor may decide: every one but their own,
 * or, with `ctx.decidable`, those the engine says they may decide.
 * @param {FormContext} ctx @returns {Option[]}
 */
export function decidableRoleRequestChoices(ctx) {
  const { index } = ctx;
  /** @type {Option[]} */
  const out = [];
  for (const r of index.roleRequests.values()) {
    if (r.requester === ctx.actor || (ctx.decidable && !ctx.decidable.has(r.id))) continue;
    out.push({ value: r.id, label: `${roleRequestWords(r, index)} (asked ${formatDate(r.createdAt)})` });
  }
  return out;
}

/**
 * The actor's own role requests: those of the policy and those asked earlier in the change.
 * @param {FormContext} ctx @returns {Option[]}
 */
export function ownRoleRequestChoices(ctx) {
  const { index } = ctx;
  const mine = [...index.roleRequests.values()]
    .filter((r) => r.requester === ctx.actor)
    .map((r) => ({ value: r.id, label: `${index.roleName(r.role)} on ${index.scopeName(r.scope)} (asked ${formatDate(r.createdAt)})` }));
  for (const r of ctx.asked ?? []) {
    if (r.requester !== ctx.actor || mine.some((o) => o.value === r.id)) continue;
    mine.push({ value: r.id, label: `${index.roleName(r.role)} on ${index.scopeName(r.scope)} (asked in this change)` });
  }
  return mine;
}
