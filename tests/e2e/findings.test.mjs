// The Findings panel: engine.analyze() of the loaded policy in plain words, the
// count in its tab, and links that lead to what a finding names (the members on a
// scope, a role in the Roles view, the approval rule).
import assert from "node:assert/strict";
import { test } from "node:test";
import { appSession, openApp, screenshot, text } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

test("code-hosting: the findings in words, the tab's count, and links to the scope and the rule", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=code-hosting&actor=m-uri");
    // The tab shows how many findings there are, marked as errors.
    assert.equal(await text(page, "#tab-findings .count"), "7");
    assert.match((await page.getAttribute("#tab-findings .count", "class")) ?? "", /\berror\b/);
    assert.match((await page.getAttribute("#tab-findings .count", "aria-label")) ?? "", /7 findings, 1 error/);

    await page.click("#tab-findings");
    await page.waitForSelector(".findings-list .finding");
    assert.equal(await text(page, "#findings-summary").then((t) => t.split(":")[0]), "7 findings");
    const items = await page.$$eval(".findings-list .finding", (lis) => lis.map((li) => [li.getAttribute("data-code"), li.querySelector(".badge")?.textContent]));
    assert.deepEqual(items[0], ["approval_unsatisfiable", "Error"]);
    assert.equal(items.length, 7);

    const first = ".findings-list .finding:nth-child(1)";
    assert.equal(await text(page, `${first} h3`), "Approval that can never be given");
    assert.equal(
      await text(page, `${first} .finding-text`),
      "The approval rule repository.delete needs 2 approvals, but on umbra/engine only Uri Ben-David could ever approve. Requests there are always denied; 2 scopes are like this: umbra/engine and umbra/site.",
    );
    // The rule, in words, opens in place.
    assert.equal(await page.getAttribute(`${first} details.finding-rule`, "open"), null);
    await page.click(`${first} button[aria-label='Show the approval rule repository.delete']`);
    assert.notEqual(await page.getAttribute(`${first} details.finding-rule`, "open"), null);
    assert.match(await text(page, `${first} details.finding-rule p`), /“Delete the repository” on a repository needs 2 approvals from Owner, within 14 days/);

    const lockout = ".findings-list .finding[data-code=lockout_risk][data-pointer='/scopeTypes/0']";
    assert.equal(await text(page, `${lockout} .finding-text`), "On 1 organisation only one active member can manage roles: Umbra Labs (Uri Ben-David). Should they leave, nobody there could give anyone a role.");
    await screenshot(page, "60-findings-panel");

    // A scope link: the members on that scope.
    await page.click(`${first} button[aria-label='Show the members on umbra/engine']`);
    await page.waitForSelector("#panel-members:not([hidden]) .members-table");
    assert.equal(await page.getAttribute("#tab-members", "aria-selected"), "true");
    assert.equal(await page.inputValue("#member-scope"), "repo-engine");
    const members = await page.$$eval(".members-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-member")));
    assert.ok(members.includes("m-wes"), `Wes, the collaborator on umbra/engine, is listed: ${members.join(", ")}`);
    assert.ok(!members.includes("m-dan"), "only the members on umbra/engine");

    // Acting as someone who sees nobody there, the page says so.
    await page.selectOption("#actor-select", "m-olga");
    await page.click("#tab-findings");
    await page.click(`${first} button[aria-label='Show the members on umbra/site']`);
    assert.match(await text(page, ".notice"), /Acting as Olga Lindqvist, you see nobody on umbra\/site/);
  });
});

test("bt-business: a role link selects the role in the Roles view", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business&tab=findings");
    await page.waitForSelector(".findings-list .finding");
    assert.match((await page.getAttribute("#tab-findings .count", "class")) ?? "", /\bwarning\b/);
    const escalation = ".findings-list .finding[data-code=escalation_path]";
    assert.equal(await text(page, `${escalation} .badge`), "Warning");
    assert.match(await text(page, `${escalation} .finding-text`), /^Holders of User & admin may make themselves Admin \(cloud voice\)\. It holds nothing more, but outranks User & admin \(rank 30 against 20\)/);
    await screenshot(page, "61-findings-bt-business");

    await page.click(`${escalation} button[aria-label='Show the role Admin (cloud voice) in the Roles view']`);
    await page.waitForSelector("tr[data-role='voice.admin'].focused");
    assert.equal(await page.getAttribute("#tab-roles", "aria-selected"), "true");
    assert.equal(await page.$$eval("tr.focused", (trs) => trs.length), 1);
    await page.waitForFunction(() => document.activeElement?.getAttribute("data-role") === "voice.admin");
    const inView = await page.$eval("tr.focused", (tr) => {
      const r = tr.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert.ok(inView, "the role's row is scrolled into view");
    await screenshot(page, "62-findings-role-link");

    // No findings: the panel says so, and the tab has no count.
    await openApp(page, app.env.url, "?example=account-hub&tab=findings");
    assert.equal(await page.$("#tab-findings .count"), null);
    assert.match(await text(page, "#findings-summary"), /^No findings/);
  });
});
