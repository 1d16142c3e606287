import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { describePointer, linesAround, pointerTokens, previewValue, readableErrors, resolvePointer } from "../../web/js/logic/errors.js";
import { repo } from "./helpers.mjs";

test("JSON Pointers: tokens, values, and where they point in words", () => {
  assert.deepEqual(pointerTokens(""), []);
  assert.deepEqual(pointerTokens("/a~1b/c~0d/0"), ["a/b", "c~d", "0"]);
  const doc = { bindings: [{ id: "b-1", member: "m-a" }, { member: "m-ghost" }], "a/b": 1 };
  assert.equal(resolvePointer(doc, "/bindings/1/member"), "m-ghost");
  assert.equal(resolvePointer(doc, "/a~1b"), 1);
  assert.equal(resolvePointer(doc, "/bindings/9"), undefined);
  assert.equal(describePointer(doc, "/bindings/0/member"), "bindings › 1st (b-1) › member");
  assert.equal(describePointer(doc, "/bindings/1/member"), "bindings › 2nd › member");
  assert.equal(describePointer(doc, ""), "the whole document");
  assert.equal(previewValue("x".repeat(100), 10), `"${"x".repeat(8)}…`);
});

test("every error of a broken bundle, readable, in the engine's order", async () => {
  const text = readFileSync(path.join(repo, "tests/data/invalid/dozen-mistakes.json"), "utf8");
  const result = await createEngine(text);
  assert.equal(result.ok, false);
  const errors = readableErrors(result.errors, text);
  assert.equal(errors.length, result.errors.length);
  assert.ok(errors.length >= 12);
  const ghost = errors.find((e) => e.code === "unknown_member");
  assert.equal(ghost.pointer, "/bindings/2/member");
  assert.match(ghost.where, /^bindings › 3rd( \(.+\))? › member$/);
  assert.equal(ghost.value, '"m-ghost"');
  assert.ok(errors.every((e) => typeof e.message === "string" && e.message.length > 0));
});

test("a parse error names its line; the lines around it are shown", async () => {
  const text = readFileSync(path.join(repo, "tests/data/invalid/malformed.json"), "utf8");
  const result = await createEngine(text);
  const [error] = readableErrors(result.errors, text);
  assert.equal(error.code, "parse_error");
  assert.equal(error.where, "the whole document");
  assert.equal(typeof error.line, "number");
  const lines = linesAround(text, error.line);
  assert.equal(lines.filter((l) => l.here).length, 1);
});
