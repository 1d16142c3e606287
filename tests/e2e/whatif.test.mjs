// Editing an operation of the change in place, and what-if chains: continue from
// a preview's result to preview the steps that come later (an approval decided
// and applied, a PIN entered), go back to the original, and download the chain.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { createEngine } from "../../build/wasm/rolegate.mjs";
import { actAs, addOperation, appSession, openApp, repo, screenshot, startVerificationServer, text } from "./helpers.mjs";

const app = appSession();
const { flow } = app;

const opCount = (page, n) => page.waitForFunction((k) => document.querySelectorAll(".op-list li").length === k, n);

async function changeRole(page, member, scope, role) {
  await page.selectOption("#op-kind", "change_role");
  await page.selectOption("#op-member", member);
  await page.selectOption("#op-scope", scope);
  await page.selectOption("#op-role", role);
  await page.click("#op-submit");
}

test("edit an operation in place: pre-filled form, saved at its position in one undo step, cancel keeps it", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business&actor=m-olivia");
    await page.click("#tab-changes");
    await changeRole(page, "m-alex", "acc-1001", "billing.user");
    await opCount(page, 1);
    await addOperation(page, "remove_member", { member: "m-uma", scope: "acc-1001" });
    await opCount(page, 2);

    // From the keyboard: the Edit button has an accessible name naming the operation.
    const edit = page.getByRole("button", { name: "Edit operation 1: Downgrade Alex Morgan from Advanced user to User (billing) on Leeds head office" });
    await edit.focus();
    await page.keyboard.press("Enter");
    assert.equal(await text(page, "#builder-title"), "Edit operation 1");
    assert.equal(await page.inputValue("#op-kind"), "change_role");
    assert.equal(await page.inputValue("#op-member"), "m-alex");
    assert.equal(await page.inputValue("#op-scope"), "acc-1001");
    assert.equal(await page.inputValue("#op-role"), "billing.user");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "op-member", "the focus moves into the form");
    assert.equal(await page.getAttribute(".op-list li[data-op='0']", "aria-current"), "true");
    await screenshot(page, "20-edit-operation");

    // Cancel (Escape) leaves it as it was and gives the focus back to its Edit button.
    await page.selectOption("#op-role", "billing.admin");
    await page.focus("#op-role");
    await page.keyboard.press("Escape");
    assert.equal(await text(page, "#builder-title"), "Add an operation");
    assert.match(await text(page, ".op-list li[data-op='0'] .op-title"), /^Downgrade Alex Morgan from Advanced user to User \(billing\)/);
    assert.match((await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))) ?? "", /^Edit operation 1:/);
    await page.click(".op-list li[data-op='0'] .op-edit");
    await page.click("#op-cancel");
    assert.equal(await text(page, "#builder-title"), "Add an operation");
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 2);

    // Save: replaced where it stands, previewed again.
    await page.click(".op-list li[data-op='0'] .op-edit");
    await page.selectOption("#op-role", "billing.admin");
    await page.getByRole("button", { name: "Save operation 1" }).click();
    await page.waitForFunction(() => /Admin \(billing\)/.test(document.querySelector(".op-list li[data-op='0'] .op-title")?.textContent ?? ""));
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 2);
    assert.match(await text(page, ".op-list li[data-op='0'] .op-title"), /^Upgrade Alex Morgan from Advanced user to Admin \(billing\) on Leeds head office$/);
    assert.match(await text(page, ".op-list li[data-op='1'] .op-title"), /Uma Brooks/);
    assert.match(await text(page, ".op-result[data-op='0'] .op-title"), /Admin \(billing\)/);
    assert.match((await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))) ?? "", /^Edit operation 1:/);
    // One undo step brings the operation back.
    await page.click("#undo");
    await page.waitForFunction(() => /User \(billing\)/.test(document.querySelector(".op-list li[data-op='0'] .op-title")?.textContent ?? ""));
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 2);
    await page.click("#redo");
    await page.waitForFunction(() => /Admin \(billing\)/.test(document.querySelector(".op-list li[data-op='0'] .op-title")?.textContent ?? ""));
    // Undo while editing gives the edit up: the form is for adding again, and empty.
    await page.click(".op-list li[data-op='1'] .op-edit");
    assert.equal(await page.inputValue("#op-kind"), "remove_member");
    assert.equal(await page.inputValue("#op-member"), "m-uma");
    await page.click("#undo");
    assert.equal(await text(page, "#builder-title"), "Add an operation");
    assert.equal(await page.inputValue("#op-member"), "");
    await page.click("#redo");

    // An operation with attributes and a new member's invitation come back in their forms too.
    await page.selectOption("#op-kind", "invite");
    await page.fill("#op-newName", "Gwen Alvarez");
    await page.fill("#op-newEmail", "gwen.alvarez@hartwell.example.com");
    await page.selectOption("#op-scope", "acc-1001");
    await page.selectOption("#op-role", "billing.user");
    await page.click("#op-submit");
    await opCount(page, 3);
    await page.click(".op-list li[data-op='2'] .op-edit");
    assert.equal(await page.inputValue("#op-newName"), "Gwen Alvarez");
    assert.equal(await page.inputValue("#op-newEmail"), "gwen.alvarez@hartwell.example.com");
    await page.fill("#op-newName", "Gwen Alvarez-Smith");
    await page.click("#op-submit");
    await page.waitForFunction(() => /Alvarez-Smith/.test(document.querySelector(".op-list li[data-op='2'] .op-title")?.textContent ?? ""));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-changeset")]);
    const cs = JSON.parse(readFileSync(await download.path(), "utf8"));
    assert.deepEqual(cs.operations[2].member, { id: "m-gwen", email: "gwen.alvarez@hartwell.example.com", name: "Gwen Alvarez-Smith" }, "the new member keeps the id");
  });
});

