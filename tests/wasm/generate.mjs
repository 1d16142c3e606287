// Deterministic generators for the WebAssembly tests and benchmark (not a test file):
// random bundles (from scratch, or built on the example), invalid variants of them,
// random requests and random change sets, valid and invalid. Every function takes an
// Rng (support.mjs) so the same seed gives the same corpus on every machine.
import { NOW } from "./support.mjs";

const OPERATION_KINDS = [
  "invite", "resend_invitation", "accept_invitation", "assign_role", "change_role",
  "revoke_role", "remove_role", "remove_member", "delete_member", "block", "unblock",
  "disable", "enable", "edit_member", "add_members", "activate_member",
  "request_self_upgrade", "resend_verification", "complete_self_upgrade", "claim_role",
  "define_role", "edit_role", "delete_role", "set_approval_rule", "delete_approval_rule",
  "decide_request", "apply_approved", "register", "reset_password", "perform",
  "request_role", "withdraw_request",
];
export { OPERATION_KINDS };

const EVENT_KINDS = [
  "member_invited", "invitation_resent", "invitation_accepted", "role_assigned",
  "role_upgraded", "role_downgraded", "role_changed", "role_revoked", "member_removed",
  "member_deleted", "member_blocked", "member_unblocked", "member_disabled",
  "member_enabled", "member_edited", "activation_email", "verification_sent",
  "verification_resent", "role_claimed", "approval_requested", "request_decided",
  "role_defined", "role_edited", "role_deleted", "approval_rule_changed",
  "password_reset", "action_performed", "role_requested", "role_request_withdrawn",
];

const STATUSES = ["pending", "invited", "active", "blocked", "disabled", "removed"];
const TIMES = [
  "2024-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-11-20T12:00:00Z", NOW,
  "2026-12-05T09:00:00Z", "2026-12-20T00:00:00Z", "2027-02-01T00:00:00Z",
];
const SETUPS = ["send_invite", "activation_email", "assign_credentials", "activate_later"];

// ---------------------------------------------------------------------------
// Bundles

/**
 * A valid bundle from scratch: a random scope forest over 2 to 4 levels of scope
 * types (plus sometimes a second tree of types), families of ranked roles, a
 * rank-limited management permission, self-upgrades, a claim, approval rules with
 * conditions, invariants, members of every status and bindings (some expiring).
 */
