// The role catalogue and the custom role editor, whose preview shows who would
// gain or lose what; its operations go into the change.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appSession, openApp, screenshot, text } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

test("the catalogue lists each family's roles by rank with their permissions", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business&tab=roles");
    const billing = await page.$$eval("section[aria-label='billing roles'] tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-role")));
    assert.deepEqual(billing, ["billing.super_admin", "billing.admin", "billing.advanced_user", "billing.user"]);
    await page.click("tr[data-role='billing.advanced_user'] summary");
    assert.match(await text(page, "tr[data-role='billing.advanced_user'] .perm-list"), /Tag services and costs/);
    assert.match(await text(page, ".catalogue"), /no custom roles: creating one is not among its operations/);
  });
});

test("a new custom role with a required approval: the preview shows who gains what", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=account-hub&actor=m-olivia&tab=roles");
    await page.click("#new-custom-role");
    await page.fill("#role-label", "Fleet Admin");
    await page.fill("#role-rank", "40");
    await page.uncheck("input[name=roleAssignableAt][value=line]");
    await page.check("input[name=roleAssignableAt][value=account]");
    await page.check("#perm-access\\.view");
    await page.check("#perm-orders\\.place");
    await page.check("#perm-orders\\.view");
    await page.check("#approve-orders\\.place");
    await page.fill("#role-conditions", "orderTotal ge 100000");
    await page.selectOption("#role-try-member", "m-tara");
    await page.selectOption("#role-try-scope", "acc-9003");
    await page.waitForFunction(() => document.querySelectorAll(".preview .op-result").length === 3);
    const preview = await text(page, "[aria-labelledby=role-preview-title]");
    assert.match(preview, /Create custom role Fleet Admin/);
    assert.match(preview, /Set approval rule approval\.hub_custom_fleet_admin/);
    assert.match(preview, /Give Tara Nguyen Fleet Admin on Warehouse & Logistics/);
    assert.match(preview, /Tara Nguyen gains \d+ permissions on \d+ scopes/);
    await screenshot(page, "40-custom-role-editor");
    await page.click("#role-editor-submit");
    assert.equal(await page.getAttribute("#tab-changes", "aria-selected"), "true");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 2);
    assert.deepEqual(await page.$$eval(".op-list .badge", (b) => b.map((x) => x.textContent)), ["Allowed", "Allowed"]);
  });
});

test("editing a custom role: its holders lose what it no longer grants", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=account-hub&actor=m-olivia&tab=roles");
    await page.click("tr[data-role='hub.custom.field_technician'] button");
    assert.equal(await page.inputValue("#role-label"), "Field Technician");
    assert.ok(await page.isChecked("#approve-orders\\.place"), "its approval rule is loaded");
    await page.uncheck("#perm-orders\\.view");
    await page.waitForSelector(".preview .diff-members li[data-member=m-kim]");
    assert.equal(await text(page, ".preview .diff-members li[data-member=m-kim] .diff-line"), "Kim Lee loses 1 permission on 1 line");
  });
});

test("an account manager may not create roles: the preview says so", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=account-hub&actor=m-sam&tab=roles");
    await page.click("#new-custom-role");
    await page.fill("#role-label", "Helper");
    await page.check("#perm-access\\.view");
    await page.waitForSelector(".preview .op-result.deny");
    assert.match(await text(page, ".preview .verdict"), /^Blocked: an operation is denied/);
  });
});