test("edit an example change set's operations: a custom role as JSON, a role assignment in its form", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=account-hub&actor=m-olivia");
    await page.click("#tab-changes");
    await page.selectOption("#changeset-select", "custom-role-with-required-approval.json");
    await page.click("#changeset-load");
    await opCount(page, 3);
    await page.click(".op-list li[data-op='0'] .op-edit");
    assert.match(await text(page, "#op-form"), /edited as JSON/);
    const json = JSON.parse(await page.inputValue("#op-json"));
    assert.equal(json.role.id, "hub.custom.fleet_admin");
    json.role.label = "Fleet Admin (edited)";
    await page.fill("#op-json", JSON.stringify(json));
    await page.click("#op-submit");
    await page.waitForFunction(() => /Fleet Admin \(edited\)/.test(document.querySelector(".op-list li[data-op='0'] .op-title")?.textContent ?? ""));
    await page.click(".op-list li[data-op='2'] .op-edit");
    assert.equal(await page.inputValue("#op-kind"), "assign_role");
    assert.equal(await page.$$eval("#op-form input[name=scopes]:checked", (l) => l.length), 1);
    await page.click("#op-cancel");
    assert.equal(await page.$$eval(".op-list li", (l) => l.length), 3);
    await page.waitForSelector(".op-result[data-op='2']");
    await screenshot(page, "25-edit-custom-role-json");
  });
});