export function randomBundle(rng, { members = 40, scopes = 30, name = "random" } = {}) {
  const b = { format: "rolegate/1", name: `${name} bundle` };
  if (rng.chance(0.3)) b.revision = `${name}-${rng.int(1000)}`;

  // Scope types: a chain t0 <- t1 <- ... and sometimes a side tree x0 <- x1.
  const depth = 2 + rng.int(3);
  const types = [];
  for (let i = 0; i < depth; i++) {
    const parents = i === 0 ? [] : rng.chance(0.2) && i >= 2 ? [`t${i - 1}`, `t${i - 2}`] : [`t${i - 1}`];
    types.push({ id: `t${i}`, label: `Type ${i}`, parents });
  }
  if (rng.chance(0.5)) {
    types.push({ id: "x0", parents: [] });
    types.push({ id: "x1", parents: rng.chance(0.5) ? ["x0"] : ["x0", "t0"] });
  }
  b.scopeTypes = types;
  const typeIds = types.map((t) => t.id);
  const roots = types.filter((t) => t.parents.length === 0).map((t) => t.id);

  // Scopes: roots first, then children under a scope of an allowed parent type.
  b.scopes = [];
  const byType = Object.fromEntries(typeIds.map((t) => [t, []]));
  const nRoots = 1 + rng.int(3);
  for (let i = 0; i < nRoots; i++) {
    const type = rng.pick(roots);
    const id = `s${b.scopes.length}`;
    b.scopes.push({ id, type, name: `Root ${i}` });
    byType[type].push(id);
  }
  for (const t of roots) {
    if (byType[t].length === 0) {
      const id = `s${b.scopes.length}`;
      b.scopes.push({ id, type: t });
      byType[t].push(id);
    }
  }
  let guard = 0;
  while (b.scopes.length < scopes && guard++ < scopes * 10) {
    const type = rng.pick(types.filter((t) => t.parents.length > 0));
    const parentType = rng.pick(type.parents);
    if (byType[parentType].length === 0) continue;
    const id = `s${b.scopes.length}`;
    const scope = { id, type: type.id, parent: rng.pick(byType[parentType]) };
    if (rng.chance(0.5)) scope.name = `Scope ${id}`;
    if (rng.chance(0.2)) scope.attributes = { region: rng.pick(["n", "s"]), size: rng.int(100), open: rng.chance(0.5) };
    b.scopes.push(scope);
    byType[type.id].push(id);
  }
  const usedTypes = typeIds.filter((t) => byType[t].length > 0);

  // Permissions: ordinary ones, plus the fixed ones the change machinery uses.
  b.permissions = [];
  const nPerms = 4 + rng.int(10);
  for (let i = 0; i < nPerms; i++) {
    const p = { id: `p.${i}`, appliesTo: rng.subset(typeIds, 0.6) };
    if (rng.chance(0.3)) p.label = `Permission ${i}`;
    if (rng.chance(0.1)) p.description = "A permission with \"quotes\" and unicode: café ✓";
    b.permissions.push(p);
  }
  b.permissions.push({ id: "members.manage", appliesTo: typeIds, rankLimited: true });
  b.permissions.push({ id: "members.view", appliesTo: typeIds });
  b.permissions.push({ id: "config.edit", appliesTo: roots });
  b.permissions.push({ id: "approve.it", appliesTo: typeIds });
  b.permissions.push({ id: "roles.request", appliesTo: typeIds });
  const ordinary = b.permissions.slice(0, nPerms).map((p) => p.id);

  // Roles: 1 to 3 families of 2 to 4 ranked roles each.
  b.roles = [];
  const families = [];
  const nFamilies = 1 + rng.int(3);
  for (let f = 0; f < nFamilies; f++) families.push(`fam${f}`);
  const familyRoles = {};
  for (const fam of families) {
    familyRoles[fam] = [];
    const n = 2 + rng.int(3);
    const assignable = rng.subset(usedTypes, 0.6);
    for (let k = 0; k < n; k++) {
      const id = `${fam}.r${k}`;
      const top = k === n - 1;
      const perms = rng.subset(ordinary, 0.3);
      if (k >= 1) perms.push("members.manage", "members.view");
      if (rng.chance(0.8)) perms.push("roles.request");
      if (top) perms.push("config.edit", "approve.it");
      const role = {
        id,
        family: fam,
        rank: (k + 1) * 10,
        permissions: [...new Set(perms)],
        assignableAt: rng.chance(0.8) ? assignable : rng.subset(usedTypes, 0.6),
      };
      if (rng.chance(0.5)) role.label = `Role ${k} of ${fam}`;
      if (k > 0 && rng.chance(0.7)) role.inherits = [`${fam}.r${k - 1}`];
      if (rng.chance(0.8)) role.exclusive = true;
      if (rng.chance(0.3)) role.appliesToDescendants = false;
      if (rng.chance(0.2)) role.hasService = rng.chance(0.5);
      if (rng.chance(0.8)) {
        role.sees = { minRank: rng.pick([0, 10, 20]) };
        if (rng.chance(0.4)) role.sees.families = rng.subset(families, 0.5);
        if (rng.chance(0.7)) role.sees.fields = rng.chance(0.5) ? ["email"] : ["email", "name"];
      }
      if (k >= 1) {
        role.manages = { upToRank: (k + 1) * 10 - (rng.chance(0.3) ? 10 : 0) };
        if (rng.chance(0.3)) role.manages.families = rng.subset(families, 0.6);
        if (rng.chance(0.25)) {
          // One limit per family, each with its own rank (the first for the role's own family).
          role.manages = [{ upToRank: role.manages.upToRank }];
          const others = families.filter((x) => x !== fam);
          if (others.length) for (const f of rng.subset(others, 0.6)) role.manages.push({ families: [f], upToRank: rng.pick([0, 10, 20, 30]) });
        }
      }
      b.roles.push(role);
      familyRoles[fam].push(role);
    }
  }
  const roleIds = b.roles.map((r) => r.id);

  // Self-upgrades within fam0; a claim from fam0's top role to a role of another family.
  const fam0 = familyRoles.fam0;
  b.selfUpgrades = [
    {
      id: "up.fam0",
      action: "roles.self_upgrade",
      from: [fam0[0].id],
      to: fam0.slice(1).map((r) => r.id),
      unlessPresent: { minRank: fam0[fam0.length - 1].rank },
      ...(rng.chance(0.7) ? { verification: { method: "postal_pin", validForDays: 28 } } : {}),
    },
  ];
  if (rng.chance(0.6)) {
    b.selfUpgrades.push({
      id: "up.register",
      action: "roles.self_upgrade",
      onRegistration: true,
      to: fam0.slice(1).map((r) => r.id),
      unlessPresent: { minRank: fam0[1].rank },
      ...(rng.chance(0.5) ? { verification: { method: "email_code", validForDays: 3 } } : {}),
    });
  }
  b.claims = [];
  if (families.length > 1) {
    b.claims.push({
      id: "claim.cross",
      action: "roles.claim",
      holder: [fam0[fam0.length - 1].id],
      grants: rng.pick(familyRoles[families[1]]).id,
      within: rng.pick(roots),
    });
  }

  // Approval rules: on management and ordinary actions, with conditions.
  b.approvalRules = [];
  const nRules = rng.int(4);
  for (let i = 0; i < nRules; i++) {
    const rule = {
      id: `rule.${i}`,
      actions: rng.subset(["members.manage", ...ordinary], 0.3),
      approvers: rng.chance(0.6)
        ? { permission: "approve.it" }
        : { roles: rng.subset(families.map((f) => familyRoles[f][familyRoles[f].length - 1].id), 0.5) },
    };
    if (rng.chance(0.3)) rule.scopeTypes = rng.subset(usedTypes, 0.5);
    if (rng.chance(0.3)) rule.requesterRoles = rng.subset(roleIds, 0.3);
    if (rng.chance(0.8)) {
      rule.when = [];
      const conds = [
        { attribute: "amount", op: rng.pick(["gt", "ge", "lt", "le"]), value: rng.pick([0, 100, 5000]) },
        { attribute: "branch", op: rng.pick(["eq", "ne"]), value: "main" },
        { attribute: "tier", op: "in", value: ["gold", "silver", 3] },
        { attribute: "urgent", op: "eq", value: true },
      ];
      for (const c of conds) if (rng.chance(0.4)) rule.when.push(c);
    }
    if (rng.chance(0.5)) rule.quorum = 1 + rng.int(2);
    if (rng.chance(0.6)) rule.expiresAfterDays = 1 + rng.int(14);
    b.approvalRules.push(rule);
  }

  b.invariants = [];
  if (rng.chance(0.7)) {
    b.invariants.push({
      id: "min.top",
      kind: "min_holders",
      severity: rng.pick(["error", "warning"]),
      family: "fam0",
      minRank: fam0[fam0.length - 1].rank,
      scopeType: rng.pick(usedTypes),
      count: 1,
    });
  }
  if (rng.chance(0.7)) {
    const inv = { id: "unique.email", kind: "unique_email", severity: rng.pick(["error", "warning"]) };
    if (rng.chance(0.3)) inv.kinds = ["end_user", "staff"];
    b.invariants.push(inv);
  }
  if (rng.chance(0.5)) b.invariants.push({ id: "within", kind: "custom_role_within_creator", severity: rng.pick(["error", "warning"]) });

  // Members and bindings.
  b.members = [];
  for (let i = 0; i < members; i++) {
    const m = { id: `m${i}`, status: rng.chance(0.75) ? "active" : rng.pick(STATUSES) };
    if (rng.chance(0.9)) m.email = `user${i}@example${i % 3}.org`;
    if (rng.chance(0.8)) m.name = `Member ${i}`;
    if (rng.chance(0.5)) m.kind = rng.pick(["end_user", "staff", "platform_user"]);
    if (m.status === "invited") {
      if (rng.chance(0.7)) {
        const sent = rng.pick(["2026-11-20T12:00:00Z", "2026-11-30T00:00:00Z", "2026-10-01T00:00:00Z"]);
        m.invitation = { sentAt: sent, expiresAt: sent.replace(/^(\d{4})-(\d\d)-/, (_, y, mo) => `${y}-${String(Number(mo) + 1).padStart(2, "0")}-`) };
      }
      if (rng.chance(0.5)) m.registered = false;
    }
    b.members.push(m);
  }
  b.bindings = [];
  const seen = new Set();
  const exclusive = new Set();
  let bid = 0;
  for (const m of b.members) {
    const n = rng.int(4);
    for (let k = 0; k < n; k++) {
      const role = rng.pick(b.roles);
      const scopesOk = role.assignableAt.flatMap((t) => byType[t]);
      if (scopesOk.length === 0) continue;
      const scope = rng.pick(scopesOk);
      const key = `${m.id}|${role.id}|${scope}`;
      const ekey = `${m.id}|${role.family}|${scope}`;
      if (seen.has(key) || (role.exclusive && exclusive.has(ekey))) continue;
      // An exclusive role conflicts with any earlier exclusive role of its family there.
      if (role.exclusive) exclusive.add(ekey);
      seen.add(key);
      const binding = { member: m.id, role: role.id, scope };
      if (rng.chance(0.6)) binding.id = `b${bid++}`;
      if (rng.chance(0.15)) binding.expiresAt = rng.pick(["2026-06-01T00:00:00Z", "2026-12-10T00:00:00Z", "2030-01-01T00:00:00Z"]);
      if (rng.chance(0.3)) binding.grantedAt = "2025-01-01T00:00:00Z";
      if (rng.chance(0.2)) binding.grantedBy = rng.pick(b.members).id;
      b.bindings.push(binding);
    }
  }

  // Every operation mapped to an action, most of the time.
  b.operations = {};
  for (const kind of OPERATION_KINDS) {
    // perform is authorised by its own action; withdraw_request by being the requester
    if (kind === "perform" || kind === "withdraw_request" || rng.chance(0.1)) continue;
    let action = "members.manage";
    if (["define_role", "edit_role", "delete_role", "set_approval_rule", "delete_approval_rule"].includes(kind)) action = "config.edit";
    if (["request_self_upgrade", "resend_verification", "complete_self_upgrade", "register"].includes(kind)) action = "roles.self_upgrade";
    if (kind === "claim_role") {
      if (b.claims.length === 0) continue;
      action = "roles.claim";
    }
    if (["accept_invitation", "decide_request", "apply_approved"].includes(kind) && rng.chance(0.5)) continue;
    b.operations[kind] = { action };
    if (kind === "invite" && rng.chance(0.7)) b.operations[kind].invitationValidForDays = 1 + rng.int(20);
    if ((kind === "invite" || kind === "activate_member") && rng.chance(0.3)) {
      b.operations[kind].setups = rng.subset(["send_invite", "activation_email", "assign_credentials", "activate_later"], 0.6);
      if (b.operations[kind].setups.length === 0) delete b.operations[kind].setups;
    }
    if (kind === "add_members" && rng.chance(0.3)) b.operations[kind].requires = [{ attribute: "amount", op: "ge", value: 100 }];
    if (kind === "request_role") {
      // Asking is allowed to holders of some permission where they ask.
      b.operations[kind].action = rng.chance(0.8) ? "roles.request" : rng.pick(b.permissions.map((p) => p.id));
      if (rng.chance(0.5)) b.operations[kind].requestValidForDays = 1 + rng.int(30);
    }
  }
  b.notifications = [];
  for (const event of EVENT_KINDS) {
    if (rng.chance(0.3)) continue;
    const n = { event, channels: rng.subset(["email", "in_app", "post"], 0.4) };
    if (rng.chance(0.4)) n.revealActor = true;
    if (rng.chance(0.2)) n.revealActorEmail = true;
    if (event === "activation_email" && rng.chance(0.5)) n.temporaryPassword = true;
    b.notifications.push(n);
  }
  return b;
}

