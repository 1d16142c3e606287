// Accessibility: axe-core (injected from node_modules, nothing fetched) run over the
// whole page on every view of the app, the forms of every operation kind, the
// answers, the previews, the role editor, the what-if state, the acting-as dialog,
// a bundle that does not load, and, signed in to a real server of record, the
// sign-in page, the inbox and the audit log; at 1280 and at 390 pixels wide. Any
// violation fails the test, listed with its rule, where it was and the element.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { addOperation, appSession, axeViolations, chooseExample, openApp, openPage, repo } from "./helpers.mjs";
import { commit as commitThroughApi, fixture, skip, startServer, stop, tempDir, token } from "../server/lib.mjs";

const app = appSession();
const { flow } = app;

/**
 * Collects the violations on a page under the names of the states it was checked in.
 * @param {import("playwright-core").Page} page @param {number[]} widths checked at each
 */
function auditor(page, widths) {
  /** @type {string[]} */
  const found = [];
  let checked = 0;
  return {
    found,
    get checked() {
      return checked;
    },
    /** @param {string} where */
    async check(where) {
      const size = page.viewportSize();
      for (const width of widths) {
        if (widths.length > 1) await page.setViewportSize({ width, height: 844 });
        for (const v of await axeViolations(page)) found.push(`${where}, ${width}px: ${v}`);
        checked += 1;
      }
      if (widths.length > 1 && size) await page.setViewportSize(size);
    },
  };
}

/** @param {string[]} found */
const readable = (found) => `axe found ${found.length} violation(s):\n  ${found.join("\n  ")}`;

/** Every operation kind's form in the builder. @param {import("playwright-core").Page} page @param {ReturnType<typeof auditor>} audit @param {string} example */
async function everyForm(page, audit, example) {
  await page.click("#tab-changes");
  for (const kind of await page.$$eval("#op-kind option", (os) => os.map((o) => o.value))) {
    await page.selectOption("#op-kind", kind);
    await audit.check(`${example}: the form of ${kind}`);
  }
}

for (const width of [1280, 390]) {
  test(`the simulation has no accessibility violation at ${width}px: every view, form, answer and dialog`, async () => {
    await flow({ width, height: 844 }, async (page) => {
      const audit = auditor(page, [width]);
      await openApp(page, app.env.url, "?example=bt-business");
      for (const tab of ["members", "roles", "access", "changes", "findings", "settings"]) {
        await page.click(`#tab-${tab}`);
        await audit.check(`bt-business: the ${tab} view`);
      }
      await page.click("#tab-members");
      await page.click("#layout-scopes");
      await page.waitForSelector(".scope-tree");
      await audit.check("members by scope");
      await page.click("#layout-members");

      await page.click("#tab-access");
      await page.click("#check-submit");
      await page.click("#who-submit");
      await page.click("#what-submit");
      await page.waitForSelector("#what-result");
      await audit.check("the access checker's answers");

      await page.click("#tab-findings");
      await page.click(".finding-links button >> nth=0");
      await page.waitForSelector(".roles-table tr.focused");
      await audit.check("a finding's role, shown in the Roles view");

      await everyForm(page, audit, "bt-business");
      await page.selectOption("#changeset-select", "super-admin-reorganises.json");
      await page.click("#changeset-load");
      await page.waitForSelector(".op-result");
      await page.click(".diff-members summary >> nth=0");
      await audit.check("a preview, its diff open");
      await page.click(".op-list li[data-op='0'] .op-edit");
      await page.waitForSelector("#op-cancel");
      await audit.check("editing an operation");
      await page.keyboard.press("Escape");

      // The question asked before acting as someone else with a change being built.
      await page.selectOption("#actor-select", "m-george");
      await page.waitForSelector("#actor-dialog[open]");
      await audit.check("the acting-as dialog");
      await page.click("#actor-dialog-fresh");
      await page.waitForFunction(() => !document.querySelector("#actor-dialog") && document.querySelectorAll(".op-list li").length === 0);

      // A what-if step with a self-upgrade waiting for its PIN.
      await addOperation(page, "request_self_upgrade", { scope: "acc-1003", role: "billing.admin" });
      await page.waitForSelector(".op-result.conditional");
      await page.click("#continue-from-result");
      await page.waitForSelector("#whatif");
      await audit.check("a what-if step, its PIN step waiting");

      // Custom roles: the role editor and its preview.
      await chooseExample(page, "account-hub");
      await page.click("#tab-roles");
      await page.click("#new-custom-role");
      await page.waitForSelector(".role-editor #role-label");
      await page.fill("#role-label", "Fleet Admin");
      await page.check(".perm-checklist input[name=rolePermissions] >> nth=0");
      await audit.check("the custom role editor");

      // Approval requests to decide and apply.
      await chooseExample(page, "code-hosting");
      await everyForm(page, audit, "code-hosting");

      // A bundle that does not load.
      await page.setInputFiles("#file-input", path.join(repo, "tests/data/invalid/dozen-mistakes.json"));
      await page.waitForSelector("body[data-phase=invalid]");
      await audit.check("a bundle that does not load");

      assert.ok(audit.checked > 40, `${audit.checked} states checked`);
      assert.deepEqual(audit.found, [], readable(audit.found));
    });
  });
}

