// The change builder and its live preview: a denied upgrade with its reason, a
// denied removal that never says why it is allowed, a downgrade with its access
// diff and notification, a self-upgrade with its PIN step, undo and redo, acting
// as someone else with a change being built, downloads, and submission to a
// backend whose verdict is shown beside the preview.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { actAs, addOperation, appSession, openApp, repo, screenshot, startVerificationServer, text } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

/** Adds a change_role operation through the builder's form. */
async function changeRole(page, member, scope, role) {
  await page.click("#tab-changes");
  await page.selectOption("#op-kind", "change_role");
  await page.selectOption("#op-member", member);
  await page.selectOption("#op-scope", scope);
  await page.selectOption("#op-role", role);
  await page.click("#op-submit");
}

test("a billing admin tries to make someone super admin: denied, and the reason is shown", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await actAs(page, "m-raj");
    await changeRole(page, "m-chen", "acc-1002", "billing.super_admin");
    await page.waitForSelector(".op-result.deny");
    assert.match(await text(page, ".verdict"), /^Blocked: an operation is denied/);
    assert.equal(await text(page, ".op-result .op-title"), "Upgrade Wei Chen from User (billing) to Super admin on York shop");
    assert.match(await text(page, ".op-result .checks-detail"), /Super admin is rank 40, but Raj Patel manages roles only up to rank 30 \(Admin \(billing\)\)/);
    assert.equal(await text(page, ".op-list li .badge"), "Denied");
    assert.equal(await text(page, "#tab-changes .count"), "1");
    await screenshot(page, "10-raj-super-admin-denied");
  });
});

test("upgrading an admin to super admin: the preview shows the change in power", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await actAs(page, "m-olivia");
    await changeRole(page, "m-raj", "acc-1001", "billing.super_admin");
    await page.waitForSelector(".op-result.allow");
    const raj = ".diff-members li[data-member=m-raj]";
    assert.match(await text(page, `${raj} summary`), /^Raj Patel: permissions stay the same, but can now manage billing roles up to Super admin on Leeds head office/);
    await page.click(`${raj} summary`);
    assert.match(await text(page, `${raj} .diff-power`), /Changes in power.*may now claim Admin \(apps\) within North/s);
    await screenshot(page, "13-raj-power");
  });
});

test("downgrading a user: the preview shows the access diff and the notification", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await actAs(page, "m-olivia");
    await changeRole(page, "m-alex", "acc-1001", "billing.user");
    await page.waitForSelector(".op-result.allow");
    assert.match(await text(page, ".verdict"), /^Ready to submit/);
    assert.equal(await text(page, ".diff-members li[data-member=m-alex] .diff-line"), "Alex Morgan loses 1 permission on 1 billing account");
    await page.click(".diff-members li[data-member=m-alex] summary");
    assert.match(await text(page, ".diff-members li[data-member=m-alex]"), /Loses: Tag services and costs/);
    assert.match(await text(page, ".diff-members li[data-member=m-alex]"), /Advanced user becomes User \(billing\) on Leeds head office/);
    assert.equal(
      await text(page, ".events li[data-event=role_downgraded]"),
      "Alex Morgan, in the app: downgraded from Advanced user to User (billing) on Leeds head office; names Olivia Hart",
    );
    await screenshot(page, "11-downgrade-diff-notification");
  });
});

test("the members view starts a change for a member the actor may manage", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await page.click("tr[data-member=m-uma] button:has-text('Remove')");
    assert.equal(await page.getAttribute("#tab-changes", "aria-selected"), "true");
    assert.equal(await page.inputValue("#op-kind"), "remove_member");
    assert.equal(await page.inputValue("#op-member"), "m-uma");
    await page.selectOption("#op-scope", "acc-1001");
    await page.click("#op-submit");
    await page.waitForSelector(".diff-members li[data-member=m-uma]");
    assert.equal(await text(page, ".diff-members li[data-member=m-uma] .diff-line"), "Uma Brooks loses 11 permissions on 1 billing account");
    assert.match(await text(page, ".events"), /Uma Brooks, in the app: removed from Leeds head office; names Olivia Hart \(olivia\.hart@hartwell\.example\.com\)/);
  });
});