/**
 * The example bundle with more to exercise: every operation mapped, every event
 * notified, an approval rule on role management, expiring bindings and members of
 * other statuses.
 */
export function extendExample(example) {
  const b = structuredClone(example);
  b.name = `${b.name} (extended)`;
  for (const kind of OPERATION_KINDS) {
    if (b.operations[kind] || kind === "perform" || kind === "withdraw_request") continue;
    b.operations[kind] = {
      action: ["add_members", "activate_member"].includes(kind) ? "members.invite" : kind.includes("role") || kind.includes("approval") ? "roles.manage" : "members.remove",
    };
  }
  delete b.operations.decide_request;
  delete b.operations.apply_approved;
  b.notifications = EVENT_KINDS.map((event, i) => ({
    event,
    channels: i % 3 === 0 ? ["email"] : ["email", "in_app"],
    ...(i % 2 === 0 ? { revealActor: true } : {}),
    ...(i % 5 === 0 ? { revealActorEmail: true } : {}),
  }));
  b.approvalRules = [
    {
      id: "big.change",
      actions: ["roles.manage", "members.invite"],
      when: [{ attribute: "amount", op: "gt", value: 100 }],
      approvers: { roles: ["billing.super_admin"] },
      quorum: 1,
      expiresAfterDays: 7,
    },
    {
      id: "orders.large",
      actions: ["orders.manage", "billing.pay"],
      scopeTypes: ["billing_account"],
      requesterRoles: ["billing.user", "billing.advanced_user"],
      when: [{ attribute: "orderTotal", op: "ge", value: 50000 }, { attribute: "currency", op: "in", value: ["GBP", "EUR"] }],
      approvers: { permission: "roles.manage" },
      quorum: 2,
    },
  ];
  b.members.push(
    { id: "m-kim", name: "Kim Ode", email: "kim@example.org", status: "disabled" },
    { id: "m-lee", name: "Lee Park", email: "lee@example.org", status: "pending", kind: "staff" },
    { id: "m-max", name: "Max Roe", email: "max@example.org", status: "invited", invitation: { sentAt: "2026-11-01T00:00:00Z", expiresAt: "2026-11-15T00:00:00Z" } },
  );
  b.bindings.push(
    { id: "bx-19", member: "m-kim", role: "billing.user", scope: "acc-1004" },
    { id: "bx-20", member: "m-max", role: "billing.user", scope: "acc-1003" },
    { id: "bx-21", member: "m-chen", role: "billing.user", scope: "acc-1003", expiresAt: "2026-11-30T00:00:00Z" },
    { id: "bx-22", member: "m-dana", role: "billing.admin", scope: "acc-1002", expiresAt: "2027-01-01T00:00:00Z" },
  );
  return b;
}

