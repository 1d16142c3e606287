// The admin app on a generated business, in Debian's Chromium through
// playwright-core (scale.mjs runs it): the built app (build/web) and the bundle
// are served from a temporary folder on loopback, the page opens it with
// ?bundle=, and the suite measures
//   - the time from navigation until the members view is usable (the policy
//     ready and the table's rows drawn),
//   - the longest task (the browser's long-task entries) before that and in the
//     two seconds after it,
//   - a search keystroke: from the input event until the next frame after the
//     table was drawn again, the median of five.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";

const CHROMIUM = "/usr/bin/chromium";

/** Whether the app can be measured here: why not, or null. */
export function appUnavailable(root) {
  if (!fs.existsSync(path.join(root, "build", "web", "index.html"))) return "build/web is not built (scripts/build-web)";
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing`;
  return null;
}

/** Measures the app on `text` (a bundle); { usableMs, longestBeforeMs, longestAfterMs, keystrokeMs, rows } or { failed }. */
export async function measureApp(root, name, text) {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), "rolegate-app-"));
  fs.cpSync(path.join(root, "build", "web"), site, { recursive: true });
  fs.writeFileSync(path.join(site, `${name}.json`), text);
  const { server, url } = await startServer({ root: site, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      /** @type {any} */ (window).__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) /** @type {any} */ (window).__longTasks.push([e.startTime, e.duration]);
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(new URL(`?bundle=${name}.json`, url).href);
    await page.waitForFunction(
      () => {
        const phase = document.body.dataset.phase;
        return phase === "invalid" || phase === "failed" || (phase === "ready" && document.querySelector(".members-table tbody tr"));
      },
      null, { timeout: 120000, polling: 20 });
    const phase = await page.evaluate(() => document.body.dataset.phase);
    if (phase !== "ready") return { failed: `the app is ${phase}: ${await page.evaluate(() => document.querySelector("[role=alert], .notice, .failure, main")?.textContent?.slice(0, 400))}` };
    const usableMs = await page.evaluate(() => performance.now());
    const rows = await page.$$eval(".members-table tbody tr", (trs) => trs.length);
    await page.waitForTimeout(2000);
    const tasks = await page.evaluate(() => /** @type {any} */ (window).__longTasks);
    const longest = (xs) => xs.reduce((m, [, d]) => Math.max(m, d), 0);
    const keystrokes = [];
    for (const query of ["m1", "m12", "m123", "m1", "example"]) {
      keystrokes.push(await page.evaluate(async (q) => {
        const input = /** @type {HTMLInputElement} */ (document.querySelector("#member-search"));
        const t = performance.now();
        input.value = q;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        return performance.now() - t;
      }, query));
    }
    keystrokes.sort((a, b) => a - b);
    return {
      usableMs,
      rows,
      longestBeforeMs: longest(tasks.filter(([start]) => start < usableMs)),
      longestAfterMs: longest(tasks.filter(([start]) => start >= usableMs)),
      keystrokeMs: keystrokes[2],
    };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(site, { recursive: true, force: true });
  }
}
