// The app on a phone, 390 × 844 pixels: no view is wider than the screen, tables
// are stacked cards (each cell under its column's name), the tab bar scrolls with
// the current tab in view, the access checker's answer and a what-if step's PIN
// are brought into view, the acting-as dialog fits; and signed in, the inbox and
// the audit log fit too. Screenshots: build/e2e-artifacts/phone-<view>.png.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { addOperation, appSession, openApp, openPage, repo, screenshot } from "./helpers.mjs";
import { commit as commitThroughApi, fixture, skip, startServer, stop, tempDir, token } from "../server/lib.mjs";

const app = appSession();
const { flow } = app;
const PHONE = { width: 390, height: 844 };

/** How far the page is wider than the screen (0: not at all). @param {import("playwright-core").Page} page */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * The tab bar: whether it scrolls sideways, and whether the current tab is wholly
 * inside the part of it shown.
 * @param {import("playwright-core").Page} page
 */
function tabBar(page) {
  return page.evaluate(() => {
    const list = /** @type {HTMLElement} */ (document.querySelector(".tablist"));
    const tab = /** @type {HTMLElement} */ (list.querySelector("[aria-selected=true]"));
    const box = list.getBoundingClientRect();
    const at = tab.getBoundingClientRect();
    return {
      scrolls: list.scrollWidth > list.clientWidth && getComputedStyle(list).overflowX === "auto",
      current: tab.id,
      shown: at.left >= box.left - 0.5 && at.right <= box.right + 0.5,
    };
  });
}

/**
 * Whether an element's top is on the screen now.
 * @param {import("playwright-core").Page} page @param {string} selector
 */
async function inView(page, selector) {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is shown`);
  return box.y >= 0 && box.y < PHONE.height - 40;
}

/**
 * The table's rows as a phone shows them: every cell a block, every cell but the
 * heading one labelled by its column's name, the header row hidden from sight.
 * @param {import("playwright-core").Page} page @param {string} table
 */
function cards(page, table) {
  return page.$eval(table, (t) => {
    const headers = [...t.querySelectorAll("thead th")].map((th) => th.textContent?.trim());
    const cells = [...t.querySelectorAll("tbody td")].filter((td) => getComputedStyle(td).display !== "none");
    const head = t.querySelector("thead")?.getBoundingClientRect();
    return {
      blocks: cells.every((td) => ["block", "flow-root"].includes(getComputedStyle(td).display)),
      rowsAreCards: [...t.querySelectorAll("tbody tr")].every((tr) => getComputedStyle(tr).display === "block" && getComputedStyle(tr).borderTopStyle === "solid"),
      labels: [...new Set(cells.filter((td) => !td.classList.contains("cell-head")).map((td) => td.getAttribute("data-label")))],
      headers,
      headerHidden: (head?.width ?? 0) <= 1 && (head?.height ?? 0) <= 1,
      width: t.getBoundingClientRect().width,
    };
  });
}

test("every view fits 390 px: no sideways scrolling, tables as cards, the tab bar scrolls to the current tab", async () => {
  await flow(PHONE, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    for (const tab of ["members", "roles", "access", "changes", "findings", "settings"]) {
      await page.click(`#tab-${tab}`);
      assert.equal(await overflow(page), 0, `the ${tab} view is no wider than the screen`);
      const bar = await tabBar(page);
      assert.ok(bar.scrolls, "the tab bar scrolls sideways");
      assert.deepEqual([bar.current, bar.shown], [`tab-${tab}`, true], `the ${tab} tab is in view in the tab bar`);
      await screenshot(page, `phone-${tab}`);
    }

    // Settings: each fact under its name, across the card, not squeezed beside it.
    await page.click("#tab-settings");
    const dd = await page.$$eval("dl.facts dd", (list) => Math.min(...list.map((el) => el.getBoundingClientRect().width)));
    assert.ok(dd > 280, `every fact is ${dd}px wide at least`);

    await page.click("#tab-members");
    const members = await cards(page, ".members-table");
    assert.ok(members.blocks && members.rowsAreCards && members.headerHidden, JSON.stringify(members));
    assert.deepEqual(members.labels, ["Status", "Roles", "You may"]);
    assert.ok(members.width <= 390);

    await page.click("#tab-roles");
    const roles = await cards(page, ".roles-table >> nth=0");
    assert.ok(roles.blocks && roles.rowsAreCards && roles.headerHidden, JSON.stringify(roles));
    assert.deepEqual(roles.labels, ["Rank", "Given on", "Manages and sees", "Holders", "Permissions"]);
    // The label is the column's name, shown before the cell's value (and not read out twice).
    const before = await page.$eval(".roles-table td[data-label=Rank]", (td) => getComputedStyle(td, "::before").content);
    assert.match(before, /attr\(data-label\)|"Rank"/);

    // A tab chosen by the app (a finding's link to a role) is brought into view too.
    await page.click("#tab-settings");
    await page.click("#tab-findings");
    await page.click(".finding-links button >> nth=0");
    await page.waitForSelector(".roles-table tr.focused");
    assert.deepEqual(await tabBar(page).then((b) => [b.current, b.shown]), ["tab-roles", true]);
    // And from the keyboard, the last tab.
    await page.focus("#tab-roles");
    await page.keyboard.press("End");
    assert.deepEqual(await tabBar(page).then((b) => [b.current, b.shown]), ["tab-settings", true]);
  });
});