/** The unit tests' tiny bundle (tests/unit/test_util.cc), with every operation mapped. */
export function tinyBundle() {
  const manage = { action: "members.manage" };
  return {
    format: "rolegate/1",
    revision: "tiny-1",
    scopeTypes: [{ id: "org" }, { id: "team", parents: ["org"] }, { id: "repo", parents: ["team"] }],
    scopes: [
      { id: "org-1", type: "org", name: "Org One" },
      { id: "team-a", type: "team", parent: "org-1" },
      { id: "team-b", type: "team", parent: "org-1" },
      { id: "repo-x", type: "repo", parent: "team-a" },
      { id: "repo-y", type: "repo", parent: "team-a" },
      { id: "repo-z", type: "repo", parent: "team-b" },
    ],
    permissions: [
      { id: "code.read", appliesTo: ["repo"] },
      { id: "code.push", appliesTo: ["repo"] },
      { id: "code.approve", appliesTo: ["repo"] },
      { id: "members.manage", appliesTo: ["org", "team", "repo"], rankLimited: true },
      { id: "billing.pay", appliesTo: ["org"] },
    ],
    roles: [
      { id: "dev.member", label: "Member", family: "dev", rank: 10, permissions: ["code.read", "code.push"], assignableAt: ["org", "team", "repo"], exclusive: true, sees: { minRank: 20, fields: ["email"] } },
      { id: "dev.maintainer", label: "Maintainer", family: "dev", rank: 20, permissions: ["code.approve", "members.manage"], inherits: ["dev.member"], assignableAt: ["team", "repo"], exclusive: true, sees: { minRank: 0, fields: ["email"] }, manages: { upToRank: 20 } },
      { id: "dev.owner", label: "Owner", family: "dev", rank: 30, permissions: ["billing.pay"], inherits: ["dev.maintainer"], assignableAt: ["org"], exclusive: true, sees: { minRank: 0, fields: ["email"] }, manages: { upToRank: 30 } },
      { id: "ops.viewer", label: "Viewer", family: "ops", rank: 5, permissions: ["code.read"], assignableAt: ["repo"], appliesToDescendants: false },
    ],
    selfUpgrades: [
      { id: "up.member", action: "roles.self_upgrade", from: ["dev.member"], to: ["dev.maintainer"], unlessPresent: { minRank: 20 }, verification: { method: "postal_pin", validForDays: 28 } },
    ],
    claims: [{ id: "owner.claims.ops", action: "roles.claim", holder: ["dev.owner"], grants: "ops.viewer", within: "org" }],
    approvalRules: [
      { id: "protected.push", actions: ["code.push", "members.manage"], requesterRoles: ["dev.member", "dev.maintainer"], when: [{ attribute: "branch", op: "eq", value: "main" }], approvers: { permission: "code.approve" }, quorum: 1, expiresAfterDays: 7 },
    ],
    operations: {
      invite: { action: "members.manage", invitationValidForDays: 7 },
      resend_invitation: manage, assign_role: manage, change_role: manage, revoke_role: manage,
      remove_role: manage, remove_member: manage, delete_member: manage, block: manage,
      unblock: manage, disable: manage, enable: manage, edit_member: manage, add_members: manage,
      activate_member: { ...manage, setups: ["send_invite", "activation_email", "activate_later"] },
      reset_password: manage,
      request_self_upgrade: { action: "roles.self_upgrade" },
      claim_role: { action: "roles.claim" },
      define_role: { action: "billing.pay" }, edit_role: { action: "billing.pay" },
      delete_role: { action: "billing.pay" }, set_approval_rule: { action: "billing.pay" },
      delete_approval_rule: { action: "billing.pay" },
    },
    notifications: [
      { event: "member_invited", channels: ["email"] },
      { event: "role_upgraded", channels: ["email"] },
      { event: "role_downgraded", channels: ["in_app"], revealActor: true },
      { event: "member_removed", channels: ["in_app"], revealActor: true, revealActorEmail: true },
      { event: "verification_sent", channels: ["post"] },
      { event: "verification_resent", channels: ["post"] },
      { event: "approval_requested", channels: ["in_app"] },
      { event: "request_decided", channels: ["in_app"], revealActor: true },
      { event: "activation_email", channels: ["email"], temporaryPassword: true },
      { event: "role_defined", channels: ["in_app"] },
    ],
    invariants: [
      { id: "one-owner", kind: "min_holders", family: "dev", minRank: 30, scopeType: "org", count: 1, severity: "error" },
      { id: "unique-email", kind: "unique_email", severity: "error" },
    ],
    members: [
      { id: "olga", name: "Olga Owner", email: "olga@example.org", status: "active" },
      { id: "mia", name: "Mia Maintainer", email: "mia@example.org", status: "active" },
      { id: "dan", name: "Dan Dev", email: "dan@example.org", status: "active" },
      { id: "ben", name: "Ben Blocked", email: "ben@example.org", status: "blocked" },
      { id: "eve", name: "Eve Expired", email: "eve@example.org", status: "active" },
      { id: "vic", name: "Vic Viewer", email: "vic@example.org", status: "active" },
      { id: "zed", name: "Zed Zero", email: "zed@example.org", status: "active" },
    ],
    bindings: [
      { id: "b-olga", member: "olga", role: "dev.owner", scope: "org-1" },
      { id: "b-mia", member: "mia", role: "dev.maintainer", scope: "team-a" },
      { id: "b-dan", member: "dan", role: "dev.member", scope: "repo-x" },
      { id: "b-dan-z", member: "dan", role: "dev.member", scope: "repo-z" },
      { id: "b-ben", member: "ben", role: "dev.maintainer", scope: "team-a" },
      { id: "b-eve", member: "eve", role: "dev.member", scope: "repo-x", expiresAt: "2026-06-01T00:00:00Z" },
      { id: "b-vic", member: "vic", role: "ops.viewer", scope: "repo-y" },
    ],
  };
}

/** The ids a generator draws on, read from a bundle object. */
export function bundleInfo(b) {
  const ids = (list) => (Array.isArray(list) ? list.filter((x) => x && typeof x.id === "string").map((x) => x.id) : []);
  const members = ids(b.members);
  const roles = ids(b.roles);
  const scopes = ids(b.scopes);
  const permissions = ids(b.permissions);
  const actions = [
    ...permissions,
    ...new Set([...(b.selfUpgrades ?? []), ...(b.claims ?? [])].map((x) => x.action).filter((a) => typeof a === "string")),
  ];
  // Who is likely to be allowed things: members holding a role that manages.
  const manages = new Set((b.roles ?? []).filter((r) => r.manages).map((r) => r.id));
  const managers = [...new Set((b.bindings ?? []).filter((x) => manages.has(x.role)).map((x) => x.member))];
  const busy = [...new Set((b.bindings ?? []).map((x) => x.scope))];
  const bound = {};
  for (const x of b.bindings ?? []) (bound[x.member] ??= []).push(x);
  const scopeType = Object.fromEntries((b.scopes ?? []).map((s) => [s.id, s.type]));
  const rolesAt = {};
  for (const r of b.roles ?? []) for (const t of r.assignableAt ?? []) (rolesAt[t] ??= []).push(r.id);
  const roots = (b.scopes ?? []).filter((s) => !s.parent).map((s) => s.id);
  const rolePerms = Object.fromEntries((b.roles ?? []).map((r) => [r.id, Array.isArray(r.permissions) ? r.permissions : []]));
  const boundAt = {};
  for (const x of b.bindings ?? []) (boundAt[x.scope] ??= []).push(x.member);
  return {
    members, roles, scopes, permissions, actions, managers: managers.length ? managers : members,
    bindings: b.bindings ?? [], rolePerms, boundAt,
    busy: busy.length ? busy : scopes, bound, scopeType, rolesAt, roots,
    invited: (b.members ?? []).filter((m) => m.status === "invited").map((m) => m.id),
    requests: b.approvalRequests ?? [],
    roleRequests: b.roleRequests ?? [],
    verifications: b.verifications ?? [],
    rules: ids(b.approvalRules),
    selfUpgrades: (b.selfUpgrades ?? []).filter((u) => Array.isArray(u.to)),
    claims: (b.claims ?? []).filter((c) => Array.isArray(c.holder)),
    customRoles: (b.roles ?? []).filter((r) => r.custom).map((r) => r.id),
    families: [...new Set((b.roles ?? []).map((r) => r.family))],
    types: ids(b.scopeTypes),
  };
}

// ---------------------------------------------------------------------------
// Invalid bundles

/**
 * An invalid variant of `bundle`, as text: one to three random mutations of its
 * fields (or of its text). Some may by chance stay valid: they are compared too.
 */
