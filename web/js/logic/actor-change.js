// @ts-check
// Changing who acts while a change is being built: the change was built as one
// member and would silently become another's (their rights, their rank, their
// name on every notification). The app asks first: keep the draft, acting as the
// new member, or start afresh; cancelling keeps the member who was acting.

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {"keep" | "fresh"} DraftChoice what becomes of the draft: kept, or cleared
 */

/**
 * Whether to ask before acting as `next`: only in the simulation (signed in, you
 * always act as yourself), only for another member, and only while the change
 * being built has an operation.
 * @param {{ mode: string, actor: string, next: string, operations: readonly unknown[] }} state
 */
export function asksBeforeActing({ mode, actor, next, operations }) {
  return mode === "offline" && next !== actor && operations.length > 0;
}

/**
 * The question in words, with names: its title, what it is about and the three answers.
 * @param {BundleIndex} index
 * @param {string} from the member acting now
 * @param {string} to the member to act as
 * @param {number} operations how many operations the change has
 */
export function actorChangeWords(index, from, to, operations) {
  const was = index.memberName(from);
  const next = index.memberName(to);
  const ops = operations === 1 ? "1 operation" : `${operations} operations`;
  return {
    title: `Act as ${next}?`,
    text: `The change being built has ${ops}, made as ${was}. Kept, ${operations === 1 ? "it is" : "they are"} previewed as ${next}'s: what ${next} may do decides, and notifications name ${next}.`,
    keep: `Keep the draft, acting as ${next}`,
    fresh: `Start afresh as ${next}`,
    cancel: `Go on as ${was}`,
  };
}
