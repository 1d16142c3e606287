import assert from "node:assert/strict";
import { test } from "node:test";
import * as rolegate from "../../build/wasm/rolegate.mjs";
import { compareVerdict } from "../../web/js/logic/compare.js";
import { readParams, writeParams } from "../../web/js/logic/params.js";
import { changeSet, example } from "./helpers.mjs";

test("JSON differences as pointers, by the engine's diff (as verify lists them)", async () => {
  const differences = async (/** @type {unknown} */ a, /** @type {unknown} */ b) => (await rolegate.diff(a, b)).differences;
  assert.deepEqual(await differences({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }), []);
  assert.deepEqual(await differences({ a: 1, b: [1, 2], "x/y": 0 }, { a: 2, b: [1], c: true, "x/y": 0 }), [
    { pointer: "/a", expected: 1, actual: 2 },
    { pointer: "/b/1", expected: 2 },
    { pointer: "/c", actual: true },
  ]);
  assert.deepEqual(await differences({ "x/y": 1 }, { "x/y": 2 }), [{ pointer: "/x~1y", expected: 1, actual: 2 }]);
});

test("a backend's verdict: a verification, a simulation, an error list, or something else", async () => {
  const { engine } = await example("bt-business");
  const cs = changeSet(engine, "m-olivia", [{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" }]);
  const preview = engine.simulate(cs);
  assert.deepEqual(await compareVerdict(engine.verify(cs, preview), preview, rolegate), { kind: "match", committable: true });
  // A matching preview of a blocked change (Raj may not make Alex super admin) is
  // a match that cannot be committed.
  const denied = changeSet(engine, "m-raj", [{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.super_admin" }]);
  const deniedPreview = engine.simulate(denied);
  assert.equal(deniedPreview.summary.blocked, true);
  assert.deepEqual(await compareVerdict(engine.verify(denied, deniedPreview), deniedPreview, rolegate), { kind: "match", committable: false });
  const tampered = { ...preview, summary: { ...preview.summary, allowed: 0 } };
  const verdict = await compareVerdict(engine.verify(cs, tampered), tampered, rolegate);
  assert.equal(verdict.kind, "differences");
  assert.deepEqual(verdict.differences.map((d) => d.pointer), ["/summary/allowed"]);
  assert.deepEqual((await compareVerdict(preview, preview, rolegate)), { kind: "match" }, "a simulation result is compared here");
  assert.equal((await compareVerdict(tampered, preview, rolegate)).kind, "differences");
  assert.equal((await compareVerdict({ ok: false, errors: [{ code: "stale_revision", pointer: "/baseRevision", message: "stale" }] }, preview, rolegate)).kind, "rejected");
  assert.equal((await compareVerdict({ hello: 1 }, preview, rolegate)).kind, "unknown");
  assert.equal((await compareVerdict("text", preview, rolegate)).kind, "unknown");
});

test("query parameters in and out", () => {
  assert.deepEqual(readParams("?example=bt-business&backend=http://x/verify&tab=changes"), {
    example: "bt-business", bundle: null, backend: "http://x/verify", actor: null, now: null, tab: "changes", offline: false,
  });
  assert.equal(readParams("?tab=nowhere").tab, null);
  assert.equal(readParams("?tab=inbox").tab, "inbox");
  assert.equal(readParams("?offline").offline, true);
  assert.equal(readParams("?bundle=%2Fb.json").bundle, "/b.json");
  assert.equal(writeParams({ example: "account-hub", actor: "m-lena", tab: "access" }), "?example=account-hub&actor=m-lena&tab=access");
  assert.equal(writeParams({}), "");
});