export function mutateBundle(rng, bundle) {
  const b = structuredClone(bundle);
  const lists = ["scopeTypes", "scopes", "permissions", "roles", "selfUpgrades", "claims", "approvalRules", "invariants", "members", "bindings", "notifications"].filter(
    (k) => Array.isArray(b[k]) && b[k].length > 0,
  );
  const info = bundleInfo(bundle);
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) {
    const list = rng.pick(lists);
    if (!Array.isArray(b[list]) || b[list].length === 0) continue; // replaced by an earlier mutation
    const i = rng.int(b[list].length);
    const item = b[list][i];
    if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
    const keys = Object.keys(item);
    const key = rng.pick(keys);
    switch (rng.int(16)) {
      case 0: delete item[key]; break; // missing_field, or fine when optional
      case 1: item[key] = rng.pick([42, "x", true, null, [], {}, 2.5, -1]); break; // wrong types
      case 2: item[`${key}x`] = 1; break; // unknown_field
      case 3: b[list].push(structuredClone(item)); break; // duplicate id / binding
      case 4: if (typeof item[key] === "string") item[key] = `${item[key]}-ghost`; break; // unknown references
      case 5: if (list === "roles") item.rank = rng.pick([2.5, -3, "10", 1e12]); else item.id = ""; break;
      case 6: if (list === "scopes" && b.scopes.length > 2) { item.parent = b.scopes[(i + 1) % b.scopes.length].id; } break; // cycles, wrong parent types
      case 7: if (list === "roles" && b.roles.length > 1) { item.inherits = [b.roles[(i + 1) % b.roles.length].id]; b.roles[(i + 1) % b.roles.length].inherits = [item.id]; } break;
      case 8: if (list === "bindings") item.expiresAt = rng.pick(["2026-12-01 09:30", "2026-13-01T00:00:00Z", "tomorrow", ""]); else if (list === "members") item.status = "sleeping"; break;
      case 9: if (list === "members" && b.members.length > 1) { item.email = b.members[(i + 1) % b.members.length].email?.toUpperCase() ?? "dup@example.org"; } break;
      case 10: b.format = rng.pick(["rolegate/2", 1, ""]); break;
      case 11: if (list === "bindings") { item.scope = rng.pick(info.scopes); item.role = rng.pick(info.roles); } break; // not assignable, exclusive conflicts
      case 12: b[list][i] = rng.pick([null, "item", 7, [item]]); break;
      case 13: b[rng.pick(["scopes", "members", "roles", "operations", "notifications"])] = rng.pick([{}, "none", 3]); break;
      case 14: if (b.operations && typeof b.operations === "object") b.operations[rng.pick(["explode", "invite", "claim_role"])] = { action: rng.pick(["nope", "members.invite", 5]) }; break;
      default: if (list === "approvalRules" || list === "claims" || list === "selfUpgrades") item.action = rng.pick(info.permissions); else item.id = rng.pick(info.members.concat(info.roles)); break;
    }
  }
  let text = JSON.stringify(b);
  // Sometimes break the text itself.
  switch (rng.int(12)) {
    case 0: text = text.slice(0, rng.int(text.length)); break; // parse_error
    case 1: text = text.replace('"format"', '"format":"rolegate/1","format"'); break; // duplicate_key
    case 2: text = text.replace('"name":"', `"name":"${"n".repeat(5000)}`); break; // string_too_long
    case 3: text = text.replace('"scopes":', `"deep":${"[".repeat(40)}${"]".repeat(40)},"scopes":`); break; // nesting_too_deep
    default: break;
  }
  return text;
}

// ---------------------------------------------------------------------------
// Requests

const ODD_STRINGS = ["", "m\u00fcnster", "\u2713 ok", "tab\there", "nul\u0000byte", "quote\"d", "back\\slash", "\ud83d\ude00", "x".repeat(300)];

/**
 * A random request. Returns {text} (one line of JSON Lines) and, when the request
 * is plain JSON that a batch can carry unchanged, {value}.
 */
export function randomRequest(rng, info) {
  const now = rng.chance(0.85) ? NOW : rng.pick(TIMES);
  const req = {
    actor: rng.chance(0.7) ? rng.pick(info.members) : rng.pick(info.managers),
    action: rng.pick(info.actions),
    resource: rng.chance(0.6) ? rng.pick(info.busy) : rng.pick(info.scopes),
    now,
  };
  if (info.bindings.length > 0 && rng.chance(0.5)) {
    // Someone asking for something on a scope where they hold a role: allows happen.
    const b = rng.pick(info.bindings);
    req.actor = b.member;
    req.resource = b.scope;
    const granted = info.rolePerms[b.role] ?? [];
    if (granted.length > 0 && rng.chance(0.7)) req.action = rng.pick(granted);
  }
  if (rng.chance(0.45)) {
    const a = {};
    if (rng.chance(0.6)) a.role = rng.pick(info.roles);
    if (rng.chance(0.4)) a.target = rng.pick(info.members);
    if (rng.chance(0.3)) a.amount = rng.pick([0, 50, 100, 101, 5000, 60000]);
    if (rng.chance(0.2)) a.orderTotal = rng.pick([100, 50000, 90000]);
    if (rng.chance(0.2)) a.branch = rng.pick(["main", "dev"]);
    if (rng.chance(0.15)) a.tier = rng.pick(["gold", "bronze", 3, 4]);
    if (rng.chance(0.1)) a.currency = rng.pick(["GBP", "USD"]);
    if (rng.chance(0.1)) a.urgent = rng.chance(0.5);
    if (rng.chance(0.1)) a.registering = true;
    req.attributes = a;
  }
  if (rng.chance(0.7)) return { text: JSON.stringify(req), value: req };

  // Invalid, or odd, in one of many ways.
  const field = rng.pick(["actor", "action", "resource", "now"]);
  switch (rng.int(20)) {
    case 0: req[field] = `${req[field]}-ghost`; break; // unknown ids
    case 1: req[field] = rng.pick([7, true, null, [], {}, 1.5]); break; // wrong_type
    case 2: delete req[field]; break; // missing_field
    case 3: delete req.actor; delete req.now; break;
    case 4: req.actr = "m-x"; break; // unknown_field
    case 5: req.now = rng.pick(["2026-12-01", "2026-12-01T09:00:00", "2026-02-30T00:00:00Z", "2026-12-01T09:00:00+01:00", "20261201T090000Z"]); break;
    case 6: req[field] = rng.pick(ODD_STRINGS); break;
    case 7: req.attributes = rng.pick([[], "role", 5, null, { nested: { a: 1 } }, { amount: 2.5 }, { role: 5 }, { target: true }, { list: [1] }, { none: null }]); break;
    case 8: req.attributes = { role: `${rng.pick(info.roles)}-ghost` }; break; // unknown_role
    case 9: req.attributes = { target: `${rng.pick(info.members)}-ghost`, role: rng.pick(info.roles) }; break; // unknown_member
    case 10: { const v = rng.pick([[], 3, "request", null, true, [req]]); return { text: JSON.stringify(v), value: v }; }
    case 11: return { text: JSON.stringify(req).slice(0, 5 + rng.int(20)) }; // parse_error
    case 12: return { text: JSON.stringify(req).replace('"actor":', '"actor":"m-dup","actor":') }; // duplicate_key
    case 13: return { text: JSON.stringify({ ...req, actor: "a".repeat(4097 + rng.int(10)) }) }; // string_too_long
    case 14: return { text: JSON.stringify({ ...req, attributes: { deep: 1 } }).replace('"deep":1', `"deep":${"[".repeat(33)}${"]".repeat(33)}`) }; // nesting_too_deep
    case 15: return { text: `${JSON.stringify(req)} trailing` };
    case 16: req.attributes = { ...(req.attributes ?? {}), [rng.pick(["big", "neg"])]: rng.pick([9007199254740991, -42, 1e20]) }; break;
    case 17: req.action = rng.pick(info.roles); break; // a role is not an action
    case 18: req.resource = rng.pick(info.members); break;
    default: req.extra = { a: 1 }; req.attributes = { role: rng.pick(info.roles), target: rng.pick(info.members) }; break;
  }
  return { text: JSON.stringify(req), value: req };
}

