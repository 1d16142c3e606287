// @ts-check
// What the views and actions read off the state that is worked out from it.

import { pendingUpgrades } from "../logic/chain.js";

/** @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex */

/**
 * The member to act as when none is asked for: the first active member holding
 * the highest rank, else the first member.
 * @param {BundleIndex} index
 */
export function defaultActor(index) {
  let best = "";
  let bestRank = -1;
  for (const m of index.members.values()) {
    if (m.status !== "active") continue;
    const rank = Math.max(-1, ...(index.bindingsByMember.get(m.id) ?? []).map((b) => index.roles.get(b.role)?.rank ?? -1));
    if (rank > bestRank) {
      best = m.id;
      bestRank = rank;
    }
  }
  return best || (index.members.keys().next().value ?? "");
}


/** @type {{ engine: unknown, changeSet: unknown, value: { role: string, scope: string, verification?: string }[] }} */
let pending = { engine: null, changeSet: null, value: [] };

/**
 * The actor's self-upgrades waiting for their PIN once the change is applied
 * (logic/chain.js `pendingUpgrades`), asked of the engine once per change.
 * @param {{ engine: any, changeSet: any }} state
 */
export function pendingUpgradesOf(state) {
  if (pending.engine !== state.engine || pending.changeSet !== state.changeSet) {
    pending = { engine: state.engine, changeSet: state.changeSet, value: pendingUpgrades(state.engine, state.changeSet) };
  }
  return pending.value;
}
