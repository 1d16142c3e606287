// @ts-check
// The members view as data: the members the acting member may see, each with
// status, kind and roles grouped by family and ordered by the scope tree; search
// and filters; and the same members arranged by scope.

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {{ member: string, name?: string, status: string, email?: string,
 *   roles: { role: string, scope: string }[], addedTo?: string }} VisibleMember
 *   (`addedTo`: an unassigned member, holding no role yet, added to that scope)
 * @typedef {{ role: string, roleName: string, rank: number, scope: string, scopeName: string,
 *   scopePath: string, order: number }} RoleEntry
 * @typedef {{ family: string, familyName: string, entries: RoleEntry[] }} FamilyGroup
 * @typedef {{ id: string, name: string, email: string | null, kind: string, status: string,
 *   isActor: boolean, families: FamilyGroup[], scopes: Set<string>, addedTo: string | null }} MemberRow
 * @typedef {{ query?: string, status?: string, kind?: string, family?: string, scope?: string }} MemberFilter
 */

/**
 * The rows of the members view: the actor (with every role they hold) and the
 * members they may see (with the roles they may see).
 * @param {BundleIndex} index
 * @param {string} actor
 * @param {Map<string, VisibleMember>} visible
 * @returns {MemberRow[]}
 */
export function memberRows(index, actor, visible) {
  const order = new Map(index.tree.map((n, i) => [n.id, i]));
  /**
   * @param {string} id @param {string | null} email @param {string} status
   * @param {{ role: string, scope: string }[]} roles @param {string | null} addedTo
   */
  const row = (id, email, status, roles, addedTo = null) => {
    /** @type {Map<string, RoleEntry[]>} */
    const byFamily = new Map();
    for (const r of roles) {
      const role = index.roles.get(r.role);
      const family = role?.family ?? "";
      const entry = {
        role: r.role,
        roleName: index.roleName(r.role),
        rank: role?.rank ?? 0,
        scope: r.scope,
        scopeName: index.scopeName(r.scope),
        scopePath: index.scopePath(r.scope),
        order: order.get(r.scope) ?? 0,
      };
      const list = byFamily.get(family);
      if (list) list.push(entry);
      else byFamily.set(family, [entry]);
    }
    const families = index.families
      .filter((f) => byFamily.has(f))
      .map((f) => ({
        family: f,
        familyName: index.familyName(f),
        entries: /** @type {RoleEntry[]} */ (byFamily.get(f)).sort((a, b) => a.order - b.order || b.rank - a.rank),
      }));
    const m = index.members.get(id);
    return {
      id,
      name: m?.name ?? id,
      email,
      kind: m?.kind ?? "",
      status,
      isActor: id === actor,
      families,
      scopes: new Set(addedTo ? [addedTo] : roles.map((r) => r.scope)),
      addedTo,
    };
  };
  /** @type {MemberRow[]} */
  const rows = [];
  const me = index.members.get(actor);
  if (me) {
    const mine = (index.bindingsByMember.get(actor) ?? []).map((b) => ({ role: b.role, scope: b.scope }));
    rows.push(row(actor, me.email ?? null, me.status, mine));
  }
  for (const v of visible.values()) {
    if (v.member === actor) continue;
    rows.push(row(v.member, v.email ?? null, v.status, v.roles, v.addedTo ?? null));
  }
  return rows.sort((a, b) => Number(b.isActor) - Number(a.isActor) || a.name.localeCompare(b.name));
}

/**
 * The rows a search and filters keep. The search matches name, e-mail, id, kind
 * and role names; `scope` keeps members holding a role on it or below it.
 * @param {MemberRow[]} rows
 * @param {MemberFilter} filter
 * @param {BundleIndex} index
 */
export function filterRows(rows, filter, index) {
  const query = (filter.query ?? "").trim().toLowerCase();
  const below = filter.scope ? index.subtree(filter.scope) : null;
  return rows.filter((r) => {
    if (filter.status && r.status !== filter.status) return false;
    if (filter.kind && r.kind !== filter.kind) return false;
    if (filter.family && !r.families.some((f) => f.family === filter.family)) return false;
    if (below && ![...r.scopes].some((s) => below.has(s))) return false;
    if (!query) return true;
    const haystack = [r.name, r.email ?? "", r.id, r.kind, ...r.families.flatMap((f) => f.entries.map((e) => e.roleName))]
      .join("\n")
      .toLowerCase();
    return haystack.includes(query);
  });
}

/**
 * The choices of the filters, from the rows (so they never reveal more).
 * @param {MemberRow[]} rows
 */
export function filterChoices(rows) {
  return {
    statuses: [...new Set(rows.map((r) => r.status))].sort(),
    kinds: [...new Set(rows.map((r) => r.kind).filter(Boolean))].sort(),
  };
}

/**
 * The rows arranged by scope: each scope of the tree that someone holds a role
 * on, with its holders grouped by family.
 * @param {MemberRow[]} rows
 * @param {BundleIndex} index
 */
export function byScope(rows, index) {
  /** @type {Map<string, { family: string, familyName: string, holders: { id: string, name: string, role: string, status: string }[] }[]>} */
  const at = new Map();
  for (const r of rows) {
    for (const f of r.families) {
      for (const e of f.entries) {
        let groups = at.get(e.scope);
        if (!groups) at.set(e.scope, (groups = []));
        let group = groups.find((g) => g.family === f.family);
        if (!group) groups.push((group = { family: f.family, familyName: f.familyName, holders: [] }));
        group.holders.push({ id: r.id, name: r.name, role: e.roleName, status: r.status });
      }
    }
  }
  // Show a scope's ancestors too, so the tree reads as a tree.
  const shown = new Set();
  for (const scope of at.keys()) {
    shown.add(scope);
    for (const a of index.ancestors(scope)) shown.add(a);
  }
  return index.tree
    .filter((n) => shown.has(n.id))
    .map((n) => ({
      scope: n.id,
      name: index.scopeName(n.id),
      type: index.scopeTypeName(index.scopeTypeOf(n.id)),
      depth: n.depth,
      families: (at.get(n.id) ?? []).sort((a, b) => index.families.indexOf(a.family) - index.families.indexOf(b.family)),
    }));
}
