// The side-by-side workload (issue "Performance at scale", item 6), generated from
// a seed so that every run and every engine sees the same thing:
//   - USERS users, each holding one of four ranked roles (user < advanced user <
//     admin < super admin) on one of ACCOUNTS accounts;
//   - four actions, view / edit / manage / delete, needing rank >= 0 / 1 / 2 / 3
//     on the account acted on;
//   - REQUESTS requests, half on the user's own account, half on an account drawn
//     at random (which is the user's own now and then).
// The ground truth is the generator's: allowed exactly when the account is the
// user's and the user's rank reaches the action's. Each engine gets the same
// facts in its own terms: a rolegate bundle, Cedar policies with the smallest
// entity slice a request needs, a Casbin RBAC-with-domains model.

export const ROLES = ["user", "advanced_user", "admin", "super_admin"];
export const ACTIONS = ["view", "edit", "manage", "delete"]; // need rank 0, 1, 2, 3
export const NOW = "2026-12-01T09:00:00Z";

/** The 64-bit LCG of bench/engine_bench.cc (Knuth's MMIX constants). */
export class Lcg {
  constructor(seed) {
    this.s = BigInt(seed);
  }
  next() {
    this.s = (this.s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(this.s >> 33n);
  }
}

/**
 * The workload: users[i] = { id, account, rank }, requests[k] = { user (index),
 * actor, action, resource, allow (the ground truth) }.
 */
export function generate({ users = 10000, accounts = 1000, requests = 100000, seed = 2026 } = {}) {
  const rng = new Lcg(seed);
  const u = [];
  for (let i = 0; i < users; i++) {
    u.push({ id: `u${i}`, account: `a${rng.next() % accounts}`, rank: rng.next() % 4 });
  }
  const r = [];
  let allowed = 0;
  for (let k = 0; k < requests; k++) {
    const user = rng.next() % users;
    const need = rng.next() % 4;
    const own = rng.next() % 2 === 0;
    const resource = own ? u[user].account : `a${rng.next() % accounts}`;
    const allow = resource === u[user].account && u[user].rank >= need;
    if (allow) allowed++;
    r.push({ user, actor: u[user].id, action: ACTIONS[need], resource, allow });
  }
  return { users: u, accounts, requests: r, allowed };
}

/** The rolegate bundle: one scope type, four permissions, four ranked roles. */
export function rolegateBundle(w) {
  const roles = ROLES.map((id, rank) => ({
    id,
    family: "account",
    rank: (rank + 1) * 10,
    permissions: ACTIONS.slice(0, rank + 1),
    assignableAt: ["account"],
    exclusive: true,
  }));
  const scopes = [];
  for (let a = 0; a < w.accounts; a++) scopes.push({ id: `a${a}`, type: "account" });
  return {
    format: "rolegate/1",
    revision: "peers-1",
    scopeTypes: [{ id: "account" }],
    permissions: ACTIONS.map((id) => ({ id, appliesTo: ["account"] })),
    roles,
    scopes,
    members: w.users.map((x) => ({ id: x.id, status: "active" })),
    bindings: w.users.map((x) => ({ member: x.id, role: ROLES[x.rank], scope: x.account })),
  };
}

/** Cedar: one policy per action over the principal's account and rank. */
export const CEDAR_POLICIES = ACTIONS.map(
  (a, need) =>
    `permit(principal, action == Action::"${a}", resource) when { principal.account == resource && principal.rank >= ${need} };`,
).join("\n");

/**
 * Cedar entities: the user (with its account and rank) and the account acted on,
 * the smallest slice the policies read. Built once per user and account, so that
 * a request only pairs two prepared objects.
 */
export function cedarEntities(w) {
  const accounts = new Map();
  const account = (id) => {
    let e = accounts.get(id);
    if (e === undefined) {
      e = { uid: { type: "Account", id }, attrs: {}, parents: [] };
      accounts.set(id, e);
    }
    return e;
  };
  const users = w.users.map((x) => ({
    uid: { type: "User", id: x.id },
    attrs: { account: { __entity: { type: "Account", id: x.account } }, rank: x.rank },
    parents: [],
  }));
  return { users, account };
}

/** Casbin: RBAC with domains (the account), each role's actions in any domain. */
export const CASBIN_MODEL = `
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.act == p.act
`;

/** Casbin's policies: [sub, act] per role and action; [user, role, account] groupings. */
export function casbinPolicies(w) {
  const p = [];
  ROLES.forEach((role, rank) => {
    for (const a of ACTIONS.slice(0, rank + 1)) p.push([role, a]);
  });
  const g = w.users.map((x) => [x.id, ROLES[x.rank], x.account]);
  return { p, g };
}
