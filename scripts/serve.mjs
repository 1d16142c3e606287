#!/usr/bin/env node
// A small static file server for the admin app (build/web by default): GET and
// HEAD only, correct MIME types (application/wasm, text/javascript...), no
// directory listing, no path outside the root, 404 for anything missing. The app
// itself is static: any static host serves it the same way.
//
//   node scripts/serve.mjs [ROOT] [--port N] [--host H]
//
// Also a module: `startServer({ root, port, host })` resolves to { server, url }
// (port 0 picks a free port), as the end-to-end tests use it.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
};

/**
 * The file a URL path names under `root`, or null when the path is malformed or
 * leaves the root (`..`, an encoded slash or NUL, a backslash).
 * @param {string} root absolute directory
 * @param {string} urlPath the request's path, without the query
 * @returns {string | null}
 */
export function resolveRequestPath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith("/") || decoded.includes("\0") || decoded.includes("\\")) return null;
  const parts = decoded.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.some((part) => part === "..")) return null;
  const file = path.join(root, ...parts);
  const relative = path.relative(root, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  return file;
}

/**
 * Answers one request from `root`.
 * @param {string} root
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 */
async function handle(root, req, res) {
  const send = (/** @type {number} */ status, /** @type {string} */ text, headers = {}) => {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
    res.end(req.method === "HEAD" ? undefined : text);
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(405, "method not allowed\n", { Allow: "GET, HEAD" });
    return;
  }
  const urlPath = (req.url ?? "/").split("?")[0].split("#")[0];
  let file = resolveRequestPath(root, urlPath);
  if (file === null) {
    send(400, "bad path\n");
    return;
  }
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    if (!urlPath.endsWith("/")) {
      res.writeHead(301, { Location: `${urlPath}/` });
      res.end();
      return;
    }
    file = path.join(file, "index.html");
    info = await stat(file).catch(() => null);
  }
  if (!info || !info.isFile()) {
    send(404, "not found\n");
    return;
  }
  const type = MIME_TYPES[/** @type {keyof typeof MIME_TYPES} */ (path.extname(file).toLowerCase())] ??
    "application/octet-stream";
  res.writeHead(200, {
    "Content-Type": type,
    "Content-Length": info.size,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file).on("error", () => res.destroy()).pipe(res);
}

/**
 * Starts serving `root`.
 * @param {{ root: string, port?: number, host?: string }} options
 * @returns {Promise<{ server: import("node:http").Server, url: string }>}
 */
export function startServer({ root, port = 8080, host = "127.0.0.1" }) {
  const absolute = path.resolve(root);
  const server = createServer((req, res) => {
    handle(absolute, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("internal error\n");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      resolve({ server, url: `http://${host}:${actualPort}/` });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  let root = "build/web";
  let port = 8080;
  let host = "127.0.0.1";
  let backend = "";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--backend") backend = args[++i] ?? "";
    else if (arg === "--port") port = Number(args[++i]);
    else if (arg.startsWith("--port=")) port = Number(arg.slice(7));
    else if (arg === "--host") host = args[++i];
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node scripts/serve.mjs [ROOT] [--port N] [--host H] [--backend URL]");
      console.log("  --backend URL: a verification backend the printed address opens the app with");
      return;
    } else if (arg.startsWith("-")) {
      console.error(`serve: unknown option ${arg}`);
      process.exit(3);
    } else root = arg;
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("serve: --port needs a number from 0 to 65535");
    process.exit(3);
  }
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) {
    console.error(`serve: no directory ${root} (run scripts/build-web)`);
    process.exit(3);
  }
  const { url } = await startServer({ root, port, host }).catch((error) => {
    console.error(`serve: cannot listen on ${host}:${port}: ${error.message}`);
    process.exit(1);
  });
  console.log(`serving ${root} on ${url}`);
  const query = new URLSearchParams({ example: "bt-business" });
  if (backend) query.set("backend", backend);
  console.log(`open ${url}?${query}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
