// The app loads, shows what the acting member may see, is usable with a
// keyboard, names every control, reads at laptop and tablet widths, shows every
// error of a broken bundle, and keeps working offline once loaded.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { actAs, appSession, chooseExample, openApp, repo, screenshot, text } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

/** Runs a flow on a fresh page and fails on any console error or failed request. */

/** Controls without an accessible name, from Chromium's accessibility tree. */
async function unnamedControls(page, context) {
  const cdp = await context.newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const roles = new Set(["button", "textbox", "combobox", "checkbox", "radio", "searchbox", "spinbutton", "tab", "link", "listbox", "slider", "switch", "menuitem"]);
  return nodes
    .filter((n) => !n.ignored && roles.has(n.role?.value) && !String(n.name?.value ?? "").trim())
    .map((n) => `${n.role.value} (${n.backendDOMNodeId})`);
}

test("the page shows a loading state, then opens with the BT Business example", async () => {
  await flow({}, async (page) => {
    const html = readFileSync(path.join(repo, "build/web/index.html"), "utf8");
    assert.match(html, /Starting the engine…/, "the page says the engine is starting before the script runs");
    await page.goto(app.env.url);
    await page.waitForSelector("body[data-phase=ready]", { timeout: 30000 });
    assert.equal(await text(page, ".policy-name"), "BT Business My Account roles");
    assert.equal(new URL(page.url()).searchParams.get("example"), "bt-business");
    assert.equal(await page.inputValue("#actor-select"), "m-olivia");
    const rows = await page.$$eval(".members-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-member")));
    assert.deepEqual(rows, ["m-olivia", "m-alex", "m-raj", "m-uma"], "a super admin of one account sees its billing members");
    await screenshot(page, "01-members-bt-olivia");
  });
});

test("a page address with a doubled slash opens and keeps its state in the address", async () => {
  await flow({}, async (page) => {
    // "//?example=…" read as a relative address would name another host.
    await page.goto(`${new URL(app.env.url).origin}//?example=account-hub`);
    await page.waitForSelector("body[data-phase=ready]", { timeout: 30000 });
    const url = new URL(page.url());
    assert.equal(url.pathname, "//");
    assert.equal(url.searchParams.get("example"), "account-hub");
    assert.ok(url.searchParams.get("actor"), "the acting member is written into the address");
  });
});

test("acting as a billing user shows only the admins and super admins they may see", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await actAs(page, "m-uma");
    await page.waitForSelector(".members-table tbody tr[data-member=m-uma]");
    const rows = await page.$$eval(".members-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-member")));
    assert.deepEqual(rows, ["m-uma", "m-olivia", "m-raj"]);
    assert.match(await text(page, ".summary"), /hidden by the policy's visibility rules/);
    assert.equal(await text(page, "tr[data-member=m-raj] td:last-child"), "Nothing", "a user may do nothing to an admin");
    await page.fill("#member-search", "raj");
    await page.waitForFunction(() => document.querySelectorAll(".members-table tbody tr").length === 1);
    await page.fill("#member-search", "");
    await page.click("#layout-scopes");
    await page.waitForSelector(".scope-tree");
    assert.match(await text(page, ".scope-tree"), /Leeds head office/);
    await screenshot(page, "02-members-by-scope-uma");
  });
});

test("every control has an accessible name, on every view", async () => {
  await flow({}, async (page, context) => {
    await openApp(page, app.env.url, "?example=account-hub");
    for (const tab of ["members", "roles", "access", "changes", "findings", "settings"]) {
      await page.click(`#tab-${tab}`);
      assert.deepEqual(await unnamedControls(page, context), [], `unnamed controls on ${tab}`);
    }
    await page.click("#tab-roles");
    await page.click("#new-custom-role");
    assert.deepEqual(await unnamedControls(page, context), [], "unnamed controls in the role editor");
    await page.click("#tab-changes");
    for (const kind of await page.$$eval("#op-kind option", (os) => os.map((o) => o.value))) {
      await page.selectOption("#op-kind", kind);
      assert.deepEqual(await unnamedControls(page, context), [], `unnamed controls in the ${kind} form`);
    }
  });
});

test("the keyboard reaches everything: tabs move with the arrow keys, forms submit with Enter", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await page.focus("#tab-members");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-roles");
    assert.equal(await page.getAttribute("#tab-roles", "aria-selected"), "true");
    await page.keyboard.press("End");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-settings");
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.getAttribute("#tab-access", "aria-selected"), "true");
    // Tab into the checker and submit it from the keyboard.
    await page.focus("#check-member");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "check-scope");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "check-action");
    await page.focus("#check-submit");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#decision");
    // Every focusable element can be reached with Tab (none has a negative tabindex but the inactive tabs).
    const trapped = await page.$$eval("button, select, input, textarea, a[href]", (els) =>
      els.filter((el) => el.getAttribute("tabindex") === "-1" && el.getAttribute("role") !== "tab").length,
    );
    assert.equal(trapped, 0);
  });
});

