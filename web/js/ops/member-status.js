// @ts-check
// The kinds that only change a member's status (`block`, `unblock`, `disable`,
// `enable`): they share everything but their name, label and the statuses they apply to.
import { humanize } from "../logic/words.js";

/** @typedef {import("./types.js").OpKind} OpKind */

/**
 * @param {string} name @param {string} label
 * @param {string[]} memberStatuses the statuses a member must have (docs/changes.md section 2)
 * @returns {OpKind}
 */
export function memberStatusKind(name, label, memberStatuses) {
  return {
    name,
    label,
    shortLabel: humanize(name)[0].toUpperCase() + name.slice(1),
    group: "Members",
    fields: ["member"],
    memberStatuses,
    onMember: { perScope: false, needsRole: false },
    describe: (op, w) => `${humanize(op.op)[0].toUpperCase()}${op.op.slice(1)} ${w.member()}`,
  };
}
