// @ts-check
// Names a change gives to what the bundle does not know yet: the members it invites,
// adds or registers, and the custom roles it defines. A preview of that change names
// them ("Gwen Alvarez, by e-mail: invited as Order Manager") rather than showing
// their ids ("m-gwen"), as it does for everyone the bundle already has.
import { opKind } from "../ops/index.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Operation} Operation
 */

/**
 * The names the operations give to new members and new roles, by id: the first
 * name each is given (an invitation's, or an added member's), since a later
 * `edit_member` of the same change renames a member the operations before it
 * still call by that first name.
 * @param {readonly Operation[]} operations
 * @returns {{ members: Map<string, string>, roles: Map<string, string> }}
 */
export function changeNames(operations) {
  /** @type {Map<string, string>} */
  const members = new Map();
  /** @type {Map<string, string>} */
  const roles = new Map();
  /** @param {unknown} m */
  const addMember = (m) => {
    if (!m || typeof m !== "object") return;
    const { id, name } = /** @type {{ id?: unknown, name?: unknown }} */ (m);
    if (typeof id === "string" && typeof name === "string" && name.trim() && !members.has(id)) members.set(id, name.trim());
  };
  for (const op of operations) {
    const kind = opKind(op.op);
    for (const m of kind?.newMembers?.(op) ?? []) addMember(m);
    for (const role of kind?.newRoles?.(op) ?? []) {
      const { id, label } = role;
      if (typeof id === "string" && typeof label === "string" && label.trim() && !roles.has(id)) roles.set(id, label.trim());
    }
  }
  return { members, roles };
}

/**
 * The index, naming also what the operations introduce: `memberName`, `roleName`
 * and `nameOf` (which `rewriteMessage` uses) answer with the name the change
 * gives a member or a role the bundle does not have; everything the bundle has
 * keeps its own name. Returns `index` itself when the change introduces nothing.
 * @param {BundleIndex} index
 * @param {readonly Operation[] | undefined} operations
 * @returns {BundleIndex}
 */
export function withChangeNames(index, operations) {
  const names = changeNames(operations ?? []);
  for (const id of index.members.keys()) names.members.delete(id);
  for (const id of index.roles.keys()) names.roles.delete(id);
  if (names.members.size === 0 && names.roles.size === 0) return index;
  /** @param {string} id */
  const memberName = (id) => names.members.get(id) ?? index.memberName(id);
  /** @param {string} id */
  const roleName = (id) => names.roles.get(id) ?? index.roleName(id);
  /** @param {string} id */
  const nameOf = (id) => {
    if (names.members.has(id)) return memberName(id);
    if (names.roles.has(id)) return roleName(id);
    return index.nameOf(id);
  };
  return { ...index, memberName, roleName, nameOf };
}
