// docs/server.md's walkthrough runs as written: its ```sh blocks, in order, in one
// bash (set -euo pipefail) in a scratch folder, with the built rolegate first on
// PATH and a free port instead of 8081. The server it starts is stopped by the pid
// it writes to serve.pid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { skip, root, tempDir } from "./lib.mjs";

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test("the walkthrough of docs/server.md runs as written", { skip }, async () => {
  const doc = fs.readFileSync(path.join(root, "docs", "server.md"), "utf8");
  const walkthrough = doc.slice(doc.indexOf("## Walkthrough"));
  const blocks = [...walkthrough.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 5, "the walkthrough has its blocks");
  const port = await freePort();
  const dir = tempDir("rg-docs-");
  fs.symlinkSync(path.join(root, "examples"), path.join(dir, "examples"));
  const script = "set -euo pipefail\n" + blocks.join("\n").replaceAll("8081", String(port));
  const r = spawnSync("bash", ["-c", script], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120000,
    env: { ...process.env, PATH: `${path.join(root, "build", "native")}:${process.env.PATH}` },
  });
  const pidFile = path.join(dir, "serve.pid");
  if (fs.existsSync(pidFile)) {
    try { process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGKILL"); } catch { /* stopped by the walkthrough */ }
  }
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^401$/m, "no token, no answer");
  assert.match(r.stdout, /"request_decided"/);
  assert.match(r.stdout, /^"allow"$/m);
  assert.match(r.stdout, /"decision",\s*"m-omar"/);
});