// ---------------------------------------------------------------------------
// Change sets

function randomRole(rng, info, scope) {
  const fitting = info.rolesAt[info.scopeType[scope]] ?? [];
  return fitting.length > 0 && rng.chance(0.8) ? rng.pick(fitting) : rng.pick(info.roles);
}

function newMember(rng, tag) {
  const m = { id: `new-${tag}` };
  if (rng.chance(0.9)) m.email = rng.chance(0.9) ? `new-${tag}@example.net` : "olga@example.org";
  if (rng.chance(0.6)) m.name = `New ${tag}`;
  if (rng.chance(0.3)) m.kind = rng.pick(["end_user", "staff"]);
  if (rng.chance(0.2)) m.registered = rng.chance(0.5);
  return m;
}

function customRole(rng, info, id) {
  const perms = info.permissions.filter(() => rng.chance(0.25));
  const role = {
    id,
    family: rng.chance(0.7) ? rng.pick(info.families) : "custom",
    rank: rng.pick([1, 5, 15, 25, 100]),
    permissions: perms.length ? perms : [rng.pick(info.permissions)],
    assignableAt: info.types.filter(() => rng.chance(0.5)),
    custom: true,
  };
  if (role.assignableAt.length === 0) role.assignableAt = [rng.pick(info.types)];
  if (rng.chance(0.3)) role.manages = { upToRank: rng.pick([5, 20, 40]) };
  if (rng.chance(0.3)) role.sees = { minRank: 0 };
  if (rng.chance(0.1)) role.permissions.push("ghost.permission");
  if (rng.chance(0.1)) role.label = "Custom";
  return role;
}

/** One operation of kind `kind`, mostly well formed, on the state `info`. */
function randomOperation(rng, info, kind, tag, actor) {
  const op = { op: kind };
  const mine = (info.bound[actor] ?? []).map((x) => x.scope);
  let lastScope = null;
  const scope = () => {
    lastScope = mine.length && rng.chance(0.6) ? rng.pick(mine) : rng.chance(0.75) ? rng.pick(info.busy) : rng.pick(info.scopes);
    return lastScope;
  };
  const member = () => {
    const here = lastScope ? info.boundAt[lastScope] : null;
    if (here && here.length && rng.chance(0.6)) return rng.pick(here);
    if (mine.length && rng.chance(0.4)) {
      const near = info.boundAt[rng.pick(mine)] ?? [];
      if (near.length) return rng.pick(near);
    }
    return rng.chance(0.85) ? rng.pick(info.members) : rng.pick(info.invited.length ? info.invited : info.members);
  };
  switch (kind) {
    case "invite": {
      op.scope = scope();
      op.member = rng.chance(0.5) ? newMember(rng, tag) : member();
      op.role = randomRole(rng, info, op.scope);
      if (rng.chance(0.3)) op.setup = rng.pick(SETUPS);
      break;
    }
    case "perform":
      op.scope = scope();
      op.action = rng.chance(0.95) ? rng.pick(info.permissions) : "ghost.action";
      break;
    case "resend_invitation": case "delete_member": case "block": case "unblock": case "disable": case "enable":
    case "reset_password":
      if (rng.chance(0.3)) op.scope = scope();
      else if (mine.length) lastScope = rng.pick(mine);
      op.member = kind === "resend_invitation" && info.invited.length && rng.chance(0.7) ? rng.pick(info.invited) : member();
      break;
    case "accept_invitation": break;
    case "assign_role": case "revoke_role": {
      if (mine.length) lastScope = rng.pick(mine);
      op.member = member();
      const bound = info.bound[op.member];
      if (kind === "revoke_role" && bound && rng.chance(0.7)) {
        const b = rng.pick(bound);
        op.role = b.role;
        op.scope = b.scope;
      } else if (rng.chance(0.25)) {
        op.scopes = [scope(), scope()];
        op.role = randomRole(rng, info, op.scopes[0]);
      } else {
        op.scope = scope();
        op.role = randomRole(rng, info, op.scope);
      }
      break;
    }
    case "change_role": {
      if (mine.length) lastScope = rng.pick(mine);
      op.member = member();
      const bound = info.bound[op.member];
      op.scope = bound && rng.chance(0.7) ? rng.pick(bound).scope : scope();
      op.role = randomRole(rng, info, op.scope);
      break;
    }
    case "remove_role": {
      op.member = member();
      const bound = info.bound[op.member];
      op.role = bound && rng.chance(0.7) ? rng.pick(bound).role : rng.pick(info.roles);
      break;
    }
    case "remove_member": {
      if (mine.length) lastScope = rng.pick(mine);
      op.member = member();
      const bound = info.bound[op.member];
      op.scope = bound && rng.chance(0.7) ? rng.pick(bound).scope : scope();
      break;
    }
    case "edit_member":
      if (mine.length) lastScope = rng.pick(mine);
      op.member = member();
      if (rng.chance(0.6)) op.name = rng.pick(["Renamed", "Zoë Ünïcode", ""]);
      if (rng.chance(0.6)) op.email = rng.pick([`edited-${tag}@example.com`, "olga@example.org", "OLGA@EXAMPLE.ORG", "not-an-email", "m.olivia@x.org"]);
      if (rng.chance(0.2)) op.scope = scope();
      break;
    case "add_members":
      op.scope = scope();
      op.members = [newMember(rng, `${tag}a`), ...(rng.chance(0.5) ? [newMember(rng, `${tag}b`)] : [])];
      break;
    case "activate_member":
      if (mine.length) lastScope = rng.pick(mine);
      op.member = member();
      op.setup = rng.pick(SETUPS);
      if (rng.chance(0.5)) {
        op.scope = scope();
        op.role = randomRole(rng, info, op.scope);
      } else if (rng.chance(0.3)) {
        op.scope = scope();
      }
      break;
    case "request_self_upgrade": case "resend_verification": case "complete_self_upgrade": case "claim_role": {
      const v = info.verifications.length && kind !== "claim_role" && rng.chance(0.6) ? rng.pick(info.verifications) : null;
      op.scope = v ? v.scope : scope();
      op.role = v ? v.role : randomRole(rng, info, op.scope);
      break;
    }
    case "define_role":
      op.scope = rng.chance(0.8) && info.roots.length ? rng.pick(info.roots) : scope();
      op.role = customRole(rng, info, rng.chance(0.9) ? `custom.${tag}` : rng.pick(info.roles));
      break;
    case "edit_role":
      op.scope = rng.chance(0.8) && info.roots.length ? rng.pick(info.roots) : scope();
      op.role = customRole(rng, info, info.customRoles.length && rng.chance(0.7) ? rng.pick(info.customRoles) : rng.pick(info.roles));
      break;
    case "delete_role":
      op.scope = rng.chance(0.8) && info.roots.length ? rng.pick(info.roots) : scope();
      op.role = info.customRoles.length && rng.chance(0.7) ? rng.pick(info.customRoles) : rng.pick(info.roles);
      break;
    case "set_approval_rule": {
      op.scope = rng.chance(0.8) && info.roots.length ? rng.pick(info.roots) : scope();
      const rule = {
        id: info.rules.length && rng.chance(0.4) ? rng.pick(info.rules) : `rule.new.${tag}`,
        actions: [rng.pick(info.permissions)],
        approvers: rng.chance(0.5) ? { permission: rng.pick(info.permissions) } : { roles: [rng.pick(info.roles)] },
      };
      if (rng.chance(0.5)) rule.when = [{ attribute: "amount", op: "gt", value: 10 }];
      if (rng.chance(0.3)) rule.quorum = rng.pick([1, 2, 0]);
      if (rng.chance(0.1)) rule.bogus = true;
      op.rule = rule;
      break;
    }
    case "delete_approval_rule":
      op.scope = rng.chance(0.8) && info.roots.length ? rng.pick(info.roots) : scope();
      op.rule = info.rules.length && rng.chance(0.8) ? rng.pick(info.rules) : "rule.ghost";
      break;
    case "request_role":
      op.scope = scope();
      op.role = randomRole(rng, info, op.scope);
      if (rng.chance(0.3)) op.reason = rng.pick(["to approve orders", "covering for a colleague", ""]);
      if (rng.chance(0.2)) op.until = rng.pick(TIMES);
      break;
    case "withdraw_request":
      op.request = info.roleRequests.length && rng.chance(0.85) ? rng.pick(info.roleRequests).id : "role-request-ghost";
      break;
    case "decide_request": case "apply_approved":
      op.request = kind === "decide_request" && info.roleRequests.length && rng.chance(0.4)
        ? rng.pick(info.roleRequests).id
        : info.requests.length && rng.chance(0.85) ? rng.pick(info.requests).id : "req-ghost";
      if (kind === "decide_request") op.decision = rng.chance(0.8) ? "approve" : rng.chance(0.8) ? "reject" : "maybe";
      break;
    case "register":
      op.member = newMember(rng, tag);
      op.scope = scope();
      op.role = randomRole(rng, info, op.scope);
      break;
    default: break;
  }
  if (rng.chance(0.15)) {
    op.attributes = {};
    if (rng.chance(0.7)) op.attributes.amount = rng.pick([5, 150, 6000]);
    if (rng.chance(0.4)) op.attributes.branch = "main";
    if (rng.chance(0.2)) op.attributes.role = "ignored";
    if (rng.chance(0.2)) op.attributes.orderTotal = 60000;
  }
  return op;
}