test("activating an unassigned extension with its set-up option, from the members view", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=cloud-work&actor=m-tom");
    assert.match(await text(page, "tr[data-member=m-ext-1021]"), /Unassigned: added to .*, no role yet/);
    await page.click("tr[data-member=m-ext-1021] button:has-text('Activate')");
    assert.equal(await page.inputValue("#op-kind"), "activate_member");
    assert.equal(await page.inputValue("#op-member"), "m-ext-1021");
    const setups = await page.$$eval("#op-setup option", (os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(setups.includes("activate_later"), setups.join());
    await page.selectOption("#op-setup", "activate_later");
    await page.click("#op-submit");
    await page.waitForSelector(".op-result");
    assert.match(await text(page, ".op-result .op-title"), /^Activate Extension 1021: activate later \(stays pending\)$/);
    await screenshot(page, "15-activate-unassigned");
  });
});

test("adding members with attributes the policy requires: the precondition decides", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=cloud-work&actor=m-priya");
    await page.click("#tab-changes");
    await page.selectOption("#op-kind", "add_members");
    await page.selectOption("#op-scope", "acct-7001");
    await page.fill("#op-newMembers", "Extension 1030");
    assert.match(await text(page, "#op-form"), /The policy looks at: chargesAccepted/);
    await page.fill("#op-attributes", "chargesAccepted = false");
    await page.click("#op-submit");
    await page.waitForSelector(".op-result.deny");
    assert.match(await text(page, ".op-result"), /This operation needs chargesAccepted to be yes, and it is no/);
    await page.click("#undo");
    await page.selectOption("#op-kind", "add_members");
    await page.selectOption("#op-scope", "acct-7001");
    await page.fill("#op-newMembers", "Extension 1030");
    await page.fill("#op-attributes", "chargesAccepted = true");
    await page.click("#op-submit");
    await page.waitForSelector(".op-result.allow");
  });
});

test("claiming a role, blocking a member and setting an approval rule through their forms", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business&actor=m-olivia");
    await page.click("#tab-changes");
    await addOperation(page, "claim_role", { scope: "co-2001", role: "apps.admin" });
    await page.waitForSelector(".op-result.allow");
    assert.match(await text(page, ".op-result"), /Olivia Hart claims Admin \(apps\) on Hartwell Trading North Ltd/);
    assert.match(await text(page, ".op-result"), /Olivia Hart may claim Admin \(apps\) on Hartwell Trading North Ltd, holding Super admin on Leeds head office/);

    await openApp(page, app.env.url, "?example=account-hub&actor=m-olivia");
    await page.click("#tab-changes");
    await addOperation(page, "block", { member: "m-jon" });
    await page.waitForSelector(".op-result.allow");
    assert.match(await text(page, ".diff-members"), /Jon Baker loses 10 permissions on 2 lines/);
    await page.selectOption("#op-kind", "set_approval_rule");
    await page.selectOption("#op-ruleFrom", "approval.end_user_orders");
    assert.equal(await page.inputValue("#op-ruleId"), "approval.end_user_orders");
    await page.fill("#op-ruleConditions", "orderTotal gt 100000");
    await page.click("#op-submit");
    await page.waitForFunction(() => document.querySelectorAll(".op-result").length === 2);
    assert.match(await text(page, ".op-result[data-op='1']"), /Set approval rule approval\.end_user_orders: “Place orders” by End User, when orderTotal is above 100000 needs 1 approval/);
    assert.equal(await text(page, ".op-result[data-op='1'] .badge"), "Allowed");
  });
});

test("a form says what is missing instead of adding a broken operation", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await page.click("#tab-changes");
    await page.selectOption("#op-kind", "invite");
    await page.fill("#op-newEmail", "not-an-address");
    await page.click("#op-submit");
    assert.match(await text(page, "#op-form"), /enter an e-mail address such as name@example\.com/);
    assert.equal(await page.getAttribute("#op-newEmail", "aria-invalid"), "true");
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 0);
  });
});

