// The JavaScript API of the WebAssembly build (build/wasm/rolegate.mjs), as
// documented in wasm/rolegate.d.ts and README.md: createEngine on a valid bundle
// and on an invalid one (the same errors as `rolegate validate --format json`),
// check, checkBatch, effect, whatCan, whoCan, visibleMembers, approvalStatus,
// simulate, verify and analyze answering what the native CLI answers, invalid requests
// giving {ok: false, errors} with the native codes and pointers, close(), validate(),
// and a large generated bundle (50,000 members, 100,000 bindings) that needs the
// module's memory to grow. Skipped when either build is missing.
// Run: node --test tests/wasm/
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { EXAMPLE, NOW, ROOT, Rng, loadApi, missingBuild, native, tempDir } from "./support.mjs";
import { largeBundle } from "./generate.mjs";

const skip = missingBuild("wasm", "native");
const INVALID = path.join(ROOT, "tests", "data", "invalid", "dozen-mistakes.json");
const REQUESTS = path.join(ROOT, "examples", "bt-business", "requests");

/** The one JSON document the native CLI printed. */
function nativeJson(args, input) {
  const r = native(args, input);
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`native ${args.join(" ")}: not one JSON document (${e.message})\nexit ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
}

/** Native results of requests, one `check BUNDLE -` call, JSON Lines. */
// JSON Lines through native check. A line's parse error names its line in the file;
// the JS API, given that line alone, says line 1: the one difference of input, put back.
function nativeChecks(bundleFile, texts) {
  const r = native(["check", bundleFile, "-"], `${texts.join("\n")}\n`);
  const out = r.stdout.split("\n").filter((l) => l !== "");
  assert.equal(out.length, texts.length, r.stderr);
  return out.map((l, i) => JSON.parse(l.replaceAll(`invalid json at line ${i + 1}, column`, "invalid json at line 1, column")));
}

const codes = (result) => result.errors.map((e) => `${e.code}@${e.pointer}`);

const req = (actor, action, resource, attributes) => ({ actor, action, resource, now: NOW, ...(attributes ? { attributes } : {}) });

if (skip) {
  test("the rolegate JavaScript API", { skip }, () => {});
} else {
  const api = await loadApi();
  const { createEngine, validate, Engine } = api;
  const exampleText = fs.readFileSync(EXAMPLE, "utf8");
  const exampleNative = nativeJson(["validate", "--format", "json", EXAMPLE]);

  test("createEngine loads the example bundle: revision, summary and warnings as native validate", async () => {
    const engine = await createEngine(exampleText);
    assert.ok(engine instanceof Engine);
    assert.equal(engine.ok, true);
    assert.equal(exampleNative.ok, true);
    assert.equal(engine.revision, exampleNative.revision);
    assert.deepEqual(engine.summary, exampleNative.summary);
    assert.deepEqual(engine.warnings, exampleNative.warnings);
    // An object is accepted as well as text, and gives the same policy.
    const fromObject = await createEngine(JSON.parse(exampleText));
    assert.equal(fromObject.revision, engine.revision);
    engine.close();
    fromObject.close();
  });

  test("createEngine on an invalid bundle gives {ok: false, errors} identical to native validate", async () => {
    const result = await createEngine(fs.readFileSync(INVALID, "utf8"));
    assert.equal(result.ok, false);
    assert.ok(!(result instanceof Engine));
    const nativeResult = nativeJson(["validate", "--format", "json", INVALID]);
    assert.equal(nativeResult.ok, false);
    assert.deepEqual(result.errors, nativeResult.errors, "codes, pointers and messages");
    // ... and every mistake the data file lists is among them.
    const expected = JSON.parse(fs.readFileSync(INVALID.replace(/\.json$/, ".expected.json"), "utf8"));
    for (const e of expected) assert.ok(codes(result).includes(`${e.code}@${e.pointer}`), `missing ${e.code} at ${e.pointer}`);
  });

  test("validate() answers as native validate --format json, valid, invalid or not JSON", async (t) => {
    const dir = tempDir(t);
    assert.deepEqual(await validate(exampleText), exampleNative);
    assert.deepEqual(await validate(JSON.parse(exampleText)), exampleNative);
    for (const [name, text] of [
      ["dozen-mistakes", fs.readFileSync(INVALID, "utf8")],
      ["malformed", fs.readFileSync(path.join(ROOT, "tests", "data", "invalid", "malformed.json"), "utf8")],
      ["truncated", exampleText.slice(0, 500)],
      ["wrong format", JSON.stringify({ format: "rolegate/2" })],
      ["empty", ""],
    ]) {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, text);
      const result = await validate(text);
      assert.equal(result.ok, false, name);
      assert.deepEqual(result, nativeJson(["validate", "--format", "json", file]), name);
    }
  });

  test("check decides as native check: allow, deny and conditional, with reasons and requirements", async () => {
    const engine = await createEngine(exampleText);
    const effects = new Set();
    for (const name of fs.readdirSync(REQUESTS).sort()) {
      const file = path.join(REQUESTS, name);
      const request = JSON.parse(fs.readFileSync(file, "utf8"));
      const decision = engine.check(request);
      assert.deepEqual(decision, nativeJson(["check", EXAMPLE, file]), name);
      assert.deepEqual(engine.check(JSON.stringify(request)), decision, `${name}: text and object give the same`);
      assert.equal(decision.ok, true);
      assert.ok(Array.isArray(decision.reasons) && decision.reasons.length > 0);
      effects.add(decision.effect);
    }
    assert.deepEqual([...effects].sort(), ["allow", "conditional", "deny"]);

    const pay = engine.check(req("m-uma", "billing.pay", "acc-1001"));
    assert.equal(pay.effect, "allow");
    assert.equal(pay.reasons[0].code, "granted_by");
    assert.equal(pay.reasons[0].binding, "b-4");
    const tag = engine.check(req("m-uma", "billing.tag_services", "acc-1001"));
    assert.equal(tag.effect, "deny");
    assert.deepEqual(tag.reasons.map((r) => r.code), ["permission_not_granted"]);
    const upgrade = engine.check(req("m-george", "roles.self_upgrade", "acc-1003", { role: "billing.admin" }));
    assert.equal(upgrade.effect, "conditional");
    assert.deepEqual(upgrade.requirements.verifications, [{ method: "postal_pin", rule: "billing.self_upgrade.no_admin", validForDays: 28 }]);
    const blocked = engine.check(req("m-ivan", "billing.pay", "acc-1004"));
    assert.equal(blocked.effect, "deny");
    assert.equal(blocked.reasons[0].code, "member_not_active");
    engine.close();
  });

  test("invalid requests give {ok: false, errors} with the codes and pointers of native check", async () => {
    const engine = await createEngine(exampleText);
    const texts = [
      JSON.stringify(req("m-nobody", "billing.pay", "acc-1001")),
      JSON.stringify(req("m-uma", "billing.fly", "acc-1001")),
      JSON.stringify(req("m-uma", "billing.pay", "acc-9999")),
      JSON.stringify({ actor: "m-uma", action: "billing.pay", resource: "acc-1001" }),
      JSON.stringify({ actor: 7, action: "billing.pay", resource: "acc-1001", now: NOW }),
      JSON.stringify({ ...req("m-uma", "billing.pay", "acc-1001"), now: "2026-12-01 09:00" }),
      JSON.stringify({ ...req("m-uma", "billing.pay", "acc-1001"), colour: "red" }),
      JSON.stringify(req("m-raj", "members.invite", "acc-1001")),
      JSON.stringify(req("m-raj", "members.invite", "acc-1001", { role: "billing.emperor" })),
      JSON.stringify(req("m-raj", "members.remove", "acc-1001", { target: "m-ghost" })),
      JSON.stringify(req("m-uma", "billing.pay", "acc-1001", { amount: 2.5 })),
      JSON.stringify(req("m-uma", "billing.pay", "acc-1001", { nested: { a: 1 } })),
      JSON.stringify(["not", "an", "object"]),
      '{"actor": "m-uma", "actor": "m-raj", "action": "billing.pay", "resource": "acc-1001", "now": "2026-12-01T09:00:00Z"}',
      '{"actor": "m-uma", "action": ',
    ];
    const expected = nativeChecks(EXAMPLE, texts);
    for (const [i, text] of texts.entries()) {
      const result = engine.check(text);
      assert.equal(result.ok, false, text);
      assert.ok(result.errors.length > 0);
      assert.deepEqual(codes(result), codes(expected[i]), text);
      assert.deepEqual(result, expected[i], `${text}: messages too`);
      for (const e of result.errors) assert.deepEqual(Object.keys(e).sort(), ["code", "message", "pointer"]);
    }
    engine.close();
  });

  test("check takes any text as the native build does: empty, long, bytes, beyond ASCII", async () => {
    const engine = await createEngine(fs.readFileSync(EXAMPLE));
    const valid = JSON.stringify(req("m-uma", "billing.pay", "acc-1001"));
    const texts = [
      "",
      "   ",
      valid,
      " ".repeat(20000) + valid, // longer than the buffer kept for requests
      " ".repeat(3000) + valid,
      valid,
      JSON.stringify(req("m-uma", "billing.pay", "acc-1001", { note: "café ☕" })),
      JSON.stringify(req("m-uma", "billing.pay", "acc-1001", { note: "tab\there" })),
    ];
    for (const text of texts) {
      const expected = nativeJson(["check", EXAMPLE, "-"], text);
      assert.deepEqual(engine.check(text), expected, `text of ${text.length} characters`);
      assert.deepEqual(engine.check(new TextEncoder().encode(text)), expected, `bytes of ${text.length} characters`);
    }
    engine.close();
    assert.equal(engine.check(valid).errors[0].code, "engine_closed");
  });

  test("checkBatch decides many requests in one call, each as check would", async () => {
    const engine = await createEngine(exampleText);
    const requests = [
      req("m-uma", "billing.pay", "acc-1001"),
      req("m-uma", "billing.tag_services", "acc-1001"),
      req("m-george", "roles.self_upgrade", "acc-1003", { role: "billing.admin" }),
      req("m-ghost", "billing.pay", "acc-1001"),
      { actor: "m-uma" },
      42,
    ];
    const results = engine.checkBatch(requests);
    assert.equal(results.length, requests.length);
    requests.forEach((r, i) => assert.deepEqual(results[i], engine.check(r), `request ${i}`));
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, false, false, false]);
    assert.deepEqual(engine.checkBatch(JSON.stringify(requests)), results, "text in, same results");
    assert.deepEqual(engine.checkBatch([]), []);
    const notArray = engine.checkBatch({ actor: "m-uma" });
    assert.equal(notArray.ok, false);
    assert.deepEqual(codes(notArray), ["wrong_type@"]);
    const notJson = engine.checkBatch("[{");
    assert.equal(notJson.ok, false);
    assert.equal(notJson.errors[0].code, "parse_error");
    engine.close();
  });

  test("effect is the fast path: the effect of check, or null for an invalid request", async () => {
    const engine = await createEngine(exampleText);
    const info = JSON.parse(exampleText);
    const rng = new Rng(4);
    let compared = 0;
    for (let i = 0; i < 500; i++) {
      const r = req(rng.pick(info.members).id, rng.pick(info.permissions).id, rng.pick(info.scopes).id);
      const decision = engine.check(r);
      assert.equal(engine.effect(r.actor, r.action, r.resource, r.now), decision.ok ? decision.effect : null, JSON.stringify(r));
      compared++;
    }
    assert.equal(compared, 500);
    assert.equal(engine.effect("m-uma", "billing.pay", "acc-1001", NOW), "allow");
    assert.equal(engine.effect("m-uma", "billing.tag_services", "acc-1001", NOW), "deny");
    assert.equal(engine.effect("m-ghost", "billing.pay", "acc-1001", NOW), null);
    assert.equal(engine.effect("m-uma", "billing.pay", "acc-1001", "yesterday"), null);
    // A rank-limited action needs attributes, which the fast path does not carry.
    assert.equal(engine.effect("m-raj", "members.invite", "acc-1001", NOW), null);
    engine.close();
  });

  test("effects decides a batch as effect does, one result per request, in order", async () => {
    const engine = await createEngine(exampleText);
    const info = JSON.parse(exampleText);
    const rng = new Rng(9);
    const actions = [...info.permissions.map((p) => p.id), ...(info.claims ?? []).map((c) => c.action), "no.such.action"];
    const batch = [];
    for (let i = 0; i < 3000; i++) {
      const actor = rng.next() % 50 === 0 ? "m-ghost" : rng.pick(info.members).id;
      const scope = rng.next() % 50 === 0 ? "nowhere" : rng.pick(info.scopes).id;
      batch.push([actor, rng.pick(actions), scope]);
    }
    const got = engine.effects(batch, NOW);
    assert.equal(got.length, batch.length);
    const seen = new Set();
    for (const [i, [actor, action, resource]] of batch.entries()) {
      const want = engine.effect(actor, action, resource, NOW);
      assert.equal(got[i], want, JSON.stringify(batch[i]));
      const decision = engine.check({ actor, action, resource, now: NOW });
      assert.equal(want, decision.ok ? decision.effect : null, JSON.stringify(batch[i]));
      seen.add(String(got[i]));
    }
    for (const e of ["allow", "deny", "null"]) assert.ok(seen.has(e), `some answer is ${e}`);
    // Objects work as triples do; a bad time makes every answer null; an empty batch is empty.
    assert.deepEqual(engine.effects([{ actor: "m-uma", action: "billing.pay", resource: "acc-1001" }], NOW), ["allow"]);
    assert.deepEqual(engine.effects([["m-uma", "billing.pay", "acc-1001"]], "yesterday"), [null]);
    assert.deepEqual(engine.effects([], NOW), []);
    // After close, nothing is decided.
    engine.close();
    assert.deepEqual(engine.effects([["m-uma", "billing.pay", "acc-1001"]], NOW), [null]);
    assert.equal(engine.effect("m-uma", "billing.pay", "acc-1001", NOW), null);
  });

  test("effect decides claims by their action, as check does", async () => {
    const engine = await createEngine(exampleText);
    const info = JSON.parse(exampleText);
    let compared = 0;
    for (const claim of info.claims ?? []) {
      for (const m of info.members) {
        for (const s of info.scopes) {
          const decision = engine.check({ actor: m.id, action: claim.action, resource: s.id, now: NOW });
          assert.equal(engine.effect(m.id, claim.action, s.id, NOW), decision.ok ? decision.effect : null);
          compared++;
        }
      }
    }
    assert.ok(compared > 0, "the example has claims");
    engine.close();
  });

  test("memberAbilities answers as the native abilities, for every actor and member of the example", async () => {
    const engine = await createEngine(exampleText);
    const members = JSON.parse(exampleText).members.map((/** @type {{ id: string }} */ m) => m.id);
    let offered = 0;
    for (const actor of members) {
      for (const member of members) {
        const answer = engine.memberAbilities(actor, member, NOW);
        assert.deepEqual(answer, nativeJson(["abilities", EXAMPLE, actor, member, "--now", NOW]), `${actor} on ${member}`);
        assert.deepEqual(engine.memberAbilities({ actor, member, now: NOW }), answer, "with a query object");
        offered += answer.abilities.length;
      }
    }
    assert.ok(offered > 0);
    // Olivia (super admin) may change Alex's role; Raj (admin) may not touch Olivia.
    assert.ok(engine.memberAbilities("m-olivia", "m-alex", NOW).abilities.some((a) => a.op === "change_role"));
    assert.deepEqual(engine.memberAbilities("m-raj", "m-olivia", NOW).abilities, []);
    const ghost = engine.memberAbilities("m-ghost", "m-alex", NOW);
    assert.deepEqual(codes(ghost), ["unknown_member@/actor"]);
    engine.close();
  });

  test("checkAttributes answers as the native attributes, for every action of the example", async () => {
    const engine = await createEngine(exampleText);
    const bundle = JSON.parse(exampleText);
    const actions = [
      ...bundle.permissions.map((/** @type {{ id: string }} */ p) => p.id),
      ...(bundle.selfUpgrades ?? []).map((/** @type {{ action: string }} */ u) => u.action),
      ...(bundle.claims ?? []).map((/** @type {{ action: string }} */ c) => c.action),
    ];
    for (const action of actions) {
      const answer = engine.checkAttributes(action);
      assert.deepEqual(answer, nativeJson(["attributes", EXAMPLE, action]), action);
      assert.deepEqual(engine.checkAttributes({ action }), answer, "with a query object");
    }
    assert.deepEqual(codes(engine.checkAttributes("no.such")), ["unknown_action@/action"]);
    engine.close();
  });

  test("requestableRoles answers as the native requestable, for every member of the example", async () => {
    const engine = await createEngine(exampleText);
    const members = JSON.parse(exampleText).members.map((/** @type {{ id: string }} */ m) => m.id);
    let offered = 0;
    for (const actor of members) {
      const answer = engine.requestableRoles(actor, NOW);
      assert.deepEqual(answer, nativeJson(["requestable", EXAMPLE, actor, "--now", NOW]), actor);
      assert.deepEqual(engine.requestableRoles({ actor, now: NOW }), answer, "with a query object");
      offered += answer.scopes.length;
    }
    assert.ok(offered > 0);
    assert.deepEqual(codes(engine.requestableRoles("m-ghost", NOW)), ["unknown_member@/actor"]);
    engine.close();
  });

  test("openVerifications answers as the native verifications", async (t) => {
    const engine = await createEngine(exampleText);
    const cs = (/** @type {string} */ actor, /** @type {object[]} */ operations) =>
      ({ format: "rolegate-changeset/1", baseRevision: engine.revision, actor, now: NOW, operations });
    const dir = tempDir(t);
    const cases = [
      cs("m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]),
      cs("m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }, { op: "complete_self_upgrade", role: "billing.admin", scope: "acc-1003" }]),
      cs("m-olivia", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]),
      cs("m-george", []),
      { ...cs("m-george", []), baseRevision: "fnv1a64:0000000000000000" },
    ];
    cases.forEach((c, i) => {
      const file = path.join(dir, `cs-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(c));
      assert.deepEqual(engine.openVerifications(c), nativeJson(["verifications", EXAMPLE, file]), `case ${i}`);
    });
    const asked = engine.openVerifications(cases[0]);
    assert.equal(asked.verifications.length, 1);
    assert.deepEqual(asked.made, [asked.verifications[0].id]);
    assert.deepEqual(engine.openVerifications(cases[1]).verifications, []);
    assert.deepEqual(codes(engine.openVerifications(cases[4])), codes(engine.simulate(cases[4])));
    engine.close();
  });

  test("diff lists the differences verify lists", async () => {
    const engine = await createEngine(exampleText);
    const cs = { format: "rolegate-changeset/1", baseRevision: engine.revision, actor: "m-olivia", now: NOW,
      operations: [{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" }] };
    const preview = engine.simulate(cs);
    const tampered = { ...preview, summary: { ...preview.summary, allowed: 0 }, extra: [1] };
    const verified = engine.verify(cs, tampered);
    assert.equal(verified.match, false);
    assert.deepEqual((await api.diff(tampered, preview)).differences, verified.differences);
    assert.deepEqual(await api.diff("{}", "{}"), { ok: true, differences: [] });
    assert.equal((await api.diff("{", "{}")).ok, false, "text that is not JSON is an error");
    engine.close();
  });

  test("whatCan, whoCan and visibleMembers answer as the native what-can, who-can and visible", async () => {
    const engine = await createEngine(exampleText);
    const cases = [
      ["whatCan", "what-can", "m-uma", "acc-1001"],
      ["whatCan", "what-can", "m-raj", "svc-5001"],
      ["whatCan", "what-can", "m-ivan", "acc-1004"],
      ["whoCan", "who-can", "billing.tag_services", "acc-1001"],
      ["whoCan", "who-can", "apps.buy", "acc-1001"],
      ["visibleMembers", "visible", "m-uma", "acc-1001"],
      ["visibleMembers", "visible", "m-olivia", "acc-1001"],
      ["whatCan", "what-can", "m-ghost", "acc-1001"],
      ["whoCan", "who-can", "billing.fly", "acc-1001"],
      ["visibleMembers", "visible", "m-uma", "acc-0000"],
    ];
    for (const [method, cli, id, scope] of cases) {
      const expected = nativeJson([cli, EXAMPLE, id, scope]);
      const answer = engine[method](id, scope);
      assert.deepEqual(answer, expected, `${method}(${id}, ${scope})`);
      const key = { whatCan: "member", whoCan: "action", visibleMembers: "actor" }[method];
      assert.deepEqual(engine[method]({ [key]: id, scope }), answer, `${method} with a query object`);
    }
    // Checked answers, not only equal ones.
    const uma = engine.whatCan("m-uma", "acc-1001");
    assert.equal(uma.ok, true);
    assert.ok(uma.permissions.some((p) => p.permission === "billing.pay"));
    assert.ok(!uma.permissions.some((p) => p.permission === "billing.tag_services"));
    assert.deepEqual(engine.whoCan("billing.tag_services", "acc-1001").members.map((m) => m.member), ["m-alex", "m-olivia", "m-raj"]);
    assert.equal(engine.whoCan("apps.buy", "acc-1001").applies, false);
    const ghost = engine.whatCan("m-ghost", "acc-1001");
    assert.equal(ghost.ok, false);
    assert.deepEqual(codes(ghost), ["unknown_member@/member"]);
    // `now` leaves out expired bindings; given as the third argument.
    assert.deepEqual(engine.whatCan("m-uma", "acc-1001", NOW), engine.whatCan({ member: "m-uma", scope: "acc-1001", now: NOW }));
    engine.close();
  });

  test("analyze answers as native analyze --format json", async () => {
    const engine = await createEngine(exampleText);
    const analysis = engine.analyze();
    assert.deepEqual(analysis, nativeJson(["analyze", "--format", "json", EXAMPLE]));
    assert.equal(analysis.ok, true);
    assert.deepEqual(analysis.summary, { error: 0, warning: 4, info: 0 });
    assert.deepEqual(analysis.findings.map((f) => `${f.code}@${f.pointer}`), [
      "escalation_path@/roles/5", "lockout_risk@/scopeTypes/1", "lockout_risk@/scopeTypes/2", "lockout_risk@/scopeTypes/3",
    ]);
    engine.close();
  });

  test("simulate and verify answer as native simulate and verify", async (t) => {
    const dir = tempDir(t);
    const engine = await createEngine(exampleText);
    const cs = {
      format: "rolegate-changeset/1",
      baseRevision: engine.revision,
      actor: "m-olivia",
      now: NOW,
      operations: [{ op: "change_role", member: "m-raj", scope: "acc-1001", role: "billing.super_admin" }],
    };
    const csFile = path.join(dir, "promote.json");
    fs.writeFileSync(csFile, JSON.stringify(cs));

    const result = engine.simulate(cs);
    assert.deepEqual(result, nativeJson(["simulate", EXAMPLE, csFile]));
    assert.equal(result.ok, true);
    assert.equal(result.operations[0].effect, "allow");
    assert.equal(result.summary.blocked, false);
    assert.notEqual(result.revisionAfter, engine.revision);
    assert.ok(result.events.some((e) => e.event === "role_upgraded" && e.to === "m-raj"));
    assert.equal(result.bundleAfter, undefined, "no bundleAfter unless asked");

    const withBundle = engine.simulate(JSON.stringify(cs), { bundleAfter: true });
    assert.deepEqual(withBundle, nativeJson(["simulate", "--bundle-after", EXAMPLE, csFile]));
    assert.equal(withBundle.bundleAfter.revision, result.revisionAfter);
    assert.equal(withBundle.bundleAfter.bindings.find((b) => b.member === "m-raj" && b.scope === "acc-1001").role, "billing.super_admin");

    // verify: the preview as simulated matches; a tampered one lists its differences.
    const verified = engine.verify(cs, result);
    assert.deepEqual(verified, { ok: true, match: true, committable: true, revision: engine.revision, differences: [] });
    const previewFile = path.join(dir, "preview.json");
    fs.writeFileSync(previewFile, JSON.stringify(result));
    assert.deepEqual(verified, nativeJson(["verify", EXAMPLE, csFile, previewFile]));
    const tampered = structuredClone(result);
    tampered.operations[0].effect = "deny";
    const mismatch = engine.verify(JSON.stringify(cs), JSON.stringify(tampered));
    assert.equal(mismatch.match, false);
    assert.ok(mismatch.differences.some((d) => d.pointer === "/operations/0/effect" && d.expected === "deny" && d.actual === "allow"));
    fs.writeFileSync(previewFile, JSON.stringify(tampered));
    assert.deepEqual(mismatch, nativeJson(["verify", EXAMPLE, csFile, previewFile]));

    // Invalid change sets: the native codes and pointers.
    const invalid = [
      { ...cs, baseRevision: "fnv1a64:0000000000000000" },
      { ...cs, operations: [{ op: "explode" }] },
      { ...cs, operations: [{ op: "change_role", member: "m-ghost", scope: "acc-1001" }] },
    ];
    for (const [i, bad] of invalid.entries()) {
      const file = path.join(dir, `bad-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(bad));
      const answer = engine.simulate(bad);
      assert.equal(answer.ok, false);
      assert.deepEqual(answer, nativeJson(["simulate", EXAMPLE, file]), JSON.stringify(bad));
      assert.deepEqual(engine.verify(bad, result), nativeJson(["verify", EXAMPLE, file, previewFile]));
    }
    assert.deepEqual(codes(engine.simulate(invalid[0])), ["stale_revision@/baseRevision"]);

    // verifyChain: two steps, the second on the bundle the first leaves, as native verify-chain.
    const next = await createEngine(withBundle.bundleAfter);
    const cs2 = { ...cs, baseRevision: next.revision, operations: [{ op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.advanced_user" }] };
    const chain = { format: "rolegate-changechain/1", baseRevision: engine.revision, steps: [{ changeSet: cs, preview: result }, { changeSet: cs2, preview: next.simulate(cs2) }] };
    next.close();
    const chainFile = path.join(dir, "chain.json");
    fs.writeFileSync(chainFile, JSON.stringify(chain));
    const chained = engine.verifyChain(chain);
    assert.equal(chained.match, true, JSON.stringify(chained));
    assert.equal(chained.revision, cs2.baseRevision, "the last step's base");
    assert.deepEqual(chained, nativeJson(["verify-chain", EXAMPLE, chainFile]));
    assert.deepEqual(engine.verifyChain(fs.readFileSync(chainFile)), chained, "the file's bytes");
    assert.deepEqual(engine.verifyChain(JSON.stringify(chain)), chained, "text");
    const forged = structuredClone(chain);
    forged.steps[1].preview.operations[0].effect = "deny";
    fs.writeFileSync(chainFile, JSON.stringify(forged));
    const caught = engine.verifyChain(forged);
    assert.deepEqual(caught.differences.map((d) => d.pointer), ["/steps/1/preview/operations/0/effect"]);
    assert.deepEqual(caught, nativeJson(["verify-chain", EXAMPLE, chainFile]));
    // Step 2 first is stale on this policy; a download of change sets alone is no chain.
    for (const [doc, expected] of [
      [{ ...chain, steps: [chain.steps[1]] }, ["stale_revision@/steps/0/changeSet/baseRevision"]],
      [{ format: chain.format, changeSets: [cs, cs2] }, ["missing_field@/steps"]],
      [{ ...chain, format: 1 }, ["unsupported_format@/format"]],
    ]) {
      fs.writeFileSync(chainFile, JSON.stringify(doc));
      const answer = engine.verifyChain(doc);
      assert.deepEqual(codes(answer), expected);
      assert.deepEqual(answer, nativeJson(["verify-chain", EXAMPLE, chainFile]));
    }
    engine.close();
  });

  test("approvalStatus of a request recorded by a simulation answers as native approval", async (t) => {
    const dir = tempDir(t);
    const bundle = JSON.parse(exampleText);
    bundle.approvalRules = [
      { id: "big.change", actions: ["roles.manage"], when: [{ attribute: "amount", op: "gt", value: 100 }], approvers: { roles: ["billing.super_admin"] }, quorum: 1, expiresAfterDays: 7 },
    ];
    const engine = await createEngine(bundle);
    assert.equal(engine.ok, true, JSON.stringify(engine.errors));
    const cs = {
      format: "rolegate-changeset/1", baseRevision: engine.revision, actor: "m-raj", now: NOW,
      operations: [{ op: "change_role", member: "m-uma", scope: "acc-1001", role: "billing.advanced_user", attributes: { amount: 500 } }],
    };
    const result = engine.simulate(cs, { bundleAfter: true });
    assert.equal(result.operations[0].effect, "conditional");
    const [request] = result.bundleAfter.approvalRequests;
    assert.ok(request, "the conditional operation recorded an approval request");

    const pending = await createEngine(result.bundleAfter);
    const file = path.join(dir, "pending.json");
    fs.writeFileSync(file, JSON.stringify(result.bundleAfter));
    const status = pending.approvalStatus(request.id, NOW);
    assert.deepEqual(status, nativeJson(["approval", file, request.id, "--now", NOW]));
    assert.equal(status.status, "pending");
    assert.deepEqual(status.eligible, ["m-olivia"]);
    const later = pending.approvalStatus({ request: request.id, now: "2026-12-09T00:00:00Z" });
    assert.deepEqual(later, nativeJson(["approval", file, request.id, "--now", "2026-12-09T00:00:00Z"]));
    assert.equal(later.status, "expired");
    const unknown = pending.approvalStatus("request-404", NOW);
    assert.deepEqual(unknown, nativeJson(["approval", file, "request-404", "--now", NOW]));
    assert.deepEqual(codes(unknown), ["unknown_request@/request"]);
    engine.close();
    pending.close();
  });

  test("close() releases the policy: later calls answer {ok: false}", async () => {
    const engine = await createEngine(exampleText);
    const other = await createEngine(exampleText);
    const request = req("m-uma", "billing.pay", "acc-1001");
    assert.equal(engine.check(request).effect, "allow");
    engine.close();
    engine.close(); // twice is harmless
    for (const answer of [
      engine.check(request),
      engine.checkBatch([request]),
      engine.whatCan("m-uma", "acc-1001"),
      engine.whoCan("billing.pay", "acc-1001"),
      engine.visibleMembers("m-uma", "acc-1001"),
      engine.approvalStatus("request-1", NOW),
      engine.simulate({}),
      engine.verify({}, {}),
      engine.verifyChain({}),
      engine.analyze(),
    ]) {
      assert.equal(answer.ok, false);
      assert.deepEqual(codes(answer), ["engine_closed@"]);
    }
    assert.equal(engine.effect("m-uma", "billing.pay", "acc-1001", NOW), null);
    // Other engines are untouched.
    assert.equal(other.check(request).effect, "allow");
    other.close();
  });

  test("a large generated bundle (50,000 members, 100,000 bindings) loads and answers", async () => {
    const bundle = largeBundle(new Rng(2026), { members: 50000, groups: 500, accountsPerGroup: 10, bindingsPerMember: 2 });
    const text = JSON.stringify(bundle);
    assert.ok(text.length > 8 * 1024 * 1024, "larger than the module's initial memory allows without growing");
    const before = await api.memoryBytes();
    const t0 = performance.now();
    const engine = await createEngine(text);
    const loadMs = performance.now() - t0;
    assert.equal(engine.ok, true, JSON.stringify(engine.errors?.slice(0, 3)));
    const after = await api.memoryBytes();
    assert.equal(after % 65536, 0, "whole pages of WebAssembly memory");
    assert.ok(after >= before && after > text.length, `the module's memory holds the bundle: ${before} -> ${after}`);
    assert.equal(engine.summary.counts.members, 50000);
    assert.equal(engine.summary.counts.bindings, 100000);
    assert.equal(engine.summary.counts.scopes, 5500);
    // m0 holds role.3 (perm.0 to perm.39, members.manage) on account a0.
    const decision = engine.check({ actor: "m0", action: "perm.35", resource: "a0", now: NOW });
    assert.equal(decision.effect, "allow");
    assert.deepEqual(decision.reasons.map((r) => [r.code, r.role, r.scope]), [["granted_by", "role.3", "a0"]]);
    assert.equal(engine.effect("m0", "perm.35", "a0", NOW), "allow");
    assert.equal(engine.effect("m0", "perm.35", "a1", NOW), "deny");
    assert.equal(engine.effect("m49999", "perm.0", "g0", NOW) !== null, true);
    const batch = engine.checkBatch(Array.from({ length: 1000 }, (_, i) => ({ actor: `m${i * 50}`, action: `perm.${i % 40}`, resource: `a${i % 5000}`, now: NOW })));
    assert.equal(batch.length, 1000);
    assert.ok(batch.every((r) => r.ok === true));
    assert.equal(engine.whoCan("perm.35", "a0").members.some((m) => m.member === "m0"), true);
    console.log(`large bundle: ${(text.length / 1048576).toFixed(1)} MiB loaded in ${loadMs.toFixed(0)} ms`);
    engine.close();
  });

  test("every document may be given as bytes: invalid UTF-8 is refused exactly as natively", async (t) => {
    const dir = tempDir(t);
    const example = fs.readFileSync(EXAMPLE);
    // Bytes in every form a caller may hold them give the same policy as the text.
    const text = await createEngine(exampleText);
    for (const bytes of [example, new Uint8Array(example), example.buffer.slice(example.byteOffset, example.byteOffset + example.length), new DataView(new Uint8Array(example).buffer)]) {
      const engine = await createEngine(bytes);
      assert.equal(engine.ok, true, JSON.stringify(engine.errors));
      assert.equal(engine.revision, text.revision);
      engine.close();
    }
    text.close();

    // The example with one string's bytes broken: a lone continuation byte, an
    // overlong "/", a UTF-16 surrogate written as UTF-8, a sequence cut short.
    const name = Buffer.from('"name": "');
    const at = example.indexOf(name) + name.length;
    const broken = {
      "lone continuation": [0x80],
      "overlong slash": [0xc0, 0xaf],
      "encoded surrogate": [0xed, 0xa0, 0x80],
      "cut short": [0xe2, 0x82],
    };
    for (const [what, bad] of Object.entries(broken)) {
      const bytes = Buffer.concat([example.subarray(0, at), Buffer.from(bad), example.subarray(at)]);
      const file = path.join(dir, `${what.replace(/ /g, "-")}.json`);
      fs.writeFileSync(file, bytes);
      const expected = nativeJson(["validate", "--format", "json", file]);
      assert.equal(expected.ok, false, what);
      assert.deepEqual(codes(expected), ["parse_error@"], what);
      assert.deepEqual(await validate(bytes), expected, what);
      assert.deepEqual(await createEngine(new Uint8Array(bytes)), expected, what);
      // Read as text first, the same file would have loaded: the bytes are the point.
      assert.equal((await validate(bytes.toString("utf8"))).ok, true, what);

      // A scenario naming the broken file as its bundle, both given as bytes.
      const scenarioFile = path.join(dir, `${what.replace(/ /g, "-")}.scenario.json`);
      const scenario = Buffer.from(JSON.stringify({ name: what, bundle: path.basename(file), cases: [] }));
      fs.writeFileSync(scenarioFile, scenario);
      const report = native(["test", "--format", "json", scenarioFile]);
      assert.deepEqual(
        [await api.runScenario(scenario, { [path.basename(file)]: bytes })],
        JSON.parse(report.stdout),
        what,
      );
    }

    // Requests, queries, change sets and previews as bytes, broken the same way.
    const engine = await createEngine(example);
    const request = (bytes) => Buffer.concat([Buffer.from('{"actor": "m-'), Buffer.from(bytes), Buffer.from(`", "action": "billing.pay", "resource": "acc-1001", "now": "${NOW}"}`)]);
    for (const bad of Object.values(broken)) {
      const bytes = request(bad);
      // Native, from the file's bytes (not through a JS string, which would mend them).
      const file = path.join(dir, "request.json");
      fs.writeFileSync(file, bytes);
      const fromBytes = nativeJson(["check", EXAMPLE, file]);
      assert.deepEqual(codes(fromBytes), ["parse_error@"]);
      assert.deepEqual(engine.check(bytes), fromBytes);
      assert.deepEqual(engine.checkBatch(Buffer.concat([Buffer.from("["), bytes, Buffer.from("]")])).errors.map((e) => e.code), ["parse_error"]);
      assert.deepEqual(engine.whatCan(Buffer.concat([Buffer.from('{"member": "m-'), Buffer.from(bad), Buffer.from('", "scope": "acc-1001"}')])).errors.map((e) => e.code), ["parse_error"]);
      const changeSet = Buffer.concat([Buffer.from('{"actor": "m-'), Buffer.from(bad), Buffer.from(`", "now": "${NOW}", "operations": []}`)]);
      fs.writeFileSync(file, changeSet);
      const simulated = nativeJson(["simulate", EXAMPLE, file]);
      assert.deepEqual(codes(simulated), ["parse_error@"]);
      assert.deepEqual(engine.simulate(changeSet), simulated);
      assert.deepEqual(engine.verify(changeSet, "{}").errors.map((e) => e.code), ["parse_error"]);
    }
    // Well-formed bytes are answered as the same text is.
    const good = Buffer.from(JSON.stringify(req("m-uma", "billing.pay", "acc-1001")));
    assert.deepEqual(engine.check(good), engine.check(good.toString("utf8")));
    engine.close();
  });

}
