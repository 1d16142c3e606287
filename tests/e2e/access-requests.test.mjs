// Asking for a role in the simulation (docs/changes.md section 2b): from the acting
// member's own row in the Members view, the builder opens on "Ask for a role" for
// their scope, and the preview names who will decide and shows that nobody's access
// changes; where nobody could give the role, it says so. (Deciding, in the inbox of
// connected mode, is in connected.test.mjs.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { actAs, appSession, openApp, screenshot, text } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

test("a billing user asks for Advanced user from her row: the preview names Olivia and Raj and changes nobody's access", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await actAs(page, "m-uma");
    await page.click("#tab-members");
    const ask = page.getByRole("button", { name: "Ask for a role on Leeds head office" });
    assert.equal(await ask.count(), 1, "one action, on her own row, named with its visible text and the scope");
    assert.equal(await page.$eval("tr[data-member=m-uma] .ask-for-role", (el) => el.textContent), "Ask for a role");
    assert.equal(await page.$("tr:not([data-member=m-uma]) .ask-for-role"), null, "only on the acting member's own row");
    await screenshot(page, "59-uma-members-ask-for-a-role");
    await ask.click();

    await page.waitForSelector("#op-form");
    assert.equal(await page.$eval("#op-kind", (el) => el.value), "request_role");
    assert.equal(await page.$eval("#op-scope", (el) => el.value), "acc-1001");
    const roles = await page.$$eval("#op-role option", (os) => os.map((o) => o.value).filter(Boolean));
    assert.deepEqual(roles, ["billing.super_admin", "billing.admin", "billing.advanced_user"], "the roles given there she does not hold");
    await page.selectOption("#op-role", "billing.advanced_user");
    await page.fill("#op-reason", "I tag our services' costs for finance");
    await page.click("#op-submit");

    await page.waitForSelector(".op-result.allow .deciders");
    assert.equal(await text(page, ".op-result .op-title"), "Uma Brooks asks for Advanced user on Leeds head office: “I tag our services' costs for finance”");
    assert.match(await text(page, ".op-result .deciders"), /^Goes to Olivia Hart or Raj Patel, who could give this role\./);
    assert.equal(await text(page, ".diff-headline"), "Nobody's access changes");
    assert.equal(await page.$(".diff-members"), null, "no member in the access diff");
    const events = await page.$$eval(".events li[data-event=role_requested]", (lis) => lis.map((li) => li.textContent));
    assert.deepEqual(events, [
      "Olivia Hart, by e-mail: Uma Brooks (uma.brooks@hartwell.example.com) asks for Advanced user on Leeds head office: “I tag our services' costs for finance”",
      "Raj Patel, by e-mail: Uma Brooks (uma.brooks@hartwell.example.com) asks for Advanced user on Leeds head office: “I tag our services' costs for finance”",
    ]);
    assert.match(await text(page, ".verdict"), /^Ready to submit/);
    await screenshot(page, "60-uma-asks-for-a-role");
  });
});

test("nobody to ask: the preview says nobody could give the role there, in words", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await actAs(page, "m-george");
    await page.click("#tab-members");
    await page.getByRole("button", { name: "Ask for a role on Bristol depot" }).click();
    await page.waitForSelector("#op-form");
    assert.equal(await page.$eval("#op-scope", (el) => el.value), "acc-1003");
    await page.selectOption("#op-role", "billing.admin");
    await page.click("#op-submit");
    await page.waitForSelector(".op-result.deny");
    assert.equal(await text(page, ".op-result .deciders"), "Nobody could give this role here.");
    assert.match(await text(page, ".op-result"), /No active member may give Admin \(billing\) on Bristol depot, so nobody could decide the request/);
    assert.doesNotMatch(await text(page, ".op-result"), /no_decider/);
    await screenshot(page, "61-george-nobody-to-ask");
  });
});
