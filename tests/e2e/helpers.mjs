// Helpers of the end-to-end tests: the static server on a free port, Debian's
// Chromium through playwright-core, a page that records every console error,
// failed request and request leaving the server, screenshots saved to
// build/e2e-artifacts/, and axe-core's accessibility checks.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before } from "node:test";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const artifacts = path.join(repo, "build", "e2e-artifacts");
const site = path.join(repo, "build", "web");
const CHROMIUM = "/usr/bin/chromium";

/**
 * Starts the server and the browser for a test file.
 * @returns {Promise<{ url: string, browser: import("playwright-core").Browser, close: () => Promise<void> }>}
 */
export async function launch() {
  if (!existsSync(path.join(site, "index.html")) || !existsSync(path.join(site, "engine", "rolegate_core.wasm"))) {
    throw new Error("build/web is missing or incomplete: run scripts/build-web first");
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/setup does)`);
  mkdirSync(artifacts, { recursive: true });
  const { server, url } = await startServer({ root: site, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The app and Chromium for one test file: registers before/after hooks that
 * launch them once and close them. `env` is set once they run; `flow(options,
 * body)` runs `body(page, context, problems)` in a fresh page and then fails on
 * any console error, failed request or request to another host.
 */
export function appSession() {
  const session = {
    /** @type {Awaited<ReturnType<typeof launch>> | null} */
    env: null,
    /**
     * @param {Parameters<typeof openPage>[2]} options
     * @param {(page: import("playwright-core").Page, context: import("playwright-core").BrowserContext, problems: string[]) => Promise<void>} body
     */
    async flow(options, body) {
      const { page, context, problems } = await openPage(session.env.browser, session.env.url, options);
      try {
        await body(page, context, problems);
        assert.deepEqual(problems, [], "no console error, failed request or external request");
      } finally {
        await context.close();
      }
    },
  };
  before(async () => {
    session.env = await launch();
  });
  after(async () => {
    await session.env?.close();
  });
  return session;
}

/**
 * A new page (in its own context) that records problems: console errors,
 * uncaught exceptions, failed requests, HTTP errors and any request that is
 * not to the app's own server.
 * @param {import("playwright-core").Browser} browser
 * @param {string} url the app's base URL
 * @param {{ width?: number, height?: number, allowedOrigins?: string[] }} [options]
 */
export async function openPage(browser, url, { width = 1280, height = 900, allowedOrigins = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  const origins = [new URL(url).origin, ...allowedOrigins];
  // Served statically, the app asks once whether a server of record is there
  // (GET v1/health); its 404 is the expected answer, not a problem.
  const probe = (/** @type {string} */ target) => new URL(target).pathname === "/v1/health";
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (probe(message.location().url || "http://x/") && /status of 404/.test(message.text())) return;
    problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on("response", (response) => {
    if (response.status() === 404 && probe(response.url())) return;
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("request", (request) => {
    const target = request.url();
    if (target.startsWith("data:") || target.startsWith("blob:")) return;
    if (!origins.includes(new URL(target).origin)) problems.push(`external request: ${target}`);
  });
  return { page, context, problems };
}

/**
 * Opens the app at a query string and waits until a policy is ready.
 * @param {import("playwright-core").Page} page @param {string} url @param {string} [query]
 */
export async function openApp(page, url, query = "") {
  await page.goto(url + query);
  await page.waitForSelector("body[data-phase=ready]", { timeout: 30000 });
}

/**
 * Chooses an example in the header and waits until it is ready.
 * @param {import("playwright-core").Page} page @param {string} name
 */
export async function chooseExample(page, name) {
  await page.selectOption("#example-select", name);
  await page.waitForFunction((n) => document.body.dataset.phase === "ready" && new URLSearchParams(location.search).get("example") === n, name, { timeout: 30000 });
}

/**
 * Acts as a member (header).
 * @param {import("playwright-core").Page} page @param {string} member
 */
export async function actAs(page, member) {
  await page.selectOption("#actor-select", member);
}

/**
 * Adds an operation through the change builder's form: its kind, then each field
 * (`#op-<name>`) chosen in order, then "Add to the change". The Changes tab must be open.
 * @param {import("playwright-core").Page} page
 * @param {string} kind
 * @param {Record<string, string>} fields e.g. { scope: "acc-1003", role: "billing.admin" }
 */
export async function addOperation(page, kind, fields) {
  await page.selectOption("#op-kind", kind);
  for (const [name, value] of Object.entries(fields)) await page.selectOption(`#op-${name}`, value);
  await page.click("#op-submit");
}

/**
 * Saves a full-page screenshot to build/e2e-artifacts/NAME.png.
 * @param {import("playwright-core").Page} page @param {string} name
 */
export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** The text of an element, whitespace collapsed. @param {import("playwright-core").Page} page @param {string} selector */
export async function text(page, selector) {
  return ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();
}

/**
 * Starts the native verification server, `rolegate serve BUNDLE... --port 0`
 * (build/native/rolegate), for the page at `origin`; resolves once it listens.
 * @param {string[]} bundles bundle files
 * @param {string} origin the app's origin, allowed to call it
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} url: its /verify
 */
export async function startVerificationServer(bundles, origin) {
  const bin = path.join(repo, "build", "native", "rolegate");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/build first`);
  const child = spawn(bin, ["serve", ...bundles, "--port", "0", "--allow-origin", origin], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const base = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => reject(new Error(`rolegate serve exited ${code}: ${out}`)));
  });
  return {
    url: `${base}/verify`,
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

// axe-core (a devDependency), injected from node_modules: nothing is fetched.
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * Runs axe-core over the whole document as it is now, with its default rules (WCAG
 * 2.x A and AA and best practices): each violation as one readable line per
 * element, "rule (impact): what it asks — where: the element".
 * @param {import("playwright-core").Page} page
 * @returns {Promise<string[]>}
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = /** @type {any} */ (window).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.flatMap((/** @type {any} */ v) =>
      v.nodes.map((/** @type {any} */ n) => `${v.id} (${v.impact}): ${v.help} — ${n.target.join(" ")}: ${String(n.html).slice(0, 160)}`),
    );
  });
}
