// @ts-check
// How a member is set up when invited or activated (`invite`, `activate_member`):
// the set-up options and their words.
import { humanize } from "../logic/words.js";

/**
 * @typedef {import("./types.js").FormContext} FormContext
 * @typedef {import("./types.js").Option} Option
 */

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
 * The set-up options of `kind`: those the bundle's entry for it lists, else all.
 * @param {string} kind @param {FormContext} ctx
 * @returns {{ options: Option[], listed: boolean }} (`listed`: the bundle lists its own)
 */
export function setupChoices(kind, ctx) {
  /** @type {string[] | undefined} */
  const offered = ctx.index.operations[kind]?.setups;
  const listed = Boolean(offered && offered.length);
  const setups = offered && offered.length ? offered : Object.keys(SETUPS);
  return { options: setups.map((s) => ({ value: s, label: setupLabel(s) })), listed };
}