test("self-upgrade: ask for it (a PIN goes by post), then complete it with the PIN", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business&actor=m-george");
    await page.click("#tab-changes");
    await addOperation(page, "request_self_upgrade", { scope: "acc-1003", role: "billing.admin" });
    await page.waitForSelector(".op-result.conditional");
    assert.match(await text(page, ".op-result .verifications"), /Verification by postal PIN, valid for 28 days/);
    assert.match(await text(page, ".events"), /George Evans, by post: a postal PIN for Admin \(billing\) on Bristol depot, valid until 29 Dec 2026/);
    await page.fill("#pin-step-0", "12");
    await page.click("#pin-complete-0");
    assert.match(await text(page, ".pin-step"), /4 to 8 digits/);
    await page.fill("#pin-step-0", "482913");
    await page.click("#pin-complete-0");
    await page.waitForFunction(() => document.querySelectorAll(".op-result").length === 2);
    assert.equal(await text(page, ".op-result[data-op='1'] .badge"), "Allowed");
    assert.match(await text(page, ".diff-members"), /George Evans gains \d+ permissions? on 1 billing account/);
    assert.match(await text(page, ".events"), /George Evans, by e-mail: upgraded from User \(billing\) to Admin \(billing\) on Bristol depot/);
    await screenshot(page, "12-self-upgrade-pin");
  });
});

test("undo and redo, from the buttons and the keyboard", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await changeRole(page, "m-alex", "acc-1001", "billing.user");
    await page.waitForSelector(".op-list li");
    await changeRole(page, "m-raj", "acc-1001", "billing.super_admin");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 2);
    await page.click("#undo");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 1);
    await page.click("#redo");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 2);
    await page.click(".op-list li[data-op='0'] button[aria-label^='Remove operation 1']");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 1);
    await page.focus("#tab-changes");
    await page.keyboard.press("Control+z");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 2);
    await page.keyboard.press("Control+Shift+z");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 1);
  });
});

test("download the change set and its preview as JSON; verify the preview in the page", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await changeRole(page, "m-alex", "acc-1001", "billing.user");
    await page.waitForSelector("#download-changeset");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-changeset")]);
    const changeSet = JSON.parse(readFileSync(await download.path(), "utf8"));
    assert.equal(changeSet.format, "rolegate-changeset/1");
    assert.equal(changeSet.actor, "m-olivia");
    assert.deepEqual(changeSet.operations, [{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" }]);
    const [both] = await Promise.all([page.waitForEvent("download"), page.click("#download-both")]);
    const saved = JSON.parse(readFileSync(await both.path(), "utf8"));
    assert.deepEqual(saved.changeSet, changeSet);
    assert.equal(saved.preview.summary.allowed, 1);
    // The same bytes verify natively: the engine in Node agrees.
    const engine = await createEngine(readFileSync(path.join(repo, "examples/bt-business/bundle.json"), "utf8"));
    assert.equal(engine.verify(saved.changeSet, saved.preview).match, true);
    await page.click("#verify-here");
    assert.match(await text(page, ".verify-here"), /matches/);
  });
});

/**
 * A copy of the BT Business bundle that claims the example's revision but in
 * which Olivia is disabled: a server holding it recomputes her change differently,
 * as a server whose policy moved on without a new revision would.
 */
function divergentBundle(dir) {
  const text = readFileSync(path.join(repo, "examples/bt-business/bundle.json"), "utf8");
  const bundle = JSON.parse(text);
  bundle.revision = spawnSync(path.join(repo, "build/native/rolegate"), ["validate", "--format", "json", path.join(repo, "examples/bt-business/bundle.json")], { encoding: "utf8" }).stdout.match(/"revision":"([^"]+)"/)[1];
  bundle.members.find((m) => m.id === "m-olivia").status = "disabled";
  const file = path.join(dir, "bt-business-diverged.json");
  writeFileSync(file, JSON.stringify(bundle));
  return file;
}

