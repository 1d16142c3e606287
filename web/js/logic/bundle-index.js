// @ts-check
// An index of a (valid) policy bundle: lookups by id, the scope tree, and the names
// people read instead of ids. Pure: built once per loaded bundle.
import { humanize, lowerFirst } from "./words.js";

/**
 * @typedef {import("./types.js").Bundle} Bundle
 * @typedef {import("./types.js").Member} Member
 * @typedef {import("./types.js").Role} Role
 * @typedef {import("./types.js").Scope} Scope
 * @typedef {import("./types.js").Binding} Binding
 * @typedef {import("./types.js").Permission} Permission
 * @typedef {{ id: string, kind: "permission" | "self_upgrade" | "claim", name: string,
 *   rankLimited: boolean, appliesTo: string[] | null }} ActionInfo
 * @typedef {ReturnType<typeof indexBundle>} BundleIndex
 */

/**
 * @template T
 * @param {T[] | undefined} list
 * @param {(item: T) => string} key
 * @returns {Map<string, T>}
 */
function byId(list, key) {
  const map = new Map();
  for (const item of list ?? []) map.set(key(item), item);
  return map;
}

/**
 * @template K, V
 * @param {Map<K, V[]>} map @param {K} key @param {V} value
 */
function pushTo(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** @param {Binding} b */
export function bindingId(b) {
  return b.id ?? `${b.member}/${b.role}@${b.scope}`;
}

/**
 * The bundle's lists by id, and its bindings by member and by scope.
 * @param {Bundle} bundle
 */
function lookups(bundle) {
  const bindings = bundle.bindings ?? [];
  /** @type {Map<string, Binding[]>} */
  const bindingsByMember = new Map();
  /** @type {Map<string, Binding[]>} */
  const bindingsByScope = new Map();
  for (const b of bindings) {
    pushTo(bindingsByMember, b.member, b);
    pushTo(bindingsByScope, b.scope, b);
  }
  return {
    members: byId(bundle.members, (m) => m.id),
    roles: byId(bundle.roles, (r) => r.id),
    scopes: byId(bundle.scopes, (s) => s.id),
    scopeTypes: byId(bundle.scopeTypes, (t) => t.id),
    permissions: byId(bundle.permissions, (p) => p.id),
    approvalRules: byId(bundle.approvalRules, (r) => r.id),
    approvalRequests: byId(bundle.approvalRequests, (r) => r.id),
    roleRequests: byId(bundle.roleRequests, (r) => r.id),
    selfUpgrades: bundle.selfUpgrades ?? [],
    claims: bundle.claims ?? [],
    bindings,
    bindingsById: byId(bindings, bindingId),
    bindingsByMember,
    bindingsByScope,
    operations: bundle.operations ?? {},
  };
}

/**
 * The scope forest, children in bundle order: the roots, each scope's children,
 * and the scopes in tree order with their depth.
 * @param {Bundle} bundle @param {Map<string, Scope>} scopes
 */
function scopeForest(bundle, scopes) {
  /** @type {Map<string, string[]>} */
  const children = new Map();
  /** @type {string[]} */
  const roots = [];
  for (const s of bundle.scopes ?? []) {
    if (s.parent && scopes.has(s.parent)) pushTo(children, s.parent, s.id);
    else roots.push(s.id);
  }
  /** @type {{ id: string, depth: number }[]} */
  const tree = [];
  /** @type {Map<string, number>} */
  const depth = new Map();
  /** @param {string} id @param {number} d */
  const visit = (id, d) => {
    if (depth.has(id)) return; // a cycle cannot be in a valid bundle; be safe anyway
    depth.set(id, d);
    tree.push({ id, depth: d });
    for (const child of children.get(id) ?? []) visit(child, d + 1);
  };
  for (const root of roots) visit(root, 0);
  return { children, roots, tree, depth };
}

/**
 * The role families in order of first appearance, and the roles of each, highest rank first.
 * @param {Bundle} bundle
 */
function roleFamilies(bundle) {
  /** @type {string[]} */
  const families = [];
  /** @type {Map<string, Role[]>} */
  const rolesByFamily = new Map();
  for (const r of bundle.roles ?? []) {
    if (!rolesByFamily.has(r.family)) families.push(r.family);
    pushTo(rolesByFamily, r.family, r);
  }
  for (const list of rolesByFamily.values()) list.sort((a, b) => b.rank - a.rank || a.id.localeCompare(b.id));
  return { families, rolesByFamily };
}

/**
 * A role's name: its label; a label shared by roles of several families gets the
 * family in brackets.
 * @param {Bundle} bundle @param {Map<string, Role>} roles @param {(family: string) => string} familyName
 */
function roleNamer(bundle, roles, familyName) {
  /** @type {Map<string, number>} */
  const labelUses = new Map();
  for (const r of bundle.roles ?? []) {
    const label = r.label ?? r.id;
    labelUses.set(label, (labelUses.get(label) ?? 0) + 1);
  }
  /** @param {string} id */
  return (id) => {
    const r = roles.get(id);
    if (!r) return id;
    const label = r.label ?? r.id;
    return (labelUses.get(label) ?? 0) > 1 ? `${label} (${familyName(r.family)})` : label;
  };
}

/**
 * Actions: the permissions, then the self-upgrade and claim actions, named in
 * words ("Upgrade yourself", "Claim Admin (apps)"); the id is added only to tell
 * several of a kind apart.
 * @param {Bundle} bundle @param {Map<string, Role>} roles @param {(id: string) => string} roleName
 * @returns {ActionInfo[]}
 */
function actionList(bundle, roles, roleName) {
  const selfUpgrades = bundle.selfUpgrades ?? [];
  const claims = bundle.claims ?? [];
  /** @type {ActionInfo[]} */
  const actions = [];
  for (const p of bundle.permissions ?? []) {
    actions.push({ id: p.id, kind: "permission", name: p.label ?? p.id, rankLimited: p.rankLimited === true, appliesTo: p.appliesTo });
  }
  const seenActions = new Set(actions.map((a) => a.id));
  const upgradeActions = new Set(selfUpgrades.map((u) => u.action).filter((a) => !seenActions.has(a)));
  for (const u of selfUpgrades) {
    if (seenActions.has(u.action)) continue;
    seenActions.add(u.action);
    const name = upgradeActions.size > 1 ? `Upgrade yourself (${humanize(u.action)})` : "Upgrade yourself";
    actions.push({ id: u.action, kind: "self_upgrade", name, rankLimited: false, appliesTo: null });
  }
  for (const c of claims) {
    if (seenActions.has(c.action)) continue;
    seenActions.add(c.action);
    const grants = [...new Set(claims.filter((x) => x.action === c.action).map((x) => x.grants))];
    const name = grants.length === 1 && roles.has(grants[0]) ? `Claim ${roleName(grants[0])}` : `Claim a role (${humanize(c.action)})`;
    actions.push({ id: c.action, kind: "claim", name, rankLimited: false, appliesTo: null });
  }
  return actions;
}

/**
 * Walks of the scope tree: a scope's ancestors, its path in words, its subtree.
 * @param {Map<string, Scope>} scopes @param {Map<string, string[]>} children @param {(id: string) => string} scopeName
 */
function scopeWalks(scopes, children, scopeName) {
  /** @param {string} id @returns {string[]} parent first, root last */
  const ancestors = (id) => {
    /** @type {string[]} */
    const out = [];
    let current = scopes.get(id)?.parent;
    while (current && !out.includes(current)) {
      out.push(current);
      current = scopes.get(current)?.parent;
    }
    return out;
  };
  /** @param {string} id "North › Leeds head office" */
  const scopePath = (id) => [...ancestors(id).reverse(), id].map(scopeName).join(" › ");
  /** @param {string} id @returns {Set<string>} the scope and everything below it */
  const subtree = (id) => {
    const out = new Set([id]);
    const stack = [id];
    while (stack.length) {
      for (const child of children.get(/** @type {string} */ (stack.pop())) ?? []) {
        if (!out.has(child)) {
          out.add(child);
          stack.push(child);
        }
      }
    }
    return out;
  };
  return { ancestors, scopePath, subtree };
}

/**
 * Questions about roles: a role's permissions (own and inherited), the roles that
 * may be bound on a scope, and the role a member holds on a scope.
 * @param {Bundle} bundle @param {Map<string, Role>} roles @param {Map<string, Binding[]>} bindingsByMember
 * @param {(id: string) => string} scopeTypeOf
 */
function roleQueries(bundle, roles, bindingsByMember, scopeTypeOf) {
  /** @param {string} roleId @returns {string[]} own and inherited permissions, sorted */
  const effectivePermissions = (roleId) => {
    const out = new Set();
    const seen = new Set();
    const stack = [roleId];
    while (stack.length) {
      const r = roles.get(/** @type {string} */ (stack.pop()));
      if (!r || seen.has(r.id)) continue;
      seen.add(r.id);
      for (const p of r.permissions ?? []) out.add(p);
      stack.push(...(r.inherits ?? []));
    }
    return [...out].sort();
  };
  /** @param {string} scopeId @returns {Role[]} roles that may be bound there */
  const assignableRoles = (scopeId) => {
    const type = scopeTypeOf(scopeId);
    return (bundle.roles ?? []).filter((r) => r.assignableAt.includes(type));
  };
  /**
   * The role a member holds of `family` bound on `scopeId` itself, if any.
   * @param {string} memberId @param {string} scopeId @param {string} [family]
   * @returns {Role | undefined}
   */
  const roleOn = (memberId, scopeId, family) => {
    for (const b of bindingsByMember.get(memberId) ?? []) {
      if (b.scope !== scopeId) continue;
      const r = roles.get(b.role);
      if (r && (family === undefined || r.family === family)) return r;
    }
    return undefined;
  };
  return { effectivePermissions, assignableRoles, roleOn };
}

/**
 * The names people read instead of ids.
 * @param {ReturnType<typeof lookups>} found @param {(id: string) => string} roleName @param {Map<string, ActionInfo>} actionsById
 */
function namers({ members, scopes, scopeTypes, permissions, roles }, roleName, actionsById) {
  /** @param {string} id */
  const memberName = (id) => members.get(id)?.name ?? id;
  /** @param {string} id */
  const scopeName = (id) => scopes.get(id)?.name ?? id;
  /**
   * A scope type's name for sentences: its label in lower case, without a
   * bracketed aside ("Account (billing account number)" -> "account").
   * @param {string} id
   */
  const scopeTypeName = (id) => lowerFirst((scopeTypes.get(id)?.label ?? humanize(id)).replace(/\s*\(.*\)\s*$/, "") || id);
  /** @param {string} id */
  const scopeTypeOf = (id) => scopes.get(id)?.type ?? "";
  /** @param {string} id */
  const permissionName = (id) => permissions.get(id)?.label ?? actionsById.get(id)?.name ?? id;
  /** @param {string} id */
  const ruleName = (id) => id;
  /**
   * The display name of any id the bundle defines: member, scope, role or
   * permission; the id itself otherwise.
   * @param {string} id
   */
  const nameOf = (id) => {
    if (members.has(id)) return memberName(id);
    if (scopes.has(id)) return scopeName(id);
    if (roles.has(id)) return roleName(id);
    if (permissions.has(id)) return permissionName(id);
    return id;
  };
  return { memberName, scopeName, scopeTypeName, scopeTypeOf, permissionName, ruleName, nameOf };
}

/**
 * Indexes a bundle.
 * @param {Bundle} bundle
 */
export function indexBundle(bundle) {
  const found = lookups(bundle);
  const { roles, scopes, bindingsByMember } = found;
  const forest = scopeForest(bundle, scopes);
  /** @param {string} id */
  const familyName = (id) => humanize(id);
  const roleName = roleNamer(bundle, roles, familyName);
  const actions = actionList(bundle, roles, roleName);
  const actionsById = byId(actions, (a) => a.id);
  const names = namers(found, roleName, actionsById);
  return {
    bundle,
    name: bundle.name ?? "Untitled policy",
    ...found,
    ...forest,
    ...roleFamilies(bundle),
    actions,
    actionsById,
    familyName,
    roleName,
    ...names,
    ...scopeWalks(scopes, forest.children, names.scopeName),
    ...roleQueries(bundle, roles, bindingsByMember, names.scopeTypeOf),
  };
}

/**
 * Replaces the ids quoted in an engine message (`id`) by their names:
 * "granted by role `billing.admin` on `acc-1002`" -> "granted by role Admin on York shop".
 * Permissions are put in quotes; unknown ids lose their backticks.
 * @param {string} message
 * @param {BundleIndex} index
 */
export function rewriteMessage(message, index) {
  return message.replace(/`([^`]*)`/g, (_, id) => {
    if (index.permissions.has(id)) return `“${index.permissionName(id)}”`;
    return index.nameOf(id);
  });
}
