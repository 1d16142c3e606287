// A business too big for a select: with more than 500 members (or scopes) the
// pickers are search boxes (views/controls.js, combobox) that list the first
// matches of what one types, by keyboard or pointer, and give up on Escape.
import assert from "node:assert/strict";
import { test } from "node:test";
import { generate } from "../../bench/scale/generate.mjs";
import { appSession, openApp, screenshot } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

// 600 members; one group of 100 accounts of 9 lines each: 1,001 scopes.
const { bundle, superAdmins } = generate({ members: 600, groups: 1 });
const text = JSON.stringify(bundle);

/** Serves the generated bundle at many.json and opens the app on it. */
async function openMany(page, query = "") {
  await page.route("**/many.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body: text }));
  await openApp(page, app.env.url, `?bundle=many.json${query}`);
}

const actorInUrl = (page) => page.evaluate(() => new URL(location.href).searchParams.get("actor"));

test("with 600 members, who one acts as is chosen in a search box", async () => {
  await flow({}, async (page) => {
    await openMany(page);
    const picker = page.locator("#actor-select");
    assert.equal(await picker.getAttribute("role"), "combobox");
    assert.equal(await picker.getAttribute("aria-expanded"), "false");
    // The group's super admin acts first: the highest role.
    assert.equal(await picker.getAttribute("data-value"), superAdmins[0]);
    assert.match(await picker.inputValue(), /^m0 — super_admin on g0/);

    // Typing lists the matches; the arrow keys move; Enter chooses.
    await picker.click();
    await picker.fill("m59");
    assert.equal(await picker.getAttribute("aria-expanded"), "true");
    const listed = await page.$$eval("#actor-select-list [role=option]", (lis) => lis.map((li) => li.getAttribute("data-value")));
    assert.deepEqual([...listed].sort(), ["m59", "m590", "m591", "m592", "m593", "m594", "m595", "m596", "m597", "m598", "m599"].sort());
    await picker.press("ArrowDown");
    const second = await page.getAttribute("#actor-select-list [role=option][aria-selected=true]", "data-value");
    assert.equal(await picker.getAttribute("aria-activedescendant"), "actor-select-option-1");
    await screenshot(page, "many-actor-search");
    await picker.press("Enter");
    await page.waitForFunction((m) => new URL(location.href).searchParams.get("actor") === m, second);
    assert.equal(await page.getAttribute("#actor-select", "data-value"), second);
    assert.equal(await page.getAttribute("#actor-select", "aria-expanded"), "false");

    // Escape gives up: the box shows the member acting, nobody else acts.
    const before = await page.inputValue("#actor-select");
    await page.fill("#actor-select", "m12");
    await page.press("#actor-select", "Escape");
    assert.equal(await page.inputValue("#actor-select"), before);
    assert.equal(await actorInUrl(page), second);

    // A blank box lists the first 50 and says how many more there are.
    await page.fill("#actor-select", "");
    assert.equal(await page.$$eval("#actor-select-list [role=option]", (lis) => lis.length), 50);
    assert.equal(await page.textContent("#actor-select-list .combo-more"), "550 more: type to narrow");
    await page.fill("#actor-select", "nobody at all");
    assert.equal(await page.textContent("#actor-select-list .combo-more"), "No match");

    // A click chooses too.
    await page.fill("#actor-select", "m0 ");
    await page.click("#actor-select-list [role=option][data-value=m0]");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("actor") === "m0");
  });
});

test("with 1,001 scopes, the members' scope filter is a search box that filters the table", async () => {
  await flow({}, async (page) => {
    await openMany(page, "&actor=m0");
    const filter = page.locator("#member-scope");
    assert.equal(await filter.getAttribute("role"), "combobox");
    const all = await page.$$eval(".members-table tbody tr", (trs) => trs.length);
    // An account someone holds a role on: its members (who also hold its lines).
    const account = /** @type {string} */ (bundle.bindings.find((b) => b.scope.startsWith("a"))?.scope);
    const holders = new Set(bundle.bindings.filter((b) => b.scope === account).map((b) => b.member));
    assert.ok(holders.size > 0 && holders.size < all, `${account} has ${holders.size} members`);
    await filter.click();
    await filter.fill(account);
    await page.click(`#member-scope-list [role=option][data-value='${account}']`);
    await page.waitForFunction((n) => document.querySelectorAll(".members-table tbody tr").length === n, holders.size);
    const rows = await page.$$eval(".members-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-member")));
    assert.deepEqual(new Set(rows), holders);
  });
});
