// @ts-check
// Actions on what the page shows and as whom: the tab, a finding's link, the
// acting member and the time, the role editor, the members list, the notice.
import { replaceOperations } from "../logic/changeset.js";
import { isTimestamp } from "../logic/words.js";
import { refreshVisible, simulate, urlChanged } from "./context.js";

/**
 * @typedef {import("./context.js").AppContext} AppContext
 * @typedef {import("../state/app-state.js").Tab} Tab
 * @typedef {import("../state/app-state.js").MemberFilter} MemberFilter
 */

/** @param {AppContext} c @param {Tab} tab */
export function setTab(c, tab) {
  c.store.set({ tab });
  urlChanged(c);
}

/**
 * A finding's link to a role: the Roles view, with the role's row shown.
 * @param {AppContext} c @param {string} id
 */
export function showRole(c, id) {
  c.store.set({ tab: "roles", focus: { kind: "role", id } });
  urlChanged(c);
}

/**
 * A finding's link to a scope: the Members view, filtered to that scope.
 * @param {AppContext} c @param {string} id
 */
export function showScope(c, id) {
  const { index, visible, actor } = c.get();
  // The members view shows whom the acting member may see: say so when that is nobody there.
  const below = index ? index.subtree(id) : new Set([id]);
  const seen =
    [...visible.values()].some((v) => v.roles.some((r) => below.has(r.scope))) ||
    (index?.bindingsByMember.get(actor) ?? []).some((b) => below.has(b.scope));
  const notice = seen || !index
    ? null
    : { text: `Acting as ${index.memberName(actor)}, you see nobody on ${index.scopeName(id)}: act as a member there to see who is.`, tone: /** @type {const} */ ("info") };
  c.store.set({ tab: "members", focus: { kind: "scope", id }, memberFilter: { scope: id }, notice });
  urlChanged(c);
}

/**
 * Acts as another member. The change being built is kept (its operations are then
 * the new member's), or, with `draft: "fresh"`, cleared (undo brings it back): the
 * page asks which first (logic/actor-change.js).
 * @param {AppContext} c
 * @param {string} actor
 * @param {{ draft?: import("../logic/actor-change.js").DraftChoice }} [options]
 */
export function setActor(c, actor, { draft = "keep" } = {}) {
  const { store, get } = c;
  if (actor === get().actor || get().mode === "connected") return; // signed in: always the member
  const fresh = draft === "fresh" && get().draft.present.length > 0;
  store.set({
    actor,
    checks: [],
    roleEpoch: get().roleEpoch + 1,
    builderEpoch: get().builderEpoch + 1,
    ...(fresh ? { draft: replaceOperations(get().draft, []), editing: null, builderPrefill: null } : {}),
  });
  refreshVisible(c);
  simulate(c);
  urlChanged(c);
}

/** @param {AppContext} c @param {string} now */
export function setNow(c, now) {
  if (!isTimestamp(now) || now === c.get().now) return;
  c.store.set({ now, checks: [] });
  refreshVisible(c);
  simulate(c);
}

/** @param {AppContext} c @param {Record<string, string | string[] | undefined> | null} draft a role editor draft; null closes it */
export function openRoleEditor(c, draft) {
  c.store.set({ roleDraft: draft, roleEpoch: c.get().roleEpoch + 1, tab: "roles" });
}

/** @param {AppContext} c @param {Record<string, string | string[] | undefined>} draft the editor's values as typed */
export function updateRoleDraft(c, draft) {
  if (JSON.stringify(draft) === JSON.stringify(c.get().roleDraft)) return;
  c.store.set({ roleDraft: draft });
}

/** @param {AppContext} c @param {Partial<MemberFilter>} patch */
export function setMemberFilter(c, patch) {
  c.store.set({ memberFilter: { ...c.get().memberFilter, ...patch } });
}

/** @param {AppContext} c @param {"members" | "scopes"} layout */
export function setMembersLayout(c, layout) {
  c.store.set({ membersLayout: layout });
}

/** @param {AppContext} c @param {{ text: string, tone: "info" | "warning" | "error" } | null} notice */
export function setNotice(c, notice) {
  c.store.set({ notice });
}