/** Breaks an operation in one random way (the change set must then be rejected, mostly). */
function breakOperation(rng, op) {
  const keys = Object.keys(op).filter((k) => k !== "op");
  switch (rng.int(9)) {
    case 0: op.op = rng.pick(["explode", "", "Invite", 5]); break;
    case 1: if (keys.length) delete op[rng.pick(keys)]; else op.surplus = 1; break;
    case 2: if (keys.length) op[rng.pick(keys)] = rng.pick([3, true, [], {}, null, 1.5]); break;
    case 3: op.unknownField = "x"; break;
    case 4: if (typeof op.member === "string") op.member += "-ghost"; else op.member = "ghost"; break;
    case 5: op.role = typeof op.role === "object" ? { ...op.role, rank: 2.5 } : "role.ghost"; break;
    case 6: op.scope = "scope-ghost"; op.scopes = ["also"]; break;
    case 7: op.attributes = rng.pick([[], { nested: {} }, { f: 0.5 }, "x"]); break;
    default: op.setup = "teleport"; op.decision = "perhaps"; break;
  }
  return op;
}

/**
 * A random change set on the bundle `b` (its revision `revision`), as an object.
 * Most operations are well formed with existing ids; a fair share is invalid.
 */
export function randomChangeSet(rng, b, revision, tag, hints = {}) {
  const info = bundleInfo(b);
  const ops = [];
  let actor = rng.chance(0.65) ? rng.pick(info.managers) : rng.pick(info.members);
  const n = 1 + rng.int(rng.chance(0.8) ? 2 : 6);
  // Follow-ups to the state earlier change sets left behind, some of the time:
  // decide (and then apply) a pending approval request, complete or resend a
  // pending verification.
  if (info.requests.length && rng.chance(0.35)) {
    const r = rng.pick(info.requests);
    const approvers = (hints.approvers ?? []).filter((m) => info.members.includes(m));
    actor = approvers.length && rng.chance(0.8) ? rng.pick(approvers) : rng.chance(0.7) ? rng.pick(info.managers) : rng.pick(info.members);
    ops.push({ op: "decide_request", request: r.id, decision: rng.chance(0.85) ? "approve" : "reject" });
    if (rng.chance(0.6)) ops.push({ op: "apply_approved", request: r.id });
  } else if (info.verifications.length && rng.chance(0.35)) {
    const v = rng.pick(info.verifications);
    actor = v.member;
    const op = { op: rng.chance(0.75) ? "complete_self_upgrade" : "resend_verification", role: v.role, scope: v.scope };
    // Naming the verification: the pending one, mostly, or one a resend replaced.
    if (rng.chance(0.5)) op.verification = rng.chance(0.8) ? v.id : "verification-0123456789abcdef";
    ops.push(op);
  } else if (info.roleRequests.length && rng.chance(0.35)) {
    // A role request asked for earlier: decided by someone, or withdrawn by its requester.
    const r = rng.pick(info.roleRequests);
    if (rng.chance(0.25)) {
      actor = rng.chance(0.85) ? r.requester : rng.pick(info.members);
      ops.push({ op: "withdraw_request", request: r.id });
    } else {
      actor = rng.chance(0.7) ? rng.pick(info.managers) : rng.pick(info.members);
      ops.push({ op: "decide_request", request: r.id, decision: rng.chance(0.8) ? "approve" : "reject" });
    }
  }
  for (let i = ops.length; i < n; i++) {
    let kind = rng.pick(OPERATION_KINDS);
    if (kind === "register" && i > 0 && rng.chance(0.8)) kind = "invite";
    // Requests and rules that do not exist make the whole change set invalid:
    // mostly ask for them only when there are some.
    if ((kind === "decide_request" || kind === "apply_approved") && info.requests.length === 0 && rng.chance(0.85)) kind = "change_role";
    if (kind === "delete_approval_rule" && info.rules.length === 0 && rng.chance(0.85)) kind = "assign_role";
    if (kind === "withdraw_request" && info.roleRequests.length === 0 && rng.chance(0.85)) kind = "request_role";
    const op = randomOperation(rng, info, kind, `${tag}-${i}`, actor);
    if (kind === "register" && i === 0 && rng.chance(0.85)) actor = op.member.id;
    if (kind === "accept_invitation" && info.invited.length && rng.chance(0.7)) actor = rng.pick(info.invited);
    if ((kind === "resend_verification" || kind === "complete_self_upgrade") && info.verifications.length && rng.chance(0.6)) {
      const v = rng.pick(info.verifications);
      Object.assign(op, { role: v.role, scope: v.scope });
      actor = v.member;
    }
    if (kind === "decide_request" && info.requests.length && rng.chance(0.5)) actor = rng.pick(info.members);
    if (kind === "request_role" && i === 0 && info.bindings.length && rng.chance(0.7)) {
      // A member asking for a higher role of their family where they hold one.
      const x = rng.pick(info.bindings);
      const held = (b.roles ?? []).find((r) => r.id === x.role);
      const higher = (b.roles ?? []).filter((r) => held && r.family === held.family && r.rank > held.rank);
      if (higher.length) {
        actor = x.member;
        Object.assign(op, { scope: x.scope, role: rng.pick(higher).id });
      }
    }
    if (kind === "request_self_upgrade" && info.selfUpgrades.length && rng.chance(0.6)) {
      // A holder of a `from` role asking, on that scope, for a `to` role.
      const u = rng.pick(info.selfUpgrades);
      const holders = info.bindings.filter((x) => (u.from ?? []).includes(x.role));
      if (holders.length) {
        const x = rng.pick(holders);
        Object.assign(op, { role: rng.pick(u.to), scope: x.scope });
        actor = x.member;
      }
    }
    if (kind === "claim_role" && info.claims.length && rng.chance(0.6)) {
      const c = rng.pick(info.claims);
      const holders = info.bindings.filter((x) => c.holder.includes(x.role));
      if (holders.length) {
        actor = rng.pick(holders).member;
        const type = Object.keys(info.rolesAt).find((t) => info.rolesAt[t].includes(c.grants));
        const scopes = info.scopes.filter((s) => info.scopeType[s] === type);
        Object.assign(op, { role: c.grants, scope: scopes.length ? rng.pick(scopes) : op.scope });
      }
    }
    if (kind === "apply_approved" && info.requests.length && rng.chance(0.5)) {
      const r = info.requests.find((q) => q.id === op.request);
      if (r) actor = r.requester;
    }
    if (hints.rich && rng.chance(0.8)) {
      // Attributes that meet most approval-rule conditions: conditional operations
      // record approval requests for later change sets to decide and apply.
      op.attributes = { amount: 6000, branch: "main", orderTotal: 60000, tier: "gold", urgent: true, currency: "GBP" };
    }
    ops.push(rng.chance(0.06) ? breakOperation(rng, op) : op);
  }
  const cs = {
    format: "rolegate-changeset/1",
    baseRevision: revision,
    actor,
    now: rng.chance(0.7) ? NOW : rng.pick(TIMES),
    operations: ops,
  };
  if (rng.chance(0.12)) {
    switch (rng.int(10)) {
      case 0: cs.baseRevision = "fnv1a64:0000000000000000"; break; // stale_revision
      case 1: delete cs.baseRevision; break;
      case 2: cs.actor = "ghost"; break;
      case 3: cs.now = "yesterday"; break;
      case 4: cs.format = "rolegate-changeset/2"; break;
      case 5: cs.operations = rng.pick([{}, "ops", null]); break;
      case 6: cs.operations.push(rng.pick([null, 5, "invite", []])); break;
      case 7: cs.extra = true; break;
      case 8: delete cs.actor; delete cs.now; break;
      default: cs.operations = []; break;
    }
  }
  return cs;
}

