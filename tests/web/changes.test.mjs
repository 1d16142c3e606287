import assert from "node:assert/strict";
import { test } from "node:test";
import { appendOperations, buildChangeSet, emptyDraft, moveOperation, readChangeSet, removeOperation, replaceOperations } from "../../web/js/logic/changeset.js";
import { canRedo, canUndo, createHistory, record, redo, undo, UNDO_LIMIT } from "../../web/js/logic/history.js";

test("undo and redo walk back and forth; a new step drops what was undone", () => {
  let h = createHistory(0);
  assert.ok(!canUndo(h) && !canRedo(h));
  h = record(h, 1);
  h = record(h, 2);
  h = undo(h);
  assert.equal(h.present, 1);
  assert.ok(canRedo(h));
  h = redo(h);
  assert.equal(h.present, 2);
  h = undo(undo(h));
  assert.equal(h.present, 0);
  assert.equal(undo(h), h, "nothing before the start");
  h = record(h, 5);
  assert.equal(h.present, 5);
  assert.ok(!canRedo(h), "the undone steps are gone");
  assert.equal(record(h, 5), h, "recording the same value is no step");
});

test("undo reaches back a bounded number of steps", () => {
  let h = createHistory(0);
  for (let i = 1; i <= UNDO_LIMIT + 10; i++) h = record(h, i);
  assert.equal(h.past.length, UNDO_LIMIT);
});

test("operations are appended, moved and removed, each step undoable", () => {
  const a = { op: "block", member: "m-a" };
  const b = { op: "unblock", member: "m-b" };
  let d = appendOperations(emptyDraft(), [a]);
  d = appendOperations(d, [b]);
  assert.deepEqual(d.present, [a, b]);
  d = moveOperation(d, 1, -1);
  assert.deepEqual(d.present, [b, a]);
  assert.equal(moveOperation(d, 0, -1), d, "the first cannot move up");
  d = removeOperation(d, 0);
  assert.deepEqual(d.present, [a]);
  d = undo(d);
  assert.deepEqual(d.present, [b, a]);
  d = replaceOperations(d, []);
  assert.deepEqual(undo(d).present, [b, a]);
});

test("the change set document", () => {
  const cs = buildChangeSet({ revision: "fnv1a64:1", actor: "m-a", now: "2026-12-01T09:00:00Z", operations: [] });
  assert.deepEqual(cs, { format: "rolegate-changeset/1", baseRevision: "fnv1a64:1", actor: "m-a", now: "2026-12-01T09:00:00Z", operations: [] });
});

test("reading a change set file: taken over onto the loaded revision, or refused with a reason", () => {
  const text = JSON.stringify({ format: "rolegate-changeset/1", baseRevision: "fnv1a64:old", actor: "m-a", now: "2026-12-01T09:00:00Z", operations: [{ op: "block", member: "m-b" }] });
  const read = readChangeSet(text, "fnv1a64:new");
  assert.ok(read.ok);
  assert.equal(read.rebasedFrom, "fnv1a64:old");
  assert.equal(read.actor, "m-a");
  assert.equal(readChangeSet(text, "fnv1a64:old").rebasedFrom, null);
  assert.match(readChangeSet("{", "x").error, /^not JSON/);
  assert.match(readChangeSet('{"format":"rolegate/1"}', "x").error, /not a change set/);
  assert.match(readChangeSet('{"format":"rolegate-changeset/1","operations":[]}', "x").error, /no actor/);
});
