// @ts-check
// What the views and actions read off the state that is worked out from it.

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

