// Every example bundle loads in the app, and one request of its requests/ and
// one change set of its changes/ give in the page what the engine gives in Node.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { appSession, openApp, openPage, repo, screenshot, text } from "./helpers.mjs";

const app = appSession();

const LABELS = { allow: "Allowed", deny: "Denied", conditional: "Needs (approval|verification)" };
const examples = readdirSync(path.join(repo, "examples"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

test("the five seed examples are there", () => {
  for (const name of ["bt-business", "hosted-voice", "cloud-work", "account-hub", "code-hosting"]) assert.ok(examples.includes(name), name);
});

for (const name of examples) {
  test(`example ${name}: loads, answers a request, previews a change set`, async () => {
    const dir = path.join(repo, "examples", name);
    const engine = await createEngine(readFileSync(path.join(dir, "bundle.json"), "utf8"));
    assert.ok(engine.ok, `${name} is valid: ${JSON.stringify(engine.errors)}`);
    const requestFile = readdirSync(path.join(dir, "requests")).filter((f) => f.endsWith(".json")).sort()[0];
    const changeFile = readdirSync(path.join(dir, "changes")).filter((f) => f.endsWith(".json")).sort()[0];
    const request = JSON.parse(readFileSync(path.join(dir, "requests", requestFile), "utf8"));
    const changeSet = JSON.parse(readFileSync(path.join(dir, "changes", changeFile), "utf8"));
    const expectedDecision = engine.check(request);
    const expectedSimulation = engine.simulate({ ...changeSet, baseRevision: engine.revision });
    assert.ok(expectedSimulation.ok, JSON.stringify(expectedSimulation.errors));

    const { page, context, problems } = await openPage(app.env.browser, app.env.url);
    try {
      await openApp(page, app.env.url, `?example=${name}`);
      assert.equal(await page.inputValue("#example-select"), name);
      assert.ok((await page.$$(".members-table tbody tr")).length >= 1, "the members view lists someone");

      await page.click("#tab-access");
      await page.selectOption("#request-select", requestFile);
      await page.click("#request-try");
      await page.waitForSelector(`#decision.${expectedDecision.effect}`);
      assert.equal(await page.inputValue("#actor-select"), request.actor);
      assert.match(await text(page, "#decision h2"), new RegExp(`^${LABELS[expectedDecision.effect]}`));
      assert.equal((await page.$$("#decision ul.reasons > li")).length, expectedDecision.reasons.length, "one line per reason");

      await page.click("#tab-changes");
      await page.selectOption("#changeset-select", changeFile);
      await page.click("#changeset-load");
      await page.waitForFunction((n) => document.querySelectorAll(".op-result").length === n, changeSet.operations.length);
      const effects = await page.$$eval(".op-result", (lis) => lis.map((li) => ["allow", "deny", "conditional"].find((e) => li.classList.contains(e))));
      assert.deepEqual(effects, expectedSimulation.operations.map((o) => o.effect));
      assert.equal(await page.inputValue("#actor-select"), changeSet.actor);
      const diffMembers = await page.$$eval(".diff-members > li", (lis) => lis.map((li) => li.getAttribute("data-member")));
      assert.deepEqual(diffMembers, expectedSimulation.accessDiff.members.map((m) => m.member));
      assert.equal((await page.$$(".events li")).length, expectedSimulation.events.length);
      assert.equal((await page.$$(".violations li")).length, expectedSimulation.violations.length);
      await screenshot(page, `30-example-${name}`);
      assert.deepEqual(problems, [], "no console error, failed request or external request");
    } finally {
      await context.close();
    }
  });
}
