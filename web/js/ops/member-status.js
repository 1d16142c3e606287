// @ts-check
// The kinds that only change a member's status (`block`, `unblock`, `disable`,
// `enable`): they share everything but their name and label (the statuses each applies
// to are the engine's, `engineKind(name).memberStatuses`).
import { humanize } from "../logic/words.js";

/** @typedef {import("./types.js").OpKind} OpKind */

/**
 * @param {string} name @param {string} label @param {number} memberMenu its place in a member's menu
 * @returns {OpKind}
 */
export function memberStatusKind(name, label, memberMenu) {
  return {
    name,
    label,
    memberMenu,
    shortLabel: humanize(name)[0].toUpperCase() + name.slice(1),
    group: "Members",
    fields: ["member"],
    describe: (op, w) => `${humanize(op.op)[0].toUpperCase()}${op.op.slice(1)} ${w.member()}`,
  };
}