test("submit to a backend: its verdict is shown beside the preview, match or differences", async () => {
  // The real server side: rolegate serve, natively, on the example bundle; then
  // on a bundle that diverged from it under the same revision.
  const origin = new URL(app.env.url).origin;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "rolegate-backend-"));
  const agreeing = await startVerificationServer([path.join(repo, "examples/bt-business/bundle.json")], origin);
  const diverging = await startVerificationServer([divergentBundle(tmp)], origin);
  try {
    await flow({ allowedOrigins: [new URL(agreeing.url).origin, new URL(diverging.url).origin] }, async (page) => {
      await openApp(page, app.env.url, `?example=bt-business&backend=${encodeURIComponent(agreeing.url)}`);
      await changeRole(page, "m-alex", "acc-1001", "billing.user");
      await page.click("#submit-backend");
      await page.waitForSelector("#backend-verdict");
      assert.match(await text(page, "#backend-verdict"), /Match: the backend reached the same verdict\./);
      await screenshot(page, "13-backend-match");
      await page.click("#tab-settings");
      assert.equal(await page.inputValue("#backend-url"), agreeing.url);
      await page.fill("#backend-url", diverging.url);
      await page.press("#backend-url", "Enter");
      await page.click("#tab-changes");
      await page.click("#submit-backend");
      await page.waitForSelector("#backend-differences");
      assert.match(await text(page, "#backend-verdict"), /Difference: the backend disagrees in \d+ places?\./);
      const differences = await text(page, "#backend-differences");
      assert.match(differences, /\/operations\/0\/effect\s*"allow"\s*"deny"/);
      assert.match(differences, /\/summary\/blocked\s*false\s*true/);
      await screenshot(page, "14-backend-difference");
    });
  } finally {
    await agreeing.close();
    await diverging.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("a denied operation never shows “Why: Allowed…”: its own reason says why, the check it passed is apart", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=code-hosting");
    await page.click("#tab-changes");
    await page.selectOption("#changeset-select", "remove-last-owner.json");
    await page.click("#changeset-load");
    await page.waitForSelector(".op-result.deny");
    const op = ".op-result.deny";
    assert.match(await text(page, `${op} .lines`), /Umbra Labs would have 0 active holder/);
    // Every heading of a group of checks, and the verdicts under each.
    const groups = await page.$$eval(`${op} details`, (ds) =>
      ds.map((d) => ({ summary: d.querySelector("summary")?.textContent ?? "", checks: [...d.querySelectorAll(".check-text")].map((c) => c.textContent ?? "") })),
    );
    assert.deepEqual(groups, [{ summary: "Checks it passes", checks: ["Allowed: “Remove people” on Umbra Labs"] }]);
    for (const g of groups) if (/^Why/.test(g.summary)) assert.ok(g.checks.every((c) => !c.startsWith("Allowed")), `${g.summary}: ${g.checks}`);
    assert.doesNotMatch(await text(page, op), /Why[^A-Za-z]*Allowed/);
  });
});

test("acting as someone else with a change being built asks first: Escape keeps all, keep the draft, or start afresh", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business");
    await changeRole(page, "m-alex", "acc-1001", "billing.user");
    await page.waitForSelector(".op-result.allow");

    // The question, as a modal dialog holding the focus; Escape cancels it.
    await page.selectOption("#actor-select", "m-uma");
    const dialog = page.locator("#actor-dialog");
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute("role"), "dialog");
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    assert.equal(await text(page, "#actor-dialog h2"), "Act as Uma Brooks?");
    assert.equal(await page.evaluate(() => document.activeElement?.closest("#actor-dialog") !== null), true, "the focus is in the dialog");
    assert.deepEqual(await page.$$eval("#actor-dialog button", (bs) => bs.map((b) => b.textContent)), ["Keep the draft, acting as Uma Brooks", "Start afresh as Uma Brooks", "Go on as Olivia Hart"]);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector("#actor-dialog"));
    assert.equal(await page.inputValue("#actor-select"), "m-olivia", "cancelled: the member acting stays");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "actor-select", "the focus is back on the picker");
    assert.match(await text(page, "#change-title + .hint"), /^By Olivia Hart/);
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 1);

    // Keep the draft: the same operation, now Uma's, and she may not.
    await page.selectOption("#actor-select", "m-uma");
    await page.click("#actor-dialog-keep");
    await page.waitForSelector(".op-result.deny");
    assert.equal(await page.inputValue("#actor-select"), "m-uma");
    assert.match(await text(page, "#change-title + .hint"), /^By Uma Brooks/);
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 1);

    // Start afresh: nothing left to preview; undo brings the operation back.
    await page.selectOption("#actor-select", "m-raj");
    await page.click("#actor-dialog-fresh");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 0);
    assert.equal(await page.inputValue("#actor-select"), "m-raj");
    await page.click("#undo");
    await page.waitForFunction(() => document.querySelectorAll(".op-list li").length === 1);

    // With nothing being built, no question.
    await page.click("#clear");
    await actAs(page, "m-olivia");
    assert.equal(await page.$("#actor-dialog"), null);
    assert.equal(await page.inputValue("#actor-select"), "m-olivia");
  });
});
