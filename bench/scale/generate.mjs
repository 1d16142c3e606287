// The scale suite's businesses (issue "Performance at scale", item 6), generated
// from a seed: groups > accounts > lines, four ranked account roles (user <
// advanced user < admin < super admin) and a line role, every member holding one
// account role and two lines of that account, a super admin on every group.
//   M: 10,000 members, about 30,000 bindings, 10,010 scopes
//   L: 100,000 members, about 300,000 bindings, 100,100 scopes
// Run on its own, it writes a size's bundle: node bench/scale/generate.mjs L FILE
import fs from "node:fs";
import { Lcg } from "../peers/workload.mjs";

export const SIZES = {
  M: { members: 10000, groups: 10 },
  L: { members: 100000, groups: 100 },
};
export const ACCOUNTS_PER_GROUP = 100;
export const LINES_PER_ACCOUNT = 9;
export const NOW = "2026-12-01T09:00:00Z";
const ROLES = ["user", "advanced_user", "admin", "super_admin"];
const ACTIONS = ["view", "edit", "manage", "delete"];

/**
 * The bundle of a size (its name, or { members, groups }), and facts the suite
 * needs about it: `superAdmins[g]` the super admin of group g,
 * `accountMembers[a]` the members with a role on account a (index), `busiest`
 * the account with the most bindings.
 */
export function generate(size) {
  // A size's name, or its own { members, groups } (the tests' smaller ones).
  const { members, groups } = typeof size === "string" ? SIZES[size] : size;
  const accounts = groups * ACCOUNTS_PER_GROUP;
  const rng = new Lcg(2027);
  const b = {
    format: "rolegate/1",
    revision: `scale-${typeof size === "string" ? size : `${members}-${groups}`}`,
    scopeTypes: [{ id: "group" }, { id: "account", parents: ["group"] }, { id: "line", parents: ["account"] }],
    permissions: [
      ...ACTIONS.map((id) => ({ id, appliesTo: ["group", "account", "line"] })),
      { id: "line.use", appliesTo: ["line"] },
      { id: "members.manage", appliesTo: ["group", "account", "line"], rankLimited: true },
    ],
    roles: [
      ...ROLES.map((id, r) => ({
        id,
        family: "account",
        rank: (r + 1) * 10,
        permissions: [...ACTIONS.slice(0, r + 1), ...(r >= 2 ? ["members.manage"] : [])],
        assignableAt: ["group", "account"],
        exclusive: true,
        sees: { minRank: 0, fields: ["email"] },
        ...(r >= 2 ? { manages: { upToRank: (r + 1) * 10 } } : {}),
      })),
      { id: "line_user", family: "line", rank: 10, permissions: ["line.use", "view"], assignableAt: ["line"] },
    ],
    scopes: [],
    members: [],
    bindings: [],
    operations: { change_role: { action: "members.manage" }, assign_role: { action: "members.manage" } },
    notifications: [{ event: "role_downgraded", channels: ["in_app"], revealActor: true }],
  };
  for (let g = 0; g < groups; g++) {
    b.scopes.push({ id: `g${g}`, type: "group" });
    for (let a = g * ACCOUNTS_PER_GROUP; a < (g + 1) * ACCOUNTS_PER_GROUP; a++) {
      b.scopes.push({ id: `a${a}`, type: "account", parent: `g${g}` });
      for (let l = 0; l < LINES_PER_ACCOUNT; l++) b.scopes.push({ id: `l${a}.${l}`, type: "line", parent: `a${a}` });
    }
  }
  const superAdmins = [];
  const accountMembers = Array.from({ length: accounts }, () => []);
  for (let m = 0; m < members; m++) {
    const id = `m${m}`;
    b.members.push({ id, email: `${id}@example.org`, status: "active" });
    if (m < groups) {
      superAdmins.push(id);
      b.bindings.push({ member: id, role: "super_admin", scope: `g${m}` });
      continue;
    }
    const account = rng.next() % accounts;
    const draw = rng.next() % 100;
    const rank = draw < 70 ? 0 : draw < 90 ? 1 : draw < 98 ? 2 : 3;
    b.bindings.push({ member: id, role: ROLES[rank], scope: `a${account}` });
    accountMembers[account].push(m);
    const first = rng.next() % LINES_PER_ACCOUNT;
    for (let k = 0; k < 2; k++) {
      b.bindings.push({ member: id, role: "line_user", scope: `l${account}.${(first + k) % LINES_PER_ACCOUNT}` });
    }
  }
  let busiest = 0;
  for (let a = 1; a < accounts; a++) if (accountMembers[a].length > accountMembers[busiest].length) busiest = a;
  return { bundle: b, superAdmins, accountMembers, busiest, accounts };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [size, file] = process.argv.slice(2);
  if (!SIZES[size] || !file) {
    console.error("usage: node bench/scale/generate.mjs M|L FILE");
    process.exit(2);
  }
  fs.writeFileSync(file, JSON.stringify(generate(size).bundle));
}
