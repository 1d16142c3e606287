// The server on a network it cannot trust: clients that send their headers a line
// at a time hold no worker and are cut off at the header deadline; a chunked
// upload without end is refused at the limit without being read; declared
// lengths over the limit, smuggling-shaped requests and oversized headers are
// refused at once; keep-alive connections serve many requests; Expect:
// 100-continue is honoured; connections beyond the cap get 503.
// Loopback only; the server is stopped by its pid.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, call } from "./lib.mjs";

let server, port, olivia;

before(async () => {
  if (skip) return;
  const dir = tempDir();
  const db = path.join(dir, "net.sqlite");
  server = await startServer(db, fixture(dir, "account-hub"), ["--header-timeout", "2", "--max-connections", "40"]);
  port = Number(new URL(server.base).port);
  olivia = token(db, "m-olivia");
});

after(async () => {
  if (server) await stop(server);
  stopAll();
});

function connect() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

// Collects what the server sends until it closes the connection.
function received(socket) {
  return new Promise((resolve) => {
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("close", () => resolve(data));
    socket.on("error", () => {});
  });
}

test("slow headers hold no worker, and are cut off at the deadline", { skip }, async () => {
  // More slow clients than the server has workers (16), each sending a header
  // line every 500 ms and never finishing.
  const slow = [];
  for (let i = 0; i < 24; i++) {
    const socket = await connect();
    const closed = received(socket);
    socket.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n");
    const timer = setInterval(() => { if (!socket.destroyed) socket.write(`X-Drip-${i}: y\r\n`); }, 500);
    slow.push({ socket, closed, timer, open: true });
    closed.then(() => { slow[i].open = false; clearInterval(timer); });
  }
  // Meanwhile every ordinary request is answered, while all the slow ones are open.
  for (let i = 0; i < 40; i++) {
    const r = await call(server.base, "GET", "/v1/health");
    assert.equal(r.status, 200);
  }
  assert.ok(slow.every((s) => s.open), "the slow clients were still sending when the others were served");
  // Then the server closes each slow client, with 408, although it keeps sending.
  const answers = await Promise.all(slow.map((s) => s.closed));
  for (const a of answers) assert.match(a, /^HTTP\/1\.1 408 /);
  for (const s of slow) clearInterval(s.timer);
});

test("a chunked upload without end is refused at the limit, not read whole", { skip }, async () => {
  const socket = await connect();
  const answer = received(socket);
  socket.write(`POST /v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${olivia}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const chunk = Buffer.from(`10000\r\n${" ".repeat(0x10000)}\r\n`);
  let sent = 0;
  // Like any HTTP client, it stops sending once an answer arrives.
  let answered = false;
  socket.once("data", () => (answered = true));
  // Up to 200 MB, as fast as the server takes it; it stops taking at 16 MiB.
  while (sent < 200 * 1024 * 1024 && !answered && !socket.destroyed && socket.writable) {
    const more = socket.write(chunk);
    sent += chunk.length;
    if (!more) {
      const drained = await Promise.race([
        new Promise((r) => socket.once("drain", () => r(true))),
        new Promise((r) => socket.once("close", () => r(false))),
        new Promise((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!drained) break;
    }
  }
  // A generous bound for the answer to arrive at all (on a loaded machine), not a speed check.
  const text = await Promise.race([answer, new Promise((r) => setTimeout(() => { socket.destroy(); r(""); }, 30000))]);
  assert.match(text, /^HTTP\/1\.1 413 /, text.slice(0, 200));
  assert.match(text, /input_too_large/);
  assert.ok(sent < 64 * 1024 * 1024, `the server read ${sent} bytes before refusing`);
});

test("requests refused from their headers alone: declared length, smuggling shapes, oversized headers", { skip }, async () => {
  const cases = [
    [`POST /v1/changes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${17 * 1024 * 1024}\r\n\r\n`, 413, "input_too_large"],
    ["POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400, "bad_request"],
    ["POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, "bad_request"],
    ["POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "bad_request"],
    [`GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70 * 1024)}\r\n\r\n`, 431, "headers_too_large"],
    ["BROKEN\r\n\r\n", 400, "bad_request"],
    ["POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}", 415, "unsupported_media_type"],
  ];
  for (const [request, status, code] of cases) {
    const socket = await connect();
    const answer = received(socket);
    socket.write(request);
    const text = await answer;
    assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), `${request.slice(0, 60)}: ${text.slice(0, 200)}`);
    assert.match(text, new RegExp(code));
  }
});

test("one keep-alive connection serves many requests; Expect: 100-continue is honoured", { skip }, async () => {
  const socket = await connect();
  let data = "";
  socket.on("data", (d) => (data += d));
  const body = JSON.stringify({ action: "orders.view", resource: "acc-9001" });
  for (let i = 0; i < 200; i++) {
    socket.write(`POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${olivia}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  }
  while ((data.match(/HTTP\/1\.1 200 /g) || []).length < 200 && !socket.destroyed) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal((data.match(/HTTP\/1\.1 200 /g) || []).length, 200);
  assert.equal((data.match(/Connection: close/g) || []).length, 0);
  // Expect: 100-continue: the server says go on before the body is sent.
  data = "";
  socket.write(`POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${olivia}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
  while (!data.includes("100 Continue")) await new Promise((r) => setTimeout(r, 10));
  socket.write(body);
  while (!/HTTP\/1\.1 200 /.test(data)) await new Promise((r) => setTimeout(r, 10));
  assert.match(data, /"effect":"allow"/);
  socket.destroy();
});

test("connections beyond the cap are answered 503", { skip }, async () => {
  const held = [];
  for (let i = 0; i < 40; i++) held.push(await connect());
  // Let the server accept them all.
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 10));
  const extra = await connect();
  const text = await received(extra);
  assert.match(text, /^HTTP\/1\.1 503 /);
  assert.match(text, /too_many_connections/);
  for (const s of held) s.destroy();
  // Once they are gone the server serves again.
  let r;
  for (let i = 0; i < 100; i++) {
    r = await call(server.base, "GET", "/v1/health").catch(() => null);
    if (r && r.status === 200) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.equal(r.status, 200);
});
