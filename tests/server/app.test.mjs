// `rolegate serve --app DIR`: the app from the origin of the API. Types by
// extension, gzip when accepted, ETag and 304, HEAD, index.html for / and
// directories, and nothing outside DIR (dot-dot segments, encoded or not, and
// symbolic links that leave it). The API beside it is unchanged.
// Loopback only; the server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import { skip, tempDir, fixture, startServer, stop, stopAll, call } from "./lib.mjs";

let server, dir, app;
const script = `export const answer = ${JSON.stringify("x".repeat(2000))};\n`;

before(async () => {
  if (skip) return;
  dir = tempDir();
  app = path.join(dir, "app");
  fs.mkdirSync(path.join(app, "js"), { recursive: true });
  fs.mkdirSync(path.join(app, "docs"), { recursive: true });
  fs.writeFileSync(path.join(app, "index.html"), "<!doctype html><title>app</title>\n");
  fs.writeFileSync(path.join(app, "js", "main.js"), script);
  fs.writeFileSync(path.join(app, "styles.css"), "body { color: black; }\n");
  fs.writeFileSync(path.join(app, "engine.wasm"), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(app, "docs", "index.html"), "<p>docs</p>\n");
  fs.writeFileSync(path.join(dir, "secret.txt"), "outside the app\n");
  fs.symlinkSync(path.join(dir, "secret.txt"), path.join(app, "link.txt"));
  server = await startServer(path.join(dir, "db.sqlite"), fixture(dir, "account-hub"), ["--app", app]);
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

// A raw GET, so that the path is sent exactly as written (fetch normalises `..`).
function rawGet(target) {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(server.base).port), "127.0.0.1", () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("close", () => resolve(data));
  });
}

test("files are served with their types, / and directories with index.html", { skip }, async () => {
  for (const [route, type, text] of [
    ["/", "text/html; charset=utf-8", "<title>app</title>"],
    ["/index.html", "text/html; charset=utf-8", "<title>app</title>"],
    ["/docs/", "text/html; charset=utf-8", "docs"],
    ["/docs", "text/html; charset=utf-8", "docs"],
    ["/js/main.js", "text/javascript; charset=utf-8", "export const answer"],
    ["/styles.css", "text/css; charset=utf-8", "color: black"],
  ]) {
    const r = await fetch(server.base + route);
    assert.equal(r.status, 200, route);
    assert.equal(r.headers.get("content-type"), type, route);
    assert.equal(r.headers.get("cache-control"), "no-cache", route);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.ok((await r.text()).includes(text), route);
  }
  const wasm = await fetch(`${server.base}/engine.wasm`);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())], [0, 97, 115, 109, 1, 0, 0, 0]);
});

test("gzip for a client that accepts it, the bytes themselves otherwise", { skip }, async () => {
  const raw = await rawGet("/js/main.js");
  assert.ok(!/content-encoding/i.test(raw.split("\r\n\r\n")[0]), "no gzip unless asked");
  const r = await new Promise((resolve) => {
    const socket = net.connect(Number(new URL(server.base).port), "127.0.0.1", () => {
      socket.write("GET /js/main.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip;q=0.8\r\nConnection: close\r\n\r\n");
    });
    const chunks = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
  const split = r.indexOf("\r\n\r\n");
  const head = r.subarray(0, split).toString();
  assert.match(head, /Content-Encoding: gzip/);
  assert.match(head, /Vary: Accept-Encoding/);
  const body = r.subarray(split + 4);
  assert.ok(body.length < script.length / 4, `compressed to ${body.length} bytes`);
  assert.equal(zlib.gunzipSync(body).toString(), script);
  const refused = await new Promise((resolve) => {
    const socket = net.connect(Number(new URL(server.base).port), "127.0.0.1", () => {
      socket.write("GET /js/main.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\nConnection: close\r\n\r\n");
    });
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("close", () => resolve(data));
  });
  assert.ok(!/Content-Encoding/.test(refused.split("\r\n\r\n")[0]), "gzip;q=0 refuses gzip");
});

test("ETag, If-None-Match 304, a new version a new ETag; HEAD has no body", { skip }, async () => {
  const first = await fetch(`${server.base}/styles.css`);
  const etag = first.headers.get("etag");
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const again = await fetch(`${server.base}/styles.css`, { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  fs.writeFileSync(path.join(app, "styles.css"), "body { color: navy; }\n");
  const changed = await fetch(`${server.base}/styles.css`, { headers: { "If-None-Match": etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get("etag"), etag);
  assert.match(await changed.text(), /navy/);
  const head = await fetch(`${server.base}/styles.css`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String("body { color: navy; }\n".length));
  assert.equal(await head.text(), "");
});

test("nothing outside the app directory is served", { skip }, async () => {
  for (const target of ["/../secret.txt", "/%2e%2e/secret.txt", "/js/../../secret.txt", "/js/%2E%2E/%2e%2e/secret.txt",
    "/link.txt", "/js/..%2f..%2fsecret.txt", "/%00", "/js\\..\\..\\secret.txt", "/nope.html", "/js/"]) {
    const r = await rawGet(target);
    assert.match(r, /^HTTP\/1\.1 404 /, `${target}: ${r.slice(0, 80)}`);
    assert.ok(!r.includes("outside the app"), target);
  }
});

test("the API is unchanged beside the app", { skip }, async () => {
  assert.equal((await call(server.base, "GET", "/v1/health")).status, 200);
  assert.equal((await call(server.base, "GET", "/v1/nowhere")).status, 404);
  assert.equal((await call(server.base, "GET", "/v1/bundle")).status, 401);
  const post = await call(server.base, "POST", "/index.html", { body: {} });
  assert.equal(post.status, 405);
});
