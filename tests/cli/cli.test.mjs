// Runs the real CLI (build/native/rolegate) on change sets: `apply` writes the bundle
// atomically or refuses a blocked change set without touching the file, `verify`
// matches the CLI's own `simulate` output and reports a tampered preview, and a stale
// baseRevision is invalid input. Every test works on a copy of
// examples/bt-business/bundle.json in its own temporary directory.
// The whole file is skipped when the binary has not been built.
// Run: node --test tests/cli/
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
// ROLEGATE_BIN: another build of the CLI (scripts/test runs these under the sanitizers).
const BIN = process.env.ROLEGATE_BIN ? path.resolve(process.env.ROLEGATE_BIN) : path.join(root, "build", "native", "rolegate");
const EXAMPLE = path.join(root, "examples", "bt-business", "bundle.json");
const NOW = "2026-12-01T09:00:00Z";

/** Runs the CLI; returns {code, stdout, stderr}. */
function run(args, input) {
  const r = spawnSync(BIN, args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function describe(r) {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** The one JSON line a command printed. */
function json(r) {
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`output is not one JSON document (${e.message})\n${describe(r)}`);
  }
}

/**
 * A temporary directory holding bundle.json: the example bundle, with `change_role`
 * authorised by roles.manage (docs/changes.md, "operations") when it is not already.
 * Returns {dir, bundle, revision}.
 */
function workspace(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-cli-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const doc = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
  doc.operations ??= {};
  doc.operations.change_role ??= { action: "roles.manage" };
  const bundle = path.join(dir, "bundle.json");
  fs.writeFileSync(bundle, JSON.stringify(doc, null, 2) + "\n");
  const v = run(["validate", "--format", "json", bundle]);
  assert.equal(v.code, 0, `the test bundle must be valid\n${describe(v)}`);
  return { dir, bundle, revision: json(v).revision };
}

/** Writes a change set of `operations` by `actor` to dir/name; returns its path. */
function changeSet(dir, name, { baseRevision, actor, operations }) {
  const file = path.join(dir, name);
  const doc = { format: "rolegate-changeset/1", baseRevision, actor, now: NOW, operations };
  fs.writeFileSync(file, JSON.stringify(doc) + "\n");
  return file;
}

// Olivia, super admin of acc-1001, makes Raj super admin there: allowed.
const PROMOTE_RAJ = [{ op: "change_role", member: "m-raj", scope: "acc-1001", role: "billing.super_admin" }];
// Raj, admin of acc-1001 (manages up to admin), makes Alex super admin: denied.
const RAJ_PROMOTES_ALEX = [{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.super_admin" }];

function tempFilesIn(dir) {
  return fs.readdirSync(dir).filter((name) => name.includes(".tmp-"));
}

if (!fs.existsSync(BIN) && !process.env.ROLEGATE_BIN) {
  test("rolegate simulate / verify / apply", {
    skip: `the rolegate CLI is not built (${path.relative(root, BIN)} is missing); build it with \`cmake --build build/native\` to run these tests`,
  }, () => {});
} else {
  test("apply writes the bundle after the change atomically", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const cs = changeSet(dir, "promote.json", { baseRevision: revision, actor: "m-olivia", operations: PROMOTE_RAJ });

    const sim = run(["simulate", bundle, cs]);
    assert.equal(sim.code, 0, describe(sim));
    const simulated = json(sim);
    assert.equal(simulated.ok, true);
    assert.equal(simulated.summary.blocked, false);
    assert.notEqual(simulated.revisionAfter, revision);

    const r = run(["apply", "--now", NOW, bundle, cs]);
    assert.equal(r.code, 0, describe(r));
    const m = /^applied: (.+) \(revision (\S+)\)\n$/.exec(r.stdout);
    assert.ok(m, `unexpected output\n${describe(r)}`);
    assert.equal(m[1], bundle);
    assert.equal(m[2], simulated.revisionAfter);

    const text = fs.readFileSync(bundle, "utf8");
    assert.ok(text.endsWith("}\n"), "the bundle ends with a newline");
    const written = JSON.parse(text);
    const binding = written.bindings.find((b) => b.member === "m-raj" && b.scope === "acc-1001");
    assert.equal(binding?.role, "billing.super_admin");
    const v = run(["validate", "--format", "json", bundle]);
    assert.equal(v.code, 0, describe(v));
    assert.equal(json(v).revision, simulated.revisionAfter);
    assert.deepEqual(tempFilesIn(dir), [], "no temporary file is left behind");

    // The same change set is now stale against the bundle it changed.
    const again = run(["apply", "--now", NOW, bundle, cs]);
    assert.equal(again.code, 3, describe(again));
    assert.equal(fs.readFileSync(bundle, "utf8"), text);
  });

  test("apply --output writes elsewhere and leaves BUNDLE alone", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const before = fs.readFileSync(bundle);
    const cs = changeSet(dir, "promote.json", { baseRevision: revision, actor: "m-olivia", operations: PROMOTE_RAJ });
    const out = path.join(dir, "after.json");
    const r = run(["apply", "--now", NOW, bundle, cs, "--output", out]);
    assert.equal(r.code, 0, describe(r));
    assert.ok(r.stdout.startsWith(`applied: ${out} (revision `), describe(r));
    assert.deepEqual(fs.readFileSync(bundle), before);
    assert.equal(run(["validate", out]).code, 0);
    assert.deepEqual(tempFilesIn(dir), []);
  });

  test("apply refuses a blocked change set and leaves the file byte-identical", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const before = fs.readFileSync(bundle);
    const cs = changeSet(dir, "blocked.json", { baseRevision: revision, actor: "m-raj", operations: RAJ_PROMOTES_ALEX });

    const sim = run(["simulate", bundle, cs]);
    assert.equal(sim.code, 2, describe(sim));
    assert.equal(json(sim).summary.blocked, true);

    const r = run(["apply", "--now", NOW, bundle, cs]);
    assert.equal(r.code, 2, describe(r));
    assert.match(r.stdout, /^refused: /);
    assert.match(r.stdout, /#0 change_role m-alex on acc-1001 -> billing\.super_admin: DENY/);
    assert.deepEqual(fs.readFileSync(bundle), before, "the bundle is untouched");
    // Nothing but the lock file apply keeps beside the bundle (never removed: a
    // removed lock file would let two writers lock two different files).
    assert.deepEqual(fs.readdirSync(dir).sort(), ["blocked.json", "bundle.json", "bundle.json.lock"]);

    const asJson = run(["apply", "--now", NOW, "--format", "json", bundle, cs]);
    assert.equal(asJson.code, 2, describe(asJson));
    const result = json(asJson);
    assert.equal(result.summary.blocked, true);
    assert.equal(result.bundleAfter, undefined);
    assert.deepEqual(fs.readFileSync(bundle), before);
  });

  test("simulate --format text reports each operation and the summary", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const cs = changeSet(dir, "promote.json", { baseRevision: revision, actor: "m-olivia", operations: PROMOTE_RAJ });
    const r = run(["simulate", "--format", "text", bundle, cs]);
    assert.equal(r.code, 0, describe(r));
    assert.match(r.stdout, /^#0 change_role m-raj on acc-1001 -> billing\.super_admin: ALLOW$/m);
    assert.match(r.stdout, /^Access changes:/m);
    assert.match(r.stdout, /^Violations:/m);
    assert.match(r.stdout, /^Notifications:/m);
    assert.match(r.stdout, /^summary: 1 allowed, 0 conditional, 0 denied; can be applied /m);
  });

  test("verify matches the CLI's own simulate output", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const cs = changeSet(dir, "promote.json", { baseRevision: revision, actor: "m-olivia", operations: PROMOTE_RAJ });
    const sim = run(["simulate", bundle, cs]);
    assert.equal(sim.code, 0, describe(sim));
    const preview = path.join(dir, "preview.json");
    fs.writeFileSync(preview, sim.stdout);

    const r = run(["verify", bundle, cs, preview]);
    assert.equal(r.code, 0, describe(r));
    const result = json(r);
    assert.equal(result.ok, true);
    assert.equal(result.match, true);
    assert.deepEqual(result.differences, []);

    // The preview may come on stdin; text says "match".
    const text = run(["verify", "--format", "text", bundle, cs, "-"], sim.stdout);
    assert.equal(text.code, 0, describe(text));
    assert.equal(text.stdout, "match\n");
  });

  test("verify reports the differences of a tampered preview", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const cs = changeSet(dir, "promote.json", { baseRevision: revision, actor: "m-olivia", operations: PROMOTE_RAJ });
    const sim = run(["simulate", bundle, cs]);
    assert.equal(sim.code, 0, describe(sim));
    const tampered = JSON.parse(sim.stdout);
    tampered.operations[0].effect = "deny";
    const preview = path.join(dir, "preview.json");
    fs.writeFileSync(preview, JSON.stringify(tampered));

    const r = run(["verify", bundle, cs, preview]);
    assert.equal(r.code, 2, describe(r));
    const result = json(r);
    assert.equal(result.ok, true);
    assert.equal(result.match, false);
    const difference = result.differences.find((d) => d.pointer === "/operations/0/effect");
    assert.ok(difference, `no difference at /operations/0/effect: ${JSON.stringify(result.differences)}`);
    assert.equal(difference.expected, "deny");
    assert.equal(difference.actual, "allow");

    const text = run(["verify", "--format", "text", bundle, cs, preview]);
    assert.equal(text.code, 2, describe(text));
    assert.match(text.stdout, /^\d+ differences?:\n/);
    assert.match(text.stdout, /^ {2}\/operations\/0\/effect: expected "deny", actual "allow"$/m);
  });

  test("a stale baseRevision is invalid input (exit 3)", (t) => {
    const { dir, bundle, revision } = workspace(t);
    const stale = "fnv1a64:0000000000000000";
    assert.notEqual(stale, revision);
    const cs = changeSet(dir, "stale.json", { baseRevision: stale, actor: "m-olivia", operations: PROMOTE_RAJ });

    const r = run(["simulate", bundle, cs]);
    assert.equal(r.code, 3, describe(r));
    const result = json(r);
    assert.equal(result.ok, false);
    assert.ok(result.errors.some((e) => e.code === "stale_revision"), JSON.stringify(result.errors));

    const text = run(["simulate", "--format", "text", bundle, cs]);
    assert.equal(text.code, 3, describe(text));
    assert.match(text.stdout, /stale_revision/);

    const before = fs.readFileSync(bundle);
    const apply = run(["apply", "--now", NOW, bundle, cs]);
    assert.equal(apply.code, 3, describe(apply));
    assert.deepEqual(fs.readFileSync(bundle), before);

    const verify = run(["verify", bundle, cs, cs]);
    assert.equal(verify.code, 3, describe(verify));
  });
}

