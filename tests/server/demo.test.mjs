// `rolegate serve --demo`, the local demo: off by default (its routes are 404 and
// the outbox never shows a PIN), refused on any host but loopback, and when on it
// says so, lists the members, signs in as one with one call, and shows the PIN a
// letter carries, as the post would deliver it.
// Loopback only; every server is stopped by its pid.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import path from "node:path";
import { skip, tempDir, fixture, startServer, stop, stopAll, token, call, commit, cli } from "./lib.mjs";

after(() => stopAll());

test("without --demo there is no sign-in and no PIN in the outbox", { skip }, async () => {
  const dir = tempDir();
  const db = path.join(dir, "db.sqlite");
  const server = await startServer(db, fixture(dir, "bt-business"));
  try {
    assert.equal((await call(server.base, "GET", "/v1/demo/members")).status, 404);
    assert.equal((await call(server.base, "POST", "/v1/demo/sign-in", { body: { member: "m-olivia" } })).status, 404);
    assert.equal((await call(server.base, "GET", "/v1/health")).body.demo, undefined);
    const george = token(db, "m-george");
    const asked = await commit(server.base, george, "m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]);
    assert.equal(asked.status, 200, asked.text);
    const outbox = await call(server.base, "GET", "/v1/outbox", { token: george });
    assert.ok(outbox.body.messages.some((m) => m.carriesSecret));
    assert.ok(outbox.body.messages.every((m) => !("demoSecret" in m)));
  } finally {
    await stop(server);
  }
});

test("--demo is refused beyond loopback, and without a database", { skip }, () => {
  const dir = tempDir();
  const wide = cli(["serve", "--db", path.join(dir, "db.sqlite"), "--bundle", fixture(dir, "bt-business"), "--demo", "--host", "0.0.0.0", "--port", "0"]);
  assert.equal(wide.status, 3);
  assert.match(wide.stderr, /--demo listens on this machine only/);
  const nodb = cli(["serve", fixture(dir, "bt-business"), "--demo", "--port", "0"]);
  assert.equal(nodb.status, 3);
  assert.match(nodb.stderr, /--demo needs --db/);
});

test("with --demo: it says so, lists the members, signs in with one call, and shows the letter's PIN", { skip }, async () => {
  const dir = tempDir();
  const server = await startServer(path.join(dir, "db.sqlite"), fixture(dir, "bt-business"), ["--demo"]);
  try {
    const health = await call(server.base, "GET", "/v1/health");
    assert.equal(health.body.demo, true);
    const members = await call(server.base, "GET", "/v1/demo/members");
    assert.equal(members.status, 200, members.text);
    const george = members.body.members.find((m) => m.member === "m-george");
    assert.equal(george.name, "George Evans");
    assert.ok(george.roles.some((r) => r.role === "billing.user" && r.scope === "acc-1003"));
    const signedIn = await call(server.base, "POST", "/v1/demo/sign-in", { body: { member: "m-george" } });
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.match(signedIn.body.token, /^rg_[0-9a-f]{64}$/);
    const unknown = await call(server.base, "POST", "/v1/demo/sign-in", { body: { member: "m-nobody" } });
    assert.equal(unknown.status, 404);
    const asked = await commit(server.base, signedIn.body.token, "m-george", [{ op: "request_self_upgrade", role: "billing.admin", scope: "acc-1003" }]);
    assert.equal(asked.status, 200, asked.text);
    const outbox = await call(server.base, "GET", "/v1/outbox", { token: signedIn.body.token });
    const letter = outbox.body.messages.find((m) => m.message.event === "verification_code");
    assert.equal(letter.channel, "post");
    assert.match(letter.demoSecret, /^\d{6}$/);
    const done = await call(server.base, "POST", `/v1/verifications/${letter.message.verification}/complete`, { token: signedIn.body.token, body: { pin: letter.demoSecret } });
    assert.equal(done.status, 200, done.text);
    for (let i = 0; i < 50 && !/DEMO MODE/.test(server.stderr()); i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(server.stderr(), /DEMO MODE: anyone who can reach this server may sign in as any member/);
  } finally {
    await stop(server);
  }
});

test("with --demo, a request must name this machine in its Host header (DNS rebinding gets no token)", { skip }, async () => {
  const dir = tempDir();
  const server = await startServer(path.join(dir, "db.sqlite"), fixture(dir, "bt-business"), ["--demo"]);
  try {
    const port = new URL(server.base).port;
    // fetch always sends the Host of its URL; a raw request says what a rebound page's browser sends.
    const raw = (host, request) =>
      new Promise((resolve) => {
        const socket = net.connect(Number(port), "127.0.0.1", () => socket.write(request.replace("HOST", host)));
        let data = "";
        socket.on("data", (d) => (data += d));
        socket.on("close", () => resolve(data));
      });
    const body = '{"member":"m-olivia"}';
    const signIn = `POST /v1/demo/sign-in HTTP/1.1\r\nHost: HOST\r\nOrigin: http://HOST\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const rebound = await raw(`rebind.example:${port}`, signIn);
    assert.match(rebound, /^HTTP\/1\.1 421 /, rebound.slice(0, 200));
    assert.match(rebound, /misdirected_request/);
    assert.doesNotMatch(rebound, /rg_[0-9a-f]{64}/);
    const page = await raw(`rebind.example:${port}`, "GET /v1/health HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n");
    assert.match(page, /^HTTP\/1\.1 421 /, "every route, not only the sign-in");
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const ok = await raw(host, signIn);
      assert.match(ok, /^HTTP\/1\.1 200 /, `${host}: ${ok.slice(0, 200)}`);
      assert.match(ok, /x-frame-options: DENY/i);
      assert.match(ok, /content-security-policy: frame-ancestors 'none'/i);
    }
  } finally {
    await stop(server);
  }
});
