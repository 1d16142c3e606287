// @ts-check
// Questions the views ask the engine, answered from its JSON results. The engine
// is passed in (the browser's or Node's build of the same module), so these run
// under node --test as they do in the page.
import { KINDS, engineKind } from "../ops/index.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./members.js").VisibleMember} VisibleMember
 * @typedef {import("./types.js").Decision} Decision
 * @typedef {import("../../../wasm/rolegate.js").Engine} EngineLike
 */

/**
 * The other members `actor` may see anywhere, as the engine answers it
 * (`visibleMembers` without a scope, docs/format.md "Queries"): on every scope the actor
 * holds a role on, merged, and the members added to a scope within their reach who
 * hold no role yet (name and status only, with `addedTo`), so that they can be activated.
 * @param {EngineLike} engine
 * @param {BundleIndex} _index
 * @param {string} actor
 * @param {string} now
 * @returns {Map<string, VisibleMember>}
 */
export function visibleTo(engine, _index, actor, now) {
  const answer = /** @type {any} */ (engine.visibleMembers({ actor, now }));
  /** @type {Map<string, VisibleMember>} */
  const visible = new Map();
  if (answer && answer.ok) for (const m of answer.members) visible.set(m.member, m);
  return visible;
}

/**
 * Whether the engine knows the `perform` operation (docs/changes.md), as its list of
 * operation kinds says.
 * @param {EngineLike} [_engine] @param {BundleIndex} [_index] @param {string} [_now]
 */
export function supportsPerform(_engine, _index, _now) {
  return engineKind("perform") !== undefined;
}

/** Operations on a member the members view offers, in order (each kind's `memberMenu`). */
export const MEMBER_ACTIONS = KINDS.filter((k) => k.memberMenu !== undefined)
  .sort((a, b) => (a.memberMenu ?? 0) - (b.memberMenu ?? 0))
  .map((k) => k.name);

/**
 * What `actor` may do to `target`, as the engine answers it (`memberAbilities`): the
 * operations of the members view (MEMBER_ACTIONS, in its order) the engine lists, each
 * allowed or needing approval. Operations the actor may not do are left out.
 * @param {EngineLike} engine
 * @param {BundleIndex} _index
 * @param {string} actor
 * @param {string} target
 * @param {string} now
 * @returns {{ kind: string, effect: "allow" | "conditional" }[]}
 */
export function memberAbilities(engine, _index, actor, target, now) {
  const answer = /** @type {any} */ (engine.memberAbilities(actor, target, now));
  if (!answer || !answer.ok) return [];
  const effects = new Map(answer.abilities.map((/** @type {{ op: string, effect: "allow" | "conditional" }} */ a) => [a.op, a.effect]));
  return MEMBER_ACTIONS.filter((kind) => effects.has(kind)).map((kind) => ({ kind, effect: effects.get(kind) }));
}

/**
 * The attribute names that matter for a check of `action`, as the engine reads them
 * (`checkAttributes`): `role` and `target` for a rank-limited permission, `role` for a
 * self-upgrade or claim, and those the approval rules on the action look at. Nothing
 * for an action the engine does not know.
 * @param {EngineLike | null} engine
 * @param {string} action
 * @returns {{ role: boolean, target: boolean, others: string[] }}
 */
export function checkAttributes(engine, action) {
  const answer = /** @type {any} */ (engine?.checkAttributes(action));
  if (!answer || !answer.ok) return { role: false, target: false, others: [] };
  return { role: answer.role, target: answer.target, others: answer.others };
}

/**
 * The scopes where `actor` may ask for a role (`request_role`), as the engine answers it
 * (`requestableRoles`): those they hold a role on where they could ask for another, in
 * the order of the scope tree. Whether anyone could give it, the preview of the request
 * says.
 * @param {EngineLike} engine
 * @param {BundleIndex} _index
 * @param {string} actor
 * @param {string} now
 * @returns {string[]}
 */
export function roleRequestScopes(engine, _index, actor, now) {
  const answer = /** @type {any} */ (engine.requestableRoles(actor, now));
  if (!answer || !answer.ok) return [];
  return answer.scopes.map((/** @type {{ scope: string }} */ s) => s.scope);
}

/**
 * Whether `actor` may decide a role request now: whether they are among its deciders,
 * the active members other than its requester who could give the role themselves
 * (docs/changes.md section 2b), as the engine's `approvalStatus` says.
 * @param {EngineLike} engine
 * @param {BundleIndex} index
 * @param {string} actor
 * @param {import("./types.js").RoleRequest} request
 * @param {string} now
 */
export function mayDecideRoleRequest(engine, index, actor, request, now) {
  if (actor === request.requester || index.members.get(actor)?.status !== "active") return false;
  const status = /** @type {any} */ (engine.approvalStatus(request.id, now));
  return Boolean(status && status.ok && status.status === "pending" && Array.isArray(status.eligible) && status.eligible.includes(actor));
}

/**
 * The open role requests of the policy that `actor` may decide now (their ids).
 * @param {EngineLike} engine @param {BundleIndex} index @param {string} actor @param {string} now
 * @returns {Set<string>}
 */
export function decidableRoleRequests(engine, index, actor, now) {
  return new Set([...index.roleRequests.values()].filter((r) => mayDecideRoleRequest(engine, index, actor, r, now)).map((r) => r.id));
}