test("approval: a pending request's status, from request to approval", (t) => {
  // The example has no approval rules: add one for roles.manage on accounts, approved
  // by super admins, and let Raj (admin) request a change that needs it.
  const { dir } = workspace(t);
  const doc = JSON.parse(fs.readFileSync(path.join(dir, "bundle.json"), "utf8"));
  doc.permissions.push({ id: "roles.approve", appliesTo: ["billing_account"] });
  const superAdmin = doc.roles.find((r) => r.id === "billing.super_admin");
  superAdmin.permissions = [...(superAdmin.permissions ?? []), "roles.approve"];
  doc.approvalRules = [{ id: "upgrades.approved", actions: ["roles.manage"],
    requesterRoles: ["billing.admin"], approvers: { permission: "roles.approve" },
    expiresAfterDays: 3 }];
  const bundle = path.join(dir, "with-approvals.json");
  fs.writeFileSync(bundle, JSON.stringify(doc));
  const revision = json(run(["validate", "--format", "json", bundle])).revision;
  const cs = path.join(dir, "cs.json");
  fs.writeFileSync(cs, JSON.stringify({ baseRevision: revision, actor: "m-raj", now: NOW,
    operations: [{ op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.admin" }] }));
  const sim = json(run(["simulate", "--bundle-after", bundle, cs]));
  assert.equal(sim.operations[0].effect, "conditional");
  const pending = path.join(dir, "pending.json");
  fs.writeFileSync(pending, JSON.stringify(sim.bundleAfter));
  const id = sim.bundleAfter.approvalRequests[0].id;

  const status = run(["approval", pending, id, "--now", NOW]);
  assert.equal(status.code, 0, describe(status));
  const answer = json(status);
  assert.equal(answer.status, "pending");
  assert.deepEqual(answer.eligible, ["m-olivia"]);
  assert.equal(json(run(["approval", pending, id, "--now", "2026-12-05T00:00:00Z"])).status, "expired");
  const text = run(["approval", "--format", "text", pending, id, "--now", NOW]);
  assert.match(text.stdout, /pending \(0 of 1 approvals needed\)/);
  assert.match(text.stdout, /may approve: Olivia Hart \(m-olivia\)/);
  assert.equal(run(["approval", pending, "request-404", "--now", NOW]).code, 3);
});

/** Runs the CLI without waiting; resolves to {code, stdout, stderr}. */
function runAsync(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

if (fs.existsSync(BIN) || process.env.ROLEGATE_BIN) {
  test("concurrent applies on one revision: exactly one writes, the others are stale", async (t) => {
    // Three different changes, each submitted twice, all built on the same revision.
    const changes = [
      PROMOTE_RAJ,
      [{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" }],
      [{ op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.advanced_user" }],
    ];
    for (let round = 0; round < 5; round++) {
      const { dir, bundle, revision } = workspace(t);
      const files = [];
      for (let k = 0; k < 6; k++) {
        files.push(changeSet(dir, `cs-${k}.json`, { baseRevision: revision, actor: "m-olivia", operations: changes[k % 3] }));
      }
      const results = await Promise.all(files.map((cs) => runAsync(["apply", "--now", NOW, "--format", "json", bundle, cs])));
      const won = results.filter((r) => r.code === 0);
      assert.equal(won.length, 1, `round ${round}: ${results.map(describe).join("\n")}`);
      for (const r of results.filter((x) => x.code !== 0)) {
        assert.equal(r.code, 3, describe(r));
        assert.ok(json(r).errors.some((e) => e.code === "stale_revision"), describe(r));
      }
      // The file holds the winner's change, whole, at the revision it announced.
      const v = json(run(["validate", "--format", "json", bundle]));
      assert.equal(v.revision, json(won[0]).revisionAfter);
      assert.deepEqual(tempFilesIn(dir), []);
    }
  });

  test("apply judges at this machine's clock, not at the change set's now", (t) => {
    // Omar's invitation to the code-hosting organisation expired on 25 November 2026.
    // A change set that says it is 20 November is previewed as allowed, but applying
    // it now is refused: the clock, not the change set, says when it is.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-cli-"));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const bundle = path.join(dir, "bundle.json");
    fs.copyFileSync(path.join(root, "examples", "code-hosting", "bundle.json"), bundle);
    const revision = json(run(["validate", "--format", "json", bundle])).revision;
    const cs = path.join(dir, "accept.json");
    const before = "2026-11-20T00:00:00Z";
    fs.writeFileSync(cs, JSON.stringify({ format: "rolegate-changeset/1", baseRevision: revision,
      actor: "m-omar", now: before, operations: [{ op: "accept_invitation" }] }));
    assert.equal(json(run(["simulate", bundle, cs])).summary.blocked, false);
    const original = fs.readFileSync(bundle, "utf8");

    const now = run(["apply", "--format", "json", bundle, cs]);
    assert.equal(now.code, 2, describe(now));
    assert.equal(json(now).operations[0].reasons[0].code, "invitation_expired");
    const text = run(["apply", bundle, cs]);
    assert.equal(text.code, 2, describe(text));
    assert.match(text.stdout, /^refused:/);
    assert.equal(fs.readFileSync(bundle, "utf8"), original, "nothing is written");

    // --now judges at another time, as a test or a replay needs.
    const then = run(["apply", "--now", before, bundle, cs]);
    assert.equal(then.code, 0, describe(then));
    assert.doesNotMatch(then.stdout, /judged at/, "judged at the change set's own time");
    const later = "2026-11-21T00:00:00Z";
    const { revision: second } = json(run(["validate", "--format", "json", bundle]));
    fs.writeFileSync(cs, JSON.stringify({ format: "rolegate-changeset/1", baseRevision: second,
      actor: "m-olga", now: before, operations: [{ op: "block", member: "m-hana" }] }));
    const noted = run(["apply", "--now", later, bundle, cs]);
    assert.equal(noted.code, 0, describe(noted));
    assert.match(noted.stdout, new RegExp(`judged at ${later}, not at the change set's ${before}`));
  });
}

test("test --answers: each case also gives the engine's answer, as a snapshot records it", () => {
  const file = path.join(root, "tests", "scenarios", "bt-business", "changes", "upgrades-and-downgrades.json");
  const plain = json(run(["test", "--format", "json", file]));
  assert.ok(plain[0].cases.every((c) => !("actual" in c)), "no answers unless asked");
  const r = run(["test", "--format", "json", "--answers", file]);
  assert.equal(r.code, 0, describe(r));
  const cases = json(r)[0].cases;
  assert.equal(cases.length, plain[0].cases.length);
  const raj = cases.find((c) => c.id === "super-admin-upgrades-admin-to-super-admin");
  assert.equal(raj.passed, true);
  assert.deepEqual(raj.actual.accessDiff.members[0].power.manages, [{ family: "billing", from: 30, scope: "acc-1001", to: 40 }]);
});

test("abilities: what an actor may do to a member, as JSON and in words; a bad query exits 3", () => {
  const r = run(["abilities", EXAMPLE, "m-olivia", "m-alex", "--now", NOW]);
  assert.equal(r.code, 0, describe(r));
  const answer = json(r);
  assert.equal(answer.ok, true);
  assert.ok(answer.abilities.some((a) => a.op === "change_role" && a.effect === "allow"), describe(r));
  const words = run(["abilities", EXAMPLE, "m-olivia", "m-alex", "--now", NOW, "--format", "text"]);
  assert.equal(words.code, 0, describe(words));
  assert.match(words.stdout, /may do \d+ kinds? of operation to .*\(m-alex\) \(active\)\n  /);
  assert.match(words.stdout, /\n  change_role\n/);
  const none = json(run(["abilities", EXAMPLE, "m-raj", "m-olivia", "--now", NOW]));
  assert.deepEqual(none.abilities, [], "an admin may do nothing to the super admin");
  const ghost = run(["abilities", EXAMPLE, "m-ghost", "m-alex", "--now", NOW]);
  assert.equal(ghost.code, 3, describe(ghost));
  assert.deepEqual(json(ghost).errors.map((e) => `${e.code}@${e.pointer}`), ["unknown_member@/actor"]);
  const noTime = run(["abilities", EXAMPLE, "m-olivia", "m-alex"]);
  assert.equal(noTime.code, 3, `--now is required\n${describe(noTime)}`);
});

test("verifications: the self-upgrades waiting for a PIN after a change set, as JSON and in words", (t) => {
  const { bundle, revision } = workspace(t);
  const cs = JSON.stringify({ format: "rolegate-changeset/1", baseRevision: revision, actor: "m-george", now: NOW,
    operations: [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }] });
  const r = run(["verifications", bundle, "-"], cs);
  assert.equal(r.code, 0, describe(r));
  const answer = json(r);
  assert.equal(answer.verifications.length, 1);
  assert.deepEqual(answer.made, [answer.verifications[0].id]);
  const words = run(["verifications", bundle, "-", "--format", "text"], cs);
  assert.match(words.stdout, /has 1 self-upgrade waiting for a PIN\n  .* on .*: verification-[0-9a-f]{16} \(made by this change\), until 2026-12-29T09:00:00Z\n/, describe(words));
  const stale = run(["verifications", bundle, "-"], cs.replace(revision, "fnv1a64:0000000000000000"));
  assert.equal(stale.code, 3, describe(stale));
  const broken = run(["verifications", bundle, "-", "--format", "text"], "{");
  assert.equal(broken.code, 3, describe(broken));
  assert.match(broken.stdout, /^invalid change set `-`:\n  \(root\): parse_error/);
});
