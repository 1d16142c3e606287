// The operation kinds the admin app knows (web/js/ops/, one module each) are the
// engine's (`operationKinds()` of the JavaScript API), in the engine's order, so that
// a kind added to the engine is not silently missing from the app.
import { test } from "node:test";
import assert from "node:assert/strict";
import { operationKinds } from "../../build/wasm/rolegate.mjs";
import { BUILDER_ORDER, KINDS, opKind, useEngineKinds } from "../../web/js/ops/index.js";
import { FIELDS, OPERATION_KINDS, availableKinds } from "../../web/js/logic/operations.js";

/**
 * Kinds of the engine the app deliberately never offers, with the reason. None:
 * the app knows every kind the engine has. A kind listed here must not be in
 * web/js/ops/index.js.
 * @type {Record<string, string>}
 */
const LEFT_OUT = {};

test("the app's operation kinds are the engine's, in the engine's order", async () => {
  const engine = (await operationKinds()).kinds.map((k) => k.name);
  const expected = engine.filter((name) => !(name in LEFT_OUT));
  assert.deepEqual(KINDS.map((k) => k.name), expected);
  for (const name of Object.keys(LEFT_OUT)) assert.ok(engine.includes(name), `${name} is left out, but the engine has no such kind`);
});

test("each kind's module is named after the kind and found by it", () => {
  for (const kind of KINDS) {
    assert.equal(opKind(kind.name), kind);
    assert.ok(kind.label && kind.group, `${kind.name} has a label and a group`);
    assert.equal(typeof kind.describe, "function", `${kind.name} is described in words`);
  }
});

test("the builder lists every kind once; a kind without a form is made in the role editor", () => {
  assert.deepEqual([...BUILDER_ORDER].sort(), KINDS.map((k) => k.name).sort());
  assert.deepEqual(OPERATION_KINDS.map((k) => k.kind), BUILDER_ORDER);
  for (const kind of KINDS) {
    if (kind.fields === null) assert.ok(kind.roleEditor, `${kind.name} has a form or the role editor`);
    else assert.deepEqual(FIELDS[kind.name], kind.fields);
  }
});

test("a bundle offers a kind as the engine says policies support it", async () => {
  const { kinds } = await operationKinds();
  useEngineKinds(kinds);  // as the app does when the engine starts
  const engine = new Map(kinds.map((k) => [k.name, k]));
  const offeredBy = (/** @type {Record<string, unknown>} */ mapped) => new Set(availableKinds(mapped).map((k) => k.kind));
  const none = offeredBy({});
  for (const kind of KINDS) {
    const e = engine.get(kind.name);
    if (!BUILDER_ORDER.includes(kind.name)) continue;
    assert.equal(none.has(kind.name), e?.everyPolicy === true, `${kind.name} in a policy that maps nothing`);
    assert.ok(offeredBy({ [kind.name]: { action: "x" } }).has(kind.name), `${kind.name} when mapped`);
    if (e?.entryOf) assert.ok(offeredBy({ [e.entryOf]: { action: "x" } }).has(kind.name), `${kind.name} with ${e.entryOf}`);
  }
});