/** The account-hub order flow; `file` loads the bundle as a file instead of the example. */
async function orderFlow(page, { file = null } = {}) {
  await openApp(page, app.env.url, "?example=account-hub&actor=m-lena");
  if (file) {
    await page.setInputFiles("#file-input", { name: "account-hub-notified.json", mimeType: "application/json", buffer: Buffer.from(file) });
    await page.waitForFunction(() => document.body.dataset.phase === "ready" && /notified/.test(document.querySelector("#example-select")?.textContent ?? ""));
    await actAs(page, "m-lena");
  }
  await page.click("#tab-changes");
  await page.selectOption("#op-kind", "perform");
  await page.selectOption("#op-scope", "ln-0201");
  await page.selectOption("#op-action", "orders.place");
  await page.fill("#op-attributes", "orderTotal = 24900");
  await page.click("#op-submit");
  await page.waitForSelector(".op-result.conditional");
  const approvals = await text(page, ".op-result .approvals");
  assert.match(approvals, /Needs approval/);
  assert.match(await text(page, ".events"), /Marcus Chen, by e-mail: asked to approve Lena Fischer's “Place orders” .* \(request request-1\)/);

  await page.click("#continue-from-result");
  await page.waitForSelector("#whatif");
  assert.match(await text(page, "#whatif"), /What-if: not the saved policy/);
  assert.equal(await text(page, "#whatif nav li:first-child"), "Original");
  assert.equal(await text(page, "#whatif nav li[aria-current=step]"), "After change 1");
  assert.equal(await page.$$eval(".op-list li", (l) => l.length), 0, "the next change starts empty");

  // An approver named in the request decides it, then applies it.
  await actAs(page, "m-marcus");
  assert.match(approvals, /Marcus Chen/, "Marcus is named as an approver");
  await page.selectOption("#op-kind", "decide_request");
  const requests = await page.$$eval("#op-request option", (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(requests, ["request-1"], "the request recorded by change 1");
  await page.selectOption("#op-request", "request-1");
  await page.selectOption("#op-decision", "approve");
  await page.click("#op-submit");
  await opCount(page, 1);
  await addOperation(page, "apply_approved", { request: "request-1" });
  await page.waitForFunction(() => document.querySelectorAll(".op-result.allow").length === 2);
  assert.match(await text(page, ".verdict"), /^Ready to submit/);
  assert.equal(await page.$$eval(".op-result.deny, .op-result.conditional", (l) => l.length), 0, "nothing blocked");
  assert.match(await text(page, ".op-result[data-op='1'] .op-title"), /^Apply approved request request-1: Lena Fischer: “Place orders” on .* \(orderTotal 24900\)$/);
  // Told to its requester, the request goes by what it asked, not by its id.
  assert.match(await text(page, ".events li[data-event=request_decided]"), /^Lena Fischer, by e-mail: the request to “Place orders” on .* was approved$/);
}

test("account hub: an End User's order needs approval; continue, an approver approves, then it is applied", async () => {
  await flow({}, async (page) => {
    await orderFlow(page);
    await screenshot(page, "21-whatif-approved-order");
    await page.setViewportSize({ width: 800, height: 900 });
    await screenshot(page, "24-whatif-narrow");
    await page.setViewportSize({ width: 1280, height: 900 });

    // The downloads carry the chain: each change set on the revision before it.
    const [both] = await Promise.all([page.waitForEvent("download"), page.click("#download-both")]);
    const chain = JSON.parse(readFileSync(await both.path(), "utf8"));
    assert.equal(chain.format, "rolegate-changechain/1");
    assert.equal(chain.steps.length, 2);
    const text0 = readFileSync(path.join(repo, "examples/account-hub/bundle.json"), "utf8");
    const original = await createEngine(text0);
    assert.equal(chain.baseRevision, original.revision);
    assert.equal(chain.steps[0].changeSet.baseRevision, original.revision);
    assert.equal(chain.steps[1].changeSet.baseRevision, chain.steps[0].preview.revisionAfter);
    assert.equal(chain.steps[1].changeSet.actor, "m-marcus");
    const verdict = original.verifyChain(readFileSync(await both.path()));
    assert.deepEqual(verdict.steps.map((v) => v.match), [true, true], "a server verifies it step by step");
    // And natively, the downloaded file as it is: rolegate verify-chain, the same answer.
    const native = spawnSync(path.join(repo, "build/native/rolegate"), ["verify-chain", path.join(repo, "examples/account-hub/bundle.json"), await both.path()], { encoding: "utf8" });
    assert.equal(native.status, 0, native.stdout + native.stderr);
    assert.deepEqual(JSON.parse(native.stdout), verdict);
    await page.click("#verify-here");
    await page.waitForFunction(() => /Every step matches/.test(document.querySelector(".verify-here")?.textContent ?? ""));

    // Back to the original: the first change comes back, as Lena.
    await page.click("#whatif-original");
    await page.waitForFunction(() => !document.querySelector("#whatif") && document.querySelectorAll(".op-list li").length === 1);
    assert.equal(await page.inputValue("#actor-select"), "m-lena");
    assert.match(await text(page, ".op-list li .op-title"), /Place orders/);
    await page.waitForSelector(".op-result.conditional");
  });
});

test("account hub with the action_performed notification: the applied order is performed", async () => {
  const bundle = JSON.parse(readFileSync(path.join(repo, "examples/account-hub/bundle.json"), "utf8"));
  bundle.notifications.push({ event: "action_performed", channels: ["in_app"] });
  bundle.name = `${bundle.name} (notified)`;
  await flow({}, async (page) => {
    await orderFlow(page, { file: JSON.stringify(bundle) });
    assert.match(await text(page, ".events li[data-event=action_performed]"), /Lena/);
    await screenshot(page, "22-whatif-order-performed");
  });
});

test("bt business: ask for a self-upgrade, continue, then complete it with the PIN", async () => {
  await flow({}, async (page) => {
    await openApp(page, app.env.url, "?example=bt-business&actor=m-george");
    await page.click("#tab-changes");
    await addOperation(page, "request_self_upgrade", { scope: "acc-1003", role: "billing.admin" });
    await page.waitForSelector(".op-result.conditional");
    // From the keyboard. The builder stays on the self-upgrade, and the PIN step, offered
    // from the verification recorded by change 1, takes the focus: the PIN comes next.
    await page.focus("#continue-from-result");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#whatif");
    await page.waitForFunction(() => document.activeElement?.id === "pin-step-0");
    assert.match(await text(page, ".policy-name"), /what-if after 1 change/);
    assert.equal(await page.inputValue("#op-kind"), "request_self_upgrade", "the builder shows the form it showed");
    assert.match(await text(page, ".pin-step"), /^Step 2: complete the upgrade to Admin \(billing\) on Bristol depot/);
    await page.fill("#pin-step-0", "482913");
    await page.click("#pin-complete-0");
    await page.waitForSelector(".op-result.allow");
    // The preview cannot know whether the PIN is right: it says the server checks it.
    assert.match(await text(page, ".op-list .server-check"), /the server checks the PIN/);
    assert.match(await text(page, ".verdict"), /^Ready to submit/);
    assert.match(await text(page, ".diff-members"), /George Evans gains \d+ permissions? on 1 billing account/);
    assert.match(await text(page, ".events"), /George Evans, by e-mail: upgraded from User \(billing\) to Admin \(billing\) on Bristol depot/);
    await screenshot(page, "23-whatif-self-upgrade-completed");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-changeset")]);
    const doc = JSON.parse(readFileSync(await download.path(), "utf8"));
    assert.deepEqual(doc.changeSets.map((c) => c.operations[0].op), ["request_self_upgrade", "complete_self_upgrade"]);
    assert.equal(doc.changeSets[1].baseRevision !== doc.changeSets[0].baseRevision, true);

    // A second step on top, then back to the state after change 1: change 2 comes back.
    await page.click("#continue-from-result");
    await page.waitForFunction(() => document.querySelectorAll("#whatif nav li").length === 3);
    assert.deepEqual(await page.$$eval("#whatif nav li", (l) => l.map((li) => li.textContent)), ["Original", "After change 1", "After change 2"]);
    assert.match(await text(page, ".policy-name"), /what-if after 2 changes/);
    await page.getByRole("button", { name: /^Back to the policy after change 1/ }).click();
    await page.waitForFunction(() => document.querySelectorAll("#whatif nav li").length === 2 && document.querySelectorAll(".op-list li").length === 1);
    assert.equal(await text(page, "#whatif nav li[aria-current=step]"), "After change 1");
    assert.match(await text(page, ".op-list li .op-title"), /George Evans completes the upgrade/);
    await page.waitForSelector(".op-result.allow");
  });
});

test("submitting a what-if chain: the backend gets every step and verifies them in turn", async () => {
  // The real server side: rolegate serve verifies each step on the bundle the
  // step before leaves, as it recomputes it.
  const backend = await startVerificationServer([path.join(repo, "examples/bt-business/bundle.json")], new URL(app.env.url).origin);
  try {
    await flow({ allowedOrigins: [new URL(backend.url).origin] }, async (page) => {
      await openApp(page, app.env.url, `?example=bt-business&actor=m-george&backend=${encodeURIComponent(backend.url)}`);
      await page.click("#tab-changes");
      await addOperation(page, "request_self_upgrade", { scope: "acc-1003", role: "billing.admin" });
      await page.waitForSelector(".op-result.conditional");
      await page.click("#continue-from-result");
      await page.waitForSelector("#whatif");
      await page.selectOption("#op-kind", "complete_self_upgrade");
      await page.fill("#pin-step-0", "482913");
      await page.click("#pin-complete-0");
      await page.waitForSelector(".op-result.allow");
      const sent = page.waitForRequest((r) => r.url() === backend.url && r.method() === "POST");
      await page.click("#submit-backend");
      const submitted = (await sent).postDataJSON();
      await page.waitForSelector("#backend-verdict");
      assert.match(await text(page, "#backend-verdict"), /Match: the backend reached the same verdict\./);
      assert.deepEqual(submitted.chain.map((s) => s.changeSet.operations[0].op), ["request_self_upgrade", "complete_self_upgrade"]);
      assert.deepEqual(submitted.changeSet, submitted.chain[1].changeSet, "the last step is the change set submitted");
    });
  } finally {
    await backend.close();
  }
});
