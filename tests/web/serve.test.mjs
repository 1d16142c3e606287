import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { get } from "node:http";
import { after, before, test } from "node:test";
import { firstHeading } from "../../scripts/build-web.mjs";
import { resolveRequestPath, startServer } from "../../scripts/serve.mjs";

let root, server, url;
before(async () => {
  root = mkdtempSync(path.join(tmpdir(), "rolegate-serve-"));
  mkdirSync(path.join(root, "engine"));
  mkdirSync(path.join(root, "examples"));
  writeFileSync(path.join(root, "index.html"), "<!doctype html><title>x</title>");
  writeFileSync(path.join(root, "engine", "rolegate_core.wasm"), Buffer.from([0, 97, 115, 109]));
  writeFileSync(path.join(root, "engine", "rolegate.mjs"), "export {};");
  writeFileSync(path.join(root, "examples", "index.json"), "[]");
  writeFileSync(path.join(tmpdir(), "rolegate-serve-secret.txt"), "secret");
  ({ server, url } = await startServer({ root, port: 0 }));
});
after(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(path.join(tmpdir(), "rolegate-serve-secret.txt"), { force: true });
});

/** The status of a GET whose path is sent as is (fetch would normalise it). */
function rawStatus(rawPath) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    get({ hostname, port, path: rawPath }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on("error", reject);
  });
}

test("files are served with their MIME types", async () => {
  const cases = [
    ["", "text/html; charset=utf-8"],
    ["index.html", "text/html; charset=utf-8"],
    ["engine/rolegate_core.wasm", "application/wasm"],
    ["engine/rolegate.mjs", "text/javascript; charset=utf-8"],
    ["examples/index.json", "application/json; charset=utf-8"],
  ];
  for (const [file, type] of cases) {
    const response = await fetch(url + file);
    assert.equal(response.status, 200, file);
    assert.equal(response.headers.get("content-type"), type, file);
  }
  const query = await fetch(`${url}index.html?example=bt-business`);
  assert.equal(query.status, 200, "the query string is not part of the path");
});

test("missing files are 404; a directory without its slash is redirected", async () => {
  assert.equal((await fetch(`${url}nothing.js`)).status, 404);
  const redirect = await fetch(`${url}engine`, { redirect: "manual" });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get("location"), "/engine/");
  assert.equal((await fetch(`${url}engine/`)).status, 404, "no listing, no index.html there");
});

test("nothing outside the root, and only GET and HEAD", async () => {
  for (const p of ["/../rolegate-serve-secret.txt", "/%2e%2e/rolegate-serve-secret.txt", "/engine/..%2f..%2frolegate-serve-secret.txt", "/a%00b", "/%E0%A4%A"]) {
    assert.equal(resolveRequestPath(root, p), null, p);
  }
  assert.equal(resolveRequestPath(root, "/engine/./rolegate.mjs"), path.join(root, "engine", "rolegate.mjs"));
  for (const raw of ["/../rolegate-serve-secret.txt", "/%2e%2e/rolegate-serve-secret.txt", "/..%2frolegate-serve-secret.txt"]) {
    assert.equal(await rawStatus(raw), 400, raw);
  }
  assert.equal((await fetch(url, { method: "POST", body: "x" })).status, 405);
  const head = await fetch(`${url}index.html`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
});

test("an example's title is its README's first heading", () => {
  assert.equal(firstHeading("intro\n# BT Business \"My Account\" roles\n\n## More"), 'BT Business "My Account" roles');
  assert.equal(firstHeading("no heading"), null);
});