test("the time the answers are for can be changed; a malformed time is refused", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    assert.equal(await page.inputValue("#now-input"), "2026-12-01T09:00:00Z", "the example's time");
    await page.fill("#now-input", "1 June");
    await page.press("#now-input", "Enter");
    assert.equal(await page.getAttribute("#now-input", "aria-invalid"), "true");
    await page.fill("#now-input", "2027-06-01T08:30:00Z");
    await page.press("#now-input", "Enter");
    await page.click("#tab-changes");
    assert.match(await text(page, "#change-title + .hint"), /as of 1 Jun 2027, 08:30 UTC/);
    assert.equal(await page.getAttribute("#now-input", "aria-invalid"), null);
  });
});

test("readable at laptop (1280px) and tablet (800px) widths", async () => {
  for (const width of [1280, 800]) {
    await flow({ width, height: 1000 }, async (page) => {
      await openApp(page, app.env.url, "?example=account-hub");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width}px (overflow ${overflow}px)`);
      await screenshot(page, `03-members-hub-${width}`);
      await page.click("#tab-changes");
      await page.selectOption("#changeset-select", "custom-role-with-required-approval.json");
      await page.click("#changeset-load");
      await page.waitForSelector(".op-result");
      const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow2 <= 0, `no sideways scrolling on the changes view at ${width}px`);
      await screenshot(page, `04-changes-hub-${width}`);
    });
  }
});

test("a broken bundle shows every error with its JSON Pointer", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    const file = path.join(repo, "tests/data/invalid/dozen-mistakes.json");
    await page.setInputFiles("#file-input", file);
    await page.waitForSelector("body[data-phase=invalid]");
    const expected = JSON.parse(readFileSync(path.join(repo, "tests/data/invalid/dozen-mistakes.expected.json"), "utf8"));
    const shown = await page.$$eval(".error-row", (rows) =>
      rows.map((r) => ({ pointer: r.querySelector(".pointer")?.textContent, code: r.querySelector(".code")?.textContent })),
    );
    assert.ok(shown.length >= expected.length, `${shown.length} errors shown`);
    for (const e of expected) {
      assert.ok(shown.some((s) => s.pointer === e.pointer && s.code === e.code), `${e.code} at ${e.pointer} is shown`);
    }
    assert.match(await text(page, "#invalid-title"), /dozen-mistakes\.json cannot be loaded: \d+ errors/);
    assert.match(await text(page, ".errors-table"), /bindings › 3rd .*member/);
    await screenshot(page, "05-broken-bundle");

    // A file that is not even JSON, dropped onto the page: its line is shown.
    const malformed = readFileSync(path.join(repo, "tests/data/invalid/malformed.json"), "utf8");
    const transfer = await page.evaluateHandle((content) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], "malformed.json", { type: "application/json" }));
      return dt;
    }, malformed);
    await page.dispatchEvent("main", "dragenter", { dataTransfer: transfer });
    await page.dispatchEvent("main", "drop", { dataTransfer: transfer });
    await page.waitForFunction(() => document.querySelector("#invalid-title")?.textContent?.includes("malformed.json"));
    assert.match(await text(page, ".error-row .code"), /parse_error/);
    assert.ok(await page.$(".source-lines .here"), "the line of the parse error is marked");

    // A bundle whose bytes are not UTF-8 (an overlong "/" in a name) reaches the
    // engine as bytes and is refused, as natively; read as text it would load.
    const example = readFileSync(path.join(repo, "examples/bt-business/bundle.json"));
    const at = example.indexOf('"name": "') + '"name": "'.length;
    const broken = Buffer.concat([example.subarray(0, at), Buffer.from([0xc0, 0xaf]), example.subarray(at)]);
    await page.setInputFiles("#file-input", { name: "not-utf8.json", mimeType: "application/json", buffer: broken });
    await page.waitForFunction(() => document.querySelector("#invalid-title")?.textContent?.includes("not-utf8.json"));
    assert.match(await text(page, ".error-row .code"), /parse_error/);
    assert.match(await text(page, ".errors-table"), /UTF-8/);

    // Loading a valid bundle again recovers.
    await chooseExample(page, "cloud-work");
    assert.ok(await page.$(".members-table"));
  });
});

test("?bundle=URL loads a bundle from a URL", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?bundle=examples/code-hosting/bundle.json&actor=m-olga");
    assert.equal(await text(page, ".policy-name"), "Code hosting: organisations, teams and repositories");
    assert.equal(await page.inputValue("#actor-select"), "m-olga");
  });
});

test("once loaded, the app works offline: no request leaves the page", async () => {
  await flow({}, async (page, context) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The first load installs the offline copy; a reload is then served by it.
    await page.reload();
    await page.waitForSelector("body[data-phase=ready]");
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await chooseExample(page, "account-hub");
    await actAs(page, "m-lena");
    await page.click("#tab-access");
    await page.selectOption("#check-action", "orders.place");
    await page.selectOption("#check-scope", "ln-0201");
    await page.click("#check-submit");
    await page.waitForSelector("#decision.conditional");
    await page.reload();
    await page.waitForSelector("body[data-phase=ready]", { timeout: 30000 });
    assert.equal(await text(page, ".policy-name"), "T-Mobile for Business Account Hub users, roles and approvals");
    await context.setOffline(false);
  });
});
