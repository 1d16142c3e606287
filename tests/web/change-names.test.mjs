// Names, not ids: a preview names the members and roles a change introduces by the
// names the change gives them, and no reason, requirement, notification or line of
// the access diff shows an id the bundle (or the change) has a name for.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { changeNames, withChangeNames } from "../../web/js/logic/change-names.js";
import { describeOperation } from "../../web/js/logic/operations.js";
import { describeSimulation } from "../../web/js/logic/preview.js";
import { describeDecision } from "../../web/js/logic/reasons.js";
import { example, exampleFile, repo } from "./helpers.mjs";

const EXAMPLES = readdirSync(path.join(repo, "examples")).sort();

/** An example's change set, on the current revision of its bundle. */
function rebased(engine, name, file) {
  return { ...exampleFile(name, `changes/${file}`), baseRevision: engine.revision };
}

/**
 * The ids a text shows although a name exists for them: a word of the text that is
 * the id of a member, scope, role, permission or action the bundle names otherwise,
 * or of a member or role the operations introduce with a name.
 * @param {string} text @param {import("../../web/js/logic/bundle-index.js").BundleIndex} index
 * @param {object[]} [operations]
 */
function idsShown(text, index, operations = []) {
  const introduced = changeNames(operations);
  const named = (/** @type {string} */ id) =>
    introduced.members.get(id) ?? introduced.roles.get(id) ?? (index.nameOf(id) !== id ? index.nameOf(id) : index.permissionName(id));
  return text
    .split(/[\s,;:()“”"]+/)
    .map((w) => w.replace(/['’]s$/, "").replace(/\.$/, ""))
    .filter((w) => w && named(w) !== w);
}

/** Every line a preview shows. @param {ReturnType<typeof describeSimulation>} model */
function previewTexts(model) {
  return [
    ...model.operations.flatMap((o) => [
      o.title,
      ...o.reasons,
      ...o.approvals.map((a) => a.text),
      ...o.verifications,
      ...(o.deciders ? [o.deciders] : []),
      ...o.checks.flatMap((c) => [c.text, ...c.reasons]),
    ]),
    model.diff.headline,
    ...model.diff.members.flatMap((m) => [m.headline, ...m.roles, ...m.scopes.flatMap((s) => [s.name, ...s.gained, ...s.lost])]),
    ...model.violations.map((v) => v.text),
    ...model.events.map((e) => e.text),
  ];
}

test("the names a change gives: invited, added and registered members, defined roles", () => {
  const names = changeNames([
    { op: "invite", member: { id: "m-gwen", name: "Gwen Alvarez", email: "g@x" }, scope: "s", role: "r" },
    { op: "add_members", scope: "s", members: [{ id: "m-1", name: "Extension 1" }, { id: "m-2" }] },
    { op: "edit_member", member: "m-1", name: "Hana Wu" },
    { op: "register", member: { id: "m-new", name: "  New Person " }, scope: "s", role: "r" },
    { op: "define_role", role: { id: "custom.fleet", label: "Fleet Admin" } },
    { op: "invite", member: "m-existing", scope: "s", role: "r" },
  ]);
  assert.deepEqual([...names.members], [["m-gwen", "Gwen Alvarez"], ["m-1", "Extension 1"], ["m-new", "New Person"]], "a member keeps the name it was added with");
  assert.deepEqual([...names.roles], [["custom.fleet", "Fleet Admin"]]);
});

test("the index with a change's names: new ids get names, known ones keep the bundle's", async () => {
  const { index } = await example("code-hosting");
  const ops = [
    { op: "invite", member: { id: "m-zoe", name: "Zoe Adams" }, scope: "org-acme", role: "org.member" },
    { op: "invite", member: { id: "m-olga", name: "Someone Else" }, scope: "org-acme", role: "org.member" },
    { op: "define_role", role: { id: "custom.x", label: "Release Manager" } },
  ];
  const named = withChangeNames(index, ops);
  assert.equal(named.memberName("m-zoe"), "Zoe Adams");
  assert.equal(named.memberName("m-olga"), index.memberName("m-olga"), "the bundle's member keeps the bundle's name");
  assert.equal(named.roleName("custom.x"), "Release Manager");
  assert.equal(named.nameOf("m-zoe"), "Zoe Adams");
  assert.equal(named.nameOf("custom.x"), "Release Manager");
  assert.equal(named.memberName("m-nobody"), "m-nobody");
  assert.equal(withChangeNames(index, []), index, "nothing new: the index itself");
  assert.equal(describeOperation({ op: "assign_role", member: "m-zoe", role: "repo.write", scope: "team-web" }, index, "m-olga", ops), "Give Zoe Adams Write on Web");
});

test("a new member is named in the diff, the notifications and the later operations", async () => {
  const { index, engine } = await example("code-hosting");
  const cs = rebased(engine, "code-hosting", "invite-into-team.json");
  const model = describeSimulation(engine.simulate(cs), cs, index);
  assert.deepEqual(model.operations.map((o) => o.title), ["Invite Zoe Adams (new, zoe.adams@acme-robotics.example.com) as Member on Acme Robotics", "Give Zoe Adams Write on Web"]);
  assert.equal(model.diff.members[0].headline, "Zoe Adams: roles change, permissions stay the same");
  assert.deepEqual(model.events.map((e) => e.text), [
    "Zoe Adams, by e-mail: invited as Member on Acme Robotics; names Olga Lindqvist",
    "Zoe Adams, by e-mail and in the app: given Write on Web; names Olga Lindqvist",
  ]);
});

test("a custom role defined by the change is named in the diff and in the rule it is given", async () => {
  const { index, engine } = await example("account-hub");
  const cs = rebased(engine, "account-hub", "custom-role-with-required-approval.json");
  const model = describeSimulation(engine.simulate(cs), cs, index);
  const tara = model.diff.members.find((m) => m.member === "m-tara");
  assert.ok(tara, "Tara's access changes");
  assert.deepEqual(tara.roles, ["gets Fleet Admin on Warehouse & Logistics"]);
  assert.match(model.operations[1].title, / by Fleet Admin, /);
});

test("an approval request decided is named by what it asks, not its id", async () => {
  const { index, engine } = await example("code-hosting");
  const cs = rebased(engine, "code-hosting", "approve-new-owner.json");
  const model = describeSimulation(engine.simulate(cs), cs, index);
  const decided = model.events.find((e) => e.event === "request_decided");
  assert.equal(decided?.text, "Olga Lindqvist, by e-mail and in the app: the request to “Change roles” on Acme Robotics was approved; names Priya Raman");
});

for (const name of EXAMPLES) {
  test(`${name}: no preview of an example change set shows an id it has a name for`, async () => {
    const { index, engine } = await example(name);
    for (const file of readdirSync(path.join(repo, "examples", name, "changes"))) {
      const cs = rebased(engine, name, file);
      const model = describeSimulation(engine.simulate(cs), cs, index);
      for (const line of previewTexts(model)) assert.deepEqual(idsShown(line, index, cs.operations), [], `${file}: “${line}”`);
    }
  });

  test(`${name}: no decision on an example request shows an id it has a name for`, async () => {
    const { index, engine } = await example(name);
    for (const file of readdirSync(path.join(repo, "examples", name, "requests"))) {
      const request = exampleFile(name, `requests/${file}`);
      const d = describeDecision(engine.check(request), index, request.attributes);
      for (const line of [d.headline, ...d.reasons, ...d.approvals.map((a) => a.text), ...d.verifications]) {
        assert.deepEqual(idsShown(line, index), [], `${file}: “${line}”`);
      }
    }
  });
}