test("the access checker's answer is brought into view, below the form that asked", async () => {
  await flow(PHONE, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await page.click("#tab-access");
    await page.selectOption("#check-action", "billing.view");
    await page.click("#check-submit");
    await page.waitForSelector("#decision");
    assert.ok(await inView(page, "#decision"), "the decision is on the screen");
    assert.ok(await inView(page, "#decision .headline"), "its headline is on the screen");
    await screenshot(page, "phone-access-answer");
    await page.click("#who-submit");
    assert.ok(await inView(page, "#who-result"), "who can: on the screen");
    await page.click("#what-submit");
    assert.ok(await inView(page, "#what-result"), "what can: on the screen");
    assert.equal(await overflow(page), 0);
  });
});

test("a preview and a what-if step at 390 px: the PIN step to complete is in view, with the focus", async () => {
  await flow(PHONE, async (page) => {
    await openApp(page, app.env.url, "?example=account-hub");
    await page.click("#tab-changes");
    await page.selectOption("#changeset-select", "custom-role-with-required-approval.json");
    await page.click("#changeset-load");
    await page.waitForSelector(".op-result");
    await page.click(".diff-members summary >> nth=0");
    assert.equal(await overflow(page), 0, "the change and its preview fit");
    await screenshot(page, "phone-changes-preview");

    await openApp(page, app.env.url, "?example=bt-business&actor=m-george");
    await page.click("#tab-changes");
    await addOperation(page, "request_self_upgrade", { scope: "acc-1003", role: "billing.admin" });
    await page.waitForSelector(".op-result.conditional");
    await page.click("#continue-from-result");
    await page.waitForSelector("#whatif");
    await page.waitForFunction(() => document.activeElement?.id === "pin-step-0");
    assert.ok(await inView(page, "#pin-step-0-box"), "the PIN step is on the screen");
    assert.ok(await inView(page, "#pin-step-0"), "its PIN field is on the screen");
    assert.equal(await overflow(page), 0, "the what-if state fits");
    await page.screenshot({ path: path.join(repo, "build", "e2e-artifacts", "phone-whatif-pin-step.png") });
    await screenshot(page, "phone-whatif");
  });
});

test("the acting-as dialog fits the phone's screen; a bundle's errors are cards too", async () => {
  await flow(PHONE, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await page.click("#tab-changes");
    await page.selectOption("#changeset-select", "super-admin-reorganises.json");
    await page.click("#changeset-load");
    await page.waitForSelector(".op-result");
    await page.selectOption("#actor-select", "m-raj");
    await page.waitForSelector("#actor-dialog[open]");
    const box = await page.locator("#actor-dialog").boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y >= 0 && box.y + box.height <= PHONE.height, `the dialog is within the screen: ${JSON.stringify(box)}`);
    await page.screenshot({ path: path.join(repo, "build", "e2e-artifacts", "phone-acting-as-dialog.png") });
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector("#actor-dialog"));

    await page.setInputFiles("#file-input", path.join(repo, "tests/data/invalid/dozen-mistakes.json"));
    await page.waitForSelector("body[data-phase=invalid]");
    const errors = await cards(page, ".errors-table");
    assert.ok(errors.blocks && errors.rowsAreCards, JSON.stringify(errors));
    assert.deepEqual(errors.labels, ["Where", "Problem", "Value there"], "the number heads each card");
    assert.equal(await overflow(page), 0, "the errors fit");
    await screenshot(page, "phone-invalid-bundle");
  });
});

test("signed in at 390 px: the inbox and the audit log fit, their tabs in view", { skip }, async () => {
  const dir = tempDir("rg-phone-");
  const db = path.join(dir, "db.sqlite");
  const server = await startServer(db, fixture(dir, "bt-business", (b) => {
    b.server ??= { auditPermission: "roles.manage" };
  }), ["--app", path.join(repo, "build", "web"), "--demo"]);
  const { page, context, problems } = await openPage(app.env.browser, `${server.base}/`, PHONE);
  try {
    // Uma has asked for a role (through the API): Olivia may decide it.
    const asked = await commitThroughApi(server.base, token(db, "m-uma"), "m-uma", [{ op: "request_role", scope: "acc-1001", role: "billing.advanced_user", reason: "I tag our services' costs" }]);
    assert.equal(asked.status, 200, asked.text);
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#demo-members button[data-member="m-olivia"]', { timeout: 30000 });
    assert.equal(await overflow(page), 0, "the sign-in page fits");
    await screenshot(page, "phone-sign-in");
    await page.click('#demo-members button[data-member="m-olivia"]');
    await page.waitForSelector("body[data-phase=ready][data-mode=connected]", { timeout: 30000 });
    for (const [tab, ready] of [["inbox", "#to-decide [data-kind=role]"], ["audit", ".audit-entry"]]) {
      await page.click(`#tab-${tab}`);
      await page.waitForSelector(ready, { timeout: 15000 });
      assert.equal(await overflow(page), 0, `the ${tab} fits`);
      assert.deepEqual(await tabBar(page).then((b) => [b.current, b.shown]), [`tab-${tab}`, true]);
      await screenshot(page, `phone-${tab}`);
    }
    assert.deepEqual(problems, [], "no console error, failed request or external request");
  } finally {
    await context.close();
    await stop(server);
  }
});