test("signed in to the server of record, no accessibility violation: sign-in, inbox, audit log (1280 and 390 px)", { skip }, async () => {
  const dir = tempDir("rg-a11y-");
  const db = path.join(dir, "db.sqlite");
  const server = await startServer(db, fixture(dir, "bt-business", (b) => {
    b.server ??= { auditPermission: "roles.manage" };
  }), ["--app", path.join(repo, "build", "web"), "--demo"]);
  /** @type {{ close: () => Promise<void> }[]} */
  const open = [];
  /** A person signed in through the demo sign-in page. @param {string} member */
  async function person(member) {
    const { page, context, problems } = await openPage(app.env.browser, `${server.base}/`);
    open.push(context);
    await page.goto(`${server.base}/`);
    await page.waitForSelector(`#demo-members button[data-member="${member}"]`, { timeout: 30000 });
    return { page, problems, audit: auditor(page, [1280, 390]) };
  }
  /** @param {import("playwright-core").Page} page @param {string} member */
  async function signIn(page, member) {
    await page.click(`#demo-members button[data-member="${member}"]`);
    await page.waitForSelector("body[data-phase=ready][data-mode=connected]", { timeout: 30000 });
  }
  /** @param {import("playwright-core").Page} page */
  async function commit(page) {
    await page.click("#submit-commit");
    await page.waitForSelector("#commit-outcome");
    assert.equal(await page.getAttribute("#commit-outcome", "data-kind"), "committed", await page.textContent("#commit-outcome") ?? "");
  }
  try {
    // Uma asks for a role: the sign-in page, the builder, the committed answer, her inbox.
    const uma = await person("m-uma");
    await uma.audit.check("the sign-in page");
    await signIn(uma.page, "m-uma");
    await uma.audit.check("signed in: the members view");
    await uma.page.getByRole("button", { name: "Ask for a role on Leeds head office" }).click();
    await uma.page.waitForSelector("#op-form #op-reason");
    await uma.page.selectOption("#op-role", "billing.advanced_user");
    await uma.page.fill("#op-reason", "I tag our services' costs for finance");
    await uma.page.click("#op-submit");
    await uma.page.waitForSelector(".op-result.allow .deciders");
    await uma.audit.check("signed in: a change previewed before it is submitted");
    await commit(uma.page);
    await uma.audit.check("signed in: a change committed");
    await uma.page.click("#tab-inbox");
    await uma.page.waitForSelector("#my-requests [data-own-request]");
    await uma.audit.check("the inbox: your own request");

    // George has asked for a self-upgrade (through the API: committing from the page is
    // connected.test.mjs's): his inbox's PIN form and the demo letter.
    const asked = await commitThroughApi(server.base, token(db, "m-george"), "m-george", [{ op: "request_self_upgrade", scope: "acc-1003", role: "billing.admin" }]);
    assert.equal(asked.status, 200, asked.text);
    const george = await person("m-george");
    await signIn(george.page, "m-george");
    await george.page.click("#tab-inbox");
    await george.page.waitForSelector("#my-requests [data-verification]");
    await george.page.click("#refresh-inbox");
    await george.page.waitForSelector(".message .demo-letter", { timeout: 15000 });
    await george.audit.check("the inbox: a PIN to enter, the letter");

    // Olivia decides: her inbox holds Uma's request; the audit log lists the commits.
    const olivia = await person("m-olivia");
    await signIn(olivia.page, "m-olivia");
    await olivia.page.click("#tab-inbox");
    await olivia.page.waitForSelector("#to-decide [data-kind=role]", { timeout: 15000 });
    await olivia.audit.check("the inbox: a request to decide");
    await olivia.page.click("#tab-audit");
    await olivia.page.waitForSelector(".audit-entry[data-kind=change]");
    await olivia.audit.check("the audit log");

    const found = [...uma.audit.found, ...george.audit.found, ...olivia.audit.found];
    assert.deepEqual(found, [], readable(found));
    for (const p of [uma, george, olivia]) assert.deepEqual(p.problems, [], "no console error, failed request or external request");
  } finally {
    for (const context of open) await context.close();
    await stop(server);
  }
});