// ---------------------------------------------------------------------------
// Large bundles

/**
 * A flat, large bundle: `members` members over groups of accounts, about
 * `bindingsPerMember` bindings each. Deterministic; the first member holds the
 * top role on account a0.
 */
export function largeBundle(rng, { members = 50000, groups = 500, accountsPerGroup = 10, bindingsPerMember = 2 } = {}) {
  const b = { format: "rolegate/1", name: `large ${members}` };
  b.scopeTypes = [{ id: "group" }, { id: "account", parents: ["group"] }];
  b.permissions = [];
  for (let p = 0; p < 40; p++) b.permissions.push({ id: `perm.${p}`, appliesTo: ["group", "account"] });
  b.permissions.push({ id: "members.manage", appliesTo: ["account"], rankLimited: true });
  b.roles = [];
  for (let r = 0; r < 4; r++) {
    const perms = [];
    for (let p = r * 10; p < r * 10 + 10; p++) perms.push(`perm.${p}`);
    if (r >= 2) perms.push("members.manage");
    const role = {
      id: `role.${r}`, family: "billing", rank: (r + 1) * 10, permissions: perms,
      assignableAt: ["group", "account"], exclusive: true, sees: { minRank: 0, fields: ["email"] },
    };
    if (r > 0) role.inherits = [`role.${r - 1}`];
    if (r >= 2) role.manages = { upToRank: (r + 1) * 10 };
    b.roles.push(role);
  }
  b.scopes = [];
  const accounts = groups * accountsPerGroup;
  for (let g = 0; g < groups; g++) {
    b.scopes.push({ id: `g${g}`, type: "group" });
    for (let a = 0; a < accountsPerGroup; a++) b.scopes.push({ id: `a${g * accountsPerGroup + a}`, type: "account", parent: `g${g}` });
  }
  b.members = [];
  b.bindings = [];
  for (let m = 0; m < members; m++) {
    const id = `m${m}`;
    b.members.push({ id, email: `${id}@example.org`, status: "active" });
    const first = m === 0 ? 0 : rng.int(accounts);
    for (let k = 0; k < bindingsPerMember; k++) {
      const role = m === 0 && k === 0 ? 3 : rng.int(4);
      b.bindings.push({ member: id, role: `role.${role}`, scope: `a${(first + k) % accounts}` });
    }
  }
  return b;
}
