// The admin app connected to the server of record: a real `rolegate serve --db
// --app build/web --demo` on a fresh SQLite file per test, and two browser contexts
// as two people. Signing in, committing, the inbox (notifications, approvals, PINs),
// the audit log, a stale commit, and what a billing user's browser never receives.
// Screenshots of each step at 1400 px and 390 px go to build/e2e-artifacts/.
// Loopback only; every server is stopped by its pid.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { artifacts, repo } from "./helpers.mjs";
import { fixture, letters, startServer, stop, stopAll, tempDir, token } from "../server/lib.mjs";

const site = path.join(repo, "build", "web");
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  if (!existsSync(path.join(site, "index.html"))) throw new Error("build/web is missing: run scripts/build-web first");
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
});

after(async () => {
  await browser?.close();
  stopAll();
});

/**
 * A fresh database seeded from an example (changed by `edit`), served with the app
 * and the demo sign-in.
 * @param {string} example @param {(bundle: any) => void} [edit]
 */
async function serve(example, edit, extra = ["--demo"]) {
  const dir = tempDir("rg-e2e-");
  const db = path.join(dir, "db.sqlite");
  const server = await startServer(db, fixture(dir, example, edit), ["--app", site, ...extra]);
  return Object.assign(server, { db });
}

/**
 * A person: a browser context signed in as `member` through the demo sign-in page.
 * Records page errors, console errors and failed requests; answers of the API that
 * refuse something (4xx) are what the app shows, not problems.
 * @param {string} base @param {string} member
 */
async function person(base, member) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  const api = (/** @type {string} */ url) => new URL(url).pathname.startsWith("/v1/");
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (api(m.location().url || "http://x/") && /status of 4\d\d/.test(m.text())) return;
    problems.push(`console error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 500 || (r.status() >= 400 && !api(r.url()))) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("data:") && !r.url().startsWith("blob:") && new URL(r.url()).origin !== base) problems.push(`external request: ${r.url()}`);
  });
  await page.goto(`${base}/`);
  await page.waitForSelector(`#demo-members button[data-member="${member}"]`, { timeout: 30000 });
  await page.click(`#demo-members button[data-member="${member}"]`);
  await page.waitForSelector("#signed-in-name", { timeout: 30000 });
  await page.waitForSelector("body[data-phase=ready][data-mode=connected]");
  return {
    page,
    problems,
    async close() {
      await context.close();
      assert.deepEqual(problems, [], `no page error, console error or failed request for ${member}`);
    },
  };
}

/** Full-page screenshots at 1400 px and at 390 px (a phone). @param {import("playwright-core").Page} page @param {string} name */
async function shoot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}-1400.png`), fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(artifacts, `${name}-390.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

/** @param {import("playwright-core").Page} page @param {string} selector */
async function text(page, selector) {
  return ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();
}

/** Adds one operation through the change builder. @param {import("playwright-core").Page} page @param {Record<string, string>} fields */
async function addOperation(page, kind, fields) {
  await page.click("#tab-changes");
  await page.selectOption("#op-kind", kind);
  for (const [id, value] of Object.entries(fields)) {
    const tag = await page.$eval(`#op-${id}`, (el) => el.tagName);
    if (tag === "SELECT") await page.selectOption(`#op-${id}`, value);
    else await page.fill(`#op-${id}`, value);
  }
  await page.click("#op-submit");
}

/** Submits the change and waits for the server's answer. @param {import("playwright-core").Page} page */
async function submit(page) {
  await page.click("#submit-commit");
  await page.waitForSelector("#commit-outcome");
  return page.getAttribute("#commit-outcome", "data-kind");
}

/** The bearer token the page keeps for this tab. @param {import("playwright-core").Page} page */
const tokenOf = (page) => page.evaluate(() => sessionStorage.getItem("rolegate.session"));

test("a super admin downgrades a member: committed, the member's inbox shows it, the audit log records it", async () => {
  const server = await serve("bt-business", (b) => {
    b.server ??= { auditPermission: "roles.manage" };
  });
  const olivia = await person(server.base, "m-olivia");
  const raj = await person(server.base, "m-raj");
  try {
    await shoot(olivia.page, "c01-signed-in-super-admin");
    assert.equal(await text(olivia.page, "#signed-in-name"), "Olivia Hart");
    assert.equal(await olivia.page.$("#actor-select"), null, "no acting as anyone else when signed in");

    // Raj starts filling in the builder (nothing added yet) before Olivia commits.
    await raj.page.click("#tab-changes");
    await raj.page.selectOption("#op-kind", "change_role");
    await raj.page.selectOption("#op-member", "m-uma");

    await addOperation(olivia.page, "change_role", { member: "m-raj", scope: "acc-1001", role: "billing.user" });
    await olivia.page.waitForSelector(".op-result.allow");
    await shoot(olivia.page, "c02-downgrade-previewed");
    assert.equal(await submit(olivia.page), "committed");
    assert.match(await text(olivia.page, "#commit-outcome"), /Committed: revision \S+ \(it was \S+\), at \d+ \w+ \d{4}, \d\d:\d\d UTC/);
    assert.match(await text(olivia.page, "#commit-outcome"), /Raj Patel, in the app: downgraded from Admin \(billing\) to User \(billing\) on Leeds head office/);
    await shoot(olivia.page, "c03-downgrade-committed");

    // Raj's inbox: the notification arrives (the app polls; Refresh reads it at once).
    await raj.page.click("#tab-inbox");
    await raj.page.click("#refresh-inbox");
    await raj.page.waitForSelector(".message[data-event=role_downgraded]", { timeout: 15000 });
    assert.match(await text(raj.page, ".message[data-event=role_downgraded]"), /In the app.*Downgraded from Admin \(billing\) to User \(billing\) on Leeds head office \(by Olivia Hart\)/);
    // Raj's page moved to the new revision by itself: he is a billing user now.
    await raj.page.waitForFunction(() => /User \(billing\) on Leeds head office/.test(document.querySelector("#signed-in")?.textContent ?? ""), null, { timeout: 15000 });
    await shoot(raj.page, "c04-member-inbox-notification");
    // What he was typing survived the new revision.
    await raj.page.click("#tab-changes");
    assert.equal(await raj.page.inputValue("#op-kind"), "change_role");
    assert.equal(await raj.page.inputValue("#op-member"), "m-uma");

    await olivia.page.click("#tab-audit");
    await olivia.page.waitForSelector(".audit-entry[data-kind=change]");
    const entry = await text(olivia.page, ".audit-entry[data-kind=change]");
    assert.match(entry, /^Change by Olivia Hart/);
    assert.match(entry, /Change role · Raj Patel · User \(billing\) · on Leeds head office/);
    assert.match(entry, /Admin \(billing\) becomes User \(billing\) on Leeds head office/);
    await olivia.page.selectOption("#audit-member", "m-uma");
    await olivia.page.waitForSelector("#audit-empty");
    await olivia.page.selectOption("#audit-member", "m-raj");
    await olivia.page.waitForSelector(".audit-entry[data-kind=change]");
    await shoot(olivia.page, "c05-audit-log");

    // Raj, now a billing user on Leeds head office, reads no entry of it (he is still an
    // admin of York shop, which has none); Uma, a billing user, may not read the log at all.
    await raj.page.click("#tab-audit");
    await raj.page.waitForSelector("#audit-empty");
    const uma = await person(server.base, "m-uma");
    await uma.page.click("#tab-audit");
    await uma.page.waitForSelector("#audit-forbidden");
    await shoot(uma.page, "c06-audit-forbidden");
    await uma.close();
  } finally {
    await olivia.close();
    await raj.close();
    await stop(server);
  }
});

test("an end user asks for an order that needs approval; an order manager approves it; the requester cannot", async () => {
  const server = await serve("account-hub", (b) => {
    if (!b.notifications.some((n) => n.event === "action_performed")) b.notifications.push({ event: "action_performed", channels: ["in_app"] });
  });
  const lena = await person(server.base, "m-lena");
  const omar = await person(server.base, "m-omar");
  try {
    await addOperation(lena.page, "perform", { scope: "ln-0201", action: "orders.place", attributes: "orderTotal = 24900" });
    await lena.page.waitForSelector(".op-result.conditional");
    assert.equal(await submit(lena.page), "committed");
    assert.match(await text(lena.page, "#commit-outcome"), /Now pending: 1 approval request/);
    await shoot(lena.page, "c10-order-requested");

    await lena.page.click("#tab-inbox");
    await lena.page.waitForSelector("#my-requests [data-own-request]");
    assert.match(await text(lena.page, "#my-requests"), /You ask: “Place orders” on .* \(orderTotal 24900\)/);
    assert.equal(await lena.page.$("#to-decide .approve"), null, "nothing for Lena to decide");
    const id = await lena.page.getAttribute("#my-requests [data-own-request]", "data-own-request");
    // Even asked directly, the server refuses the requester's own approval.
    const own = await lena.page.evaluate(async ({ id, token }) => {
      const r = await fetch(`/v1/requests/${id}/decision`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify({ decision: "approve" }) });
      return { status: r.status, body: await r.json() };
    }, { id, token: await tokenOf(lena.page) });
    assert.equal(own.status, 403);
    assert.equal(own.body.errors[0].code, "not_an_approver");
    await shoot(lena.page, "c11-requester-inbox");

    await omar.page.click("#tab-inbox");
    await omar.page.waitForSelector(`#to-decide [data-request="${id}"]`);
    const item = await text(omar.page, `#to-decide [data-request="${id}"]`);
    assert.match(item, /Lena Fischer asks: “Place orders” on .* \(orderTotal 24900\)/);
    assert.match(item, /needs 1 approval under the rule/);
    assert.match(item, /Who else may decide: .*(Marcus Chen|Olivia Reyes)/);
    assert.match(item, /Expires /);
    await shoot(omar.page, "c12-approver-inbox");
    await omar.page.fill(`#comment-${id}`, "Fine, within budget");
    await omar.page.click(`#approve-${id}`);
    await omar.page.waitForSelector(`#result-${id}`);
    assert.match(await text(omar.page, `#result-${id}`), /Approved: the request had enough approvals and was carried out/);
    await shoot(omar.page, "c13-approved");

    await lena.page.click("#refresh-inbox");
    await lena.page.waitForSelector(".message[data-event=action_performed]", { timeout: 15000 });
    assert.equal(await lena.page.$(`#my-requests [data-own-request="${id}"] .status-pending`), null);
    await shoot(lena.page, "c14-order-performed");
  } finally {
    await lena.close();
    await omar.close();
    await stop(server);
  }
});

test("a billing user upgrades themselves with the PIN sent by post: wrong PIN, resend, the new PIN", async () => {
  const server = await serve("bt-business");
  const george = await person(server.base, "m-george");
  try {
    await addOperation(george.page, "request_self_upgrade", { scope: "acc-1003", role: "billing.admin" });
    await george.page.waitForSelector(".op-result.conditional");
    assert.equal(await submit(george.page), "committed");
    assert.match(await text(george.page, "#commit-outcome"), /Now pending: 1 PIN letter/);

    await george.page.click("#tab-inbox");
    await george.page.waitForSelector(".verification[data-verification]");
    await george.page.waitForSelector(".message[data-event=verification_code] .demo-secret");
    const first = await text(george.page, ".message[data-event=verification_code] .demo-secret");
    assert.match(first, /^\d{6}$/);
    assert.match(await text(george.page, ".message[data-event=verification_code]"), /By post.*what the post would deliver/);
    const v1 = await george.page.getAttribute(".verification[data-verification]", "data-verification");
    await shoot(george.page, "c20-pin-letter");

    const wrong = first === "000000" ? "111111" : "000000";
    await george.page.fill(`#pin-${v1}`, wrong);
    await george.page.click(`#enter-pin-${v1}`);
    await george.page.waitForSelector(`#result-${v1}`);
    assert.equal(await text(george.page, `#result-${v1}`), "Wrong PIN: 4 tries left.");
    await shoot(george.page, "c21-wrong-pin");

    await george.page.click(`#resend-pin-${v1}`);
    await george.page.waitForFunction((old) => {
      const v = document.querySelector(".verification[data-verification]");
      return v && v.getAttribute("data-verification") !== old;
    }, v1);
    const v2 = await george.page.getAttribute(".verification[data-verification]", "data-verification");
    const letters = await george.page.$$eval(".message[data-event=verification_code] .demo-secret", (els) => els.map((e) => e.textContent));
    assert.equal(letters.length, 2, "two letters: the first and the new one");
    const second = letters[0]; // newest first
    assert.equal(letters[1], first);
    // The old PIN no longer works.
    if (second !== first) {
      await george.page.fill(`#pin-${v2}`, first);
      await george.page.click(`#enter-pin-${v2}`);
      await george.page.waitForFunction((id) => /Wrong PIN/.test(document.getElementById(`result-${id}`)?.textContent ?? ""), v2);
      assert.equal(await text(george.page, `#result-${v2}`), "Wrong PIN: 4 tries left.");
    }
    await shoot(george.page, "c22-resent");

    await george.page.fill(`#pin-${v2}`, second);
    await george.page.click(`#enter-pin-${v2}`);
    await george.page.waitForFunction((id) => /upgrade is done/.test(document.getElementById(`result-${id}`)?.textContent ?? ""), v2);
    await george.page.waitForFunction(() => /Admin \(billing\) on Bristol depot/.test(document.querySelector("#signed-in")?.textContent ?? ""));
    await shoot(george.page, "c23-upgraded");
  } finally {
    await george.close();
    await stop(server);
  }
});

/** Signs out of a page and signs in again as another member (demo). @param {import("playwright-core").Page} page @param {string} member @param {string} name */
async function switchTo(page, member, name) {
  await page.click("#sign-out");
  await page.waitForSelector(`#demo-members button[data-member="${member}"]`);
  await page.click(`#demo-members button[data-member="${member}"]`);
  await page.waitForFunction((n) => document.querySelector("#signed-in-name")?.textContent === n, name);
  await page.waitForSelector("body[data-phase=ready][data-mode=connected]");
}

/** Asks for a role from the member's own row, and submits it. @param {import("playwright-core").Page} page */
async function askForRole(page, scopeName, role, reason) {
  await page.click("#tab-members");
  await page.getByRole("button", { name: `Ask for a role on ${scopeName}` }).click();
  await page.waitForSelector("#op-form #op-reason");
  await page.selectOption("#op-role", role);
  if (reason) await page.fill("#op-reason", reason);
  await page.click("#op-submit");
  await page.waitForSelector(".op-result.allow .deciders");
}

test("a billing user asks for a role: a decider sees it with her reason and approves; she holds it, and withdraws a second request", async () => {
  const server = await serve("bt-business");
  const uma = await person(server.base, "m-uma");
  const page = uma.page;
  /** @type {Awaited<ReturnType<typeof person>> | null} */
  let alex = null;
  try {
    await askForRole(page, "Leeds head office", "billing.advanced_user", "I tag our services' costs for finance");
    assert.match(await text(page, ".op-result .deciders"), /^Goes to Olivia Hart or Raj Patel, who could give this role\./);
    assert.equal(await text(page, ".diff-headline"), "Nobody's access changes");
    assert.equal(await submit(page), "committed");
    assert.match(await text(page, "#commit-outcome"), /Now pending: 1 request for a role\./);
    await shoot(page, "c60-role-asked");

    await page.click("#tab-inbox");
    await page.waitForSelector("#my-requests [data-own-request][data-kind=role]");
    const id = /** @type {string} */ (await page.getAttribute("#my-requests [data-own-request][data-kind=role]", "data-own-request"));
    const own = await text(page, `#my-requests [data-own-request="${id}"]`);
    assert.match(own, /pending You ask for Advanced user on Leeds head office: waiting for a decision\./);
    assert.match(own, /Why: “I tag our services' costs for finance”/);
    assert.match(own, /Who may decide: Olivia Hart or Raj Patel\./);
    assert.ok(await page.$(`#withdraw-${id}`), "she may withdraw it");
    assert.equal(await page.$("#to-decide [data-request]"), null, "nothing for her to decide");
    await shoot(page, "c61-role-request-waiting");

    // Alex, an advanced user of the account, could not give it: it is not in his inbox.
    alex = await person(server.base, "m-alex");
    await alex.page.click("#tab-inbox");
    await alex.page.waitForFunction(() => /As of/.test(document.querySelector(".inbox > .actions")?.textContent ?? ""));
    assert.equal(await alex.page.$("#to-decide [data-request]"), null);
    assert.equal(await text(alex.page, "#to-decide p"), "Nothing waits for your decision.");
    assert.equal(await alex.page.$(".message[data-event=role_requested]"), null);

    // Uma signs out; Raj signs in and decides.
    await switchTo(page, "m-raj", "Raj Patel");
    await page.click("#tab-inbox");
    await page.waitForSelector(`#to-decide [data-request="${id}"]`);
    const item = await text(page, `#to-decide [data-request="${id}"]`);
    assert.match(item, /^Uma Brooks asks for Advanced user on Leeds head office\./);
    assert.match(item, /Why: “I tag our services' costs for finance”/);
    assert.match(item, /Uma Brooks is User \(billing\) there now\./);
    assert.match(item, /Who else may decide: Olivia Hart\./);
    assert.match(item, /Does not lapse\./);
    assert.match(await text(page, ".message[data-event=role_requested]"), /Uma Brooks \(uma\.brooks@hartwell\.example\.com\) asks for Advanced user on Leeds head office: “I tag our services' costs for finance”/);
    assert.equal(await text(page, "#tab-inbox .count"), "1");
    await shoot(page, "c62-role-request-to-decide");
    await page.getByRole("button", { name: "Approve: give Uma Brooks Advanced user on Leeds head office" }).click();
    await page.waitForSelector(`#result-${id}`);
    assert.equal(await text(page, `#result-${id}`), "Approved: Uma Brooks now has Advanced user on Leeds head office.");
    assert.equal(await page.$(`#to-decide [data-request="${id}"]`), null, "decided: it leaves the list");
    await page.click("#tab-members");
    await page.waitForFunction(() => /Advanced user on Leeds head office/.test(document.querySelector("tr[data-member=m-uma]")?.textContent ?? ""));
    await shoot(page, "c63-role-given");

    // Uma again: she is an advanced user; she asks for Admin too, then withdraws it.
    await switchTo(page, "m-uma", "Uma Brooks");
    await page.click("#tab-members");
    assert.match(await text(page, "tr[data-member=m-uma]"), /Advanced user on Leeds head office/);
    assert.doesNotMatch(await text(page, "tr[data-member=m-uma]"), /User \(billing\) on Leeds head office/);
    await page.click("#tab-inbox");
    await page.waitForSelector(".message[data-event=request_decided]");
    assert.match(await text(page, ".message[data-event=request_decided]"), /The request for Advanced user on Leeds head office was approved \(by Raj Patel\)/);
    await askForRole(page, "Leeds head office", "billing.admin", "");
    assert.equal(await submit(page), "committed");
    await page.click("#tab-inbox");
    await page.waitForSelector("#my-requests [data-own-request][data-kind=role]");
    const second = /** @type {string} */ (await page.getAttribute("#my-requests [data-own-request][data-kind=role]", "data-own-request"));
    await page.getByRole("button", { name: "Withdraw your request for Admin (billing) on Leeds head office" }).click();
    await page.waitForSelector(`#result-${second}`);
    assert.equal(await text(page, `#result-${second}`), "Withdrawn: the members who could decide it are told.");
    await page.waitForFunction((x) => !document.querySelector(`#my-requests [data-own-request="${x}"]`), second);
    await shoot(page, "c64-role-request-withdrawn");
  } finally {
    await uma.close();
    await alex?.close();
    await stop(server);
  }
});

test("two admins at once: the second commit is refused as stale and previewed again on the new revision", async () => {
  const server = await serve("bt-business");
  const olivia = await person(server.base, "m-olivia");
  const raj = await person(server.base, "m-raj");
  try {
    // A change the preview shows as blocked is refused by the server with its reasons: never a match.
    await addOperation(raj.page, "change_role", { member: "m-chen", scope: "acc-1002", role: "billing.super_admin" });
    await raj.page.waitForSelector(".op-result.deny");
    assert.equal(await submit(raj.page), "blocked");
    assert.match(await text(raj.page, "#commit-outcome"), /Refused: the server would not commit this change/);
    assert.match(await text(raj.page, "#blocking-reasons"), /Operation 1, “Upgrade Wei Chen from User \(billing\) to Super admin on York shop”, is denied: .*rank 40, but Raj Patel manages roles only up to rank 30/);
    assert.equal(await raj.page.$("#commit-outcome .verdict.allow"), null);
    await shoot(raj.page, "c29-blocked-refused");
    await raj.page.click("#clear");

    await addOperation(raj.page, "change_role", { member: "m-uma", scope: "acc-1001", role: "billing.advanced_user" });
    await raj.page.waitForSelector(".op-result.allow");
    const before = await raj.page.evaluate(() => document.querySelector(".policy-name")?.textContent ?? "");

    await addOperation(olivia.page, "change_role", { member: "m-alex", scope: "acc-1001", role: "billing.user" });
    await olivia.page.waitForSelector(".op-result.allow");
    assert.equal(await submit(olivia.page), "committed");

    // Raj's page learns of it by itself (it polls the server's head) and marks his draft stale.
    await raj.page.waitForSelector("#stale-draft", { timeout: 15000 });
    assert.match(await text(raj.page, "#stale-draft"), /Someone committed a change since this draft was previewed/);
    assert.equal(await submit(raj.page), "stale");
    assert.match(await text(raj.page, "#commit-outcome"), /Not committed: someone else committed first/);
    await shoot(raj.page, "c30-stale");
    await raj.page.click("#repreview");
    await raj.page.waitForFunction((old) => (document.querySelector(".policy-name")?.textContent ?? "") !== old && document.querySelector(".op-result.allow"), before);
    assert.equal(await raj.page.$$eval(".op-list li", (lis) => lis.length), 1, "the draft is kept");
    assert.equal(await submit(raj.page), "committed");
    await shoot(raj.page, "c31-recommitted");
  } finally {
    await olivia.close();
    await raj.close();
    await stop(server);
  }
});

test("a billing user's browser never receives the e-mail addresses their role may not see", async () => {
  const server = await serve("bt-business");
  const example = JSON.parse(readFileSync(path.join(repo, "examples", "bt-business", "bundle.json"), "utf8"));
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  /** @type {Promise<string>[]} */
  const bodies = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/v1/") && r.url() !== `${server.base}/v1/demo/members`) bodies.push(r.text().catch(() => ""));
  });
  try {
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#demo-members button[data-member="m-uma"]');
    await page.click('#demo-members button[data-member="m-uma"]');
    await page.waitForSelector("body[data-phase=ready][data-mode=connected]");
    await page.click("#tab-inbox");
    await page.waitForSelector("#messages");
    const received = (await Promise.all(bodies)).join("\n");
    const bundle = JSON.parse((await Promise.all(bodies)).find((b) => b.includes('"withheld"')) ?? "{}");
    assert.ok(bundle.withheld > 0, "some members are withheld from a billing user");
    const hidden = bundle.bundle.members.filter((m) => /^withheld-/.test(m.email ?? ""));
    assert.ok(hidden.length > 0);
    for (const m of hidden) {
      const real = example.members.find((x) => x.id === m.id);
      if (real?.email) assert.ok(!received.includes(real.email), `${real.email} never reaches Uma's browser`);
    }
    const shown = await page.textContent("body");
    for (const m of hidden) {
      const real = example.members.find((x) => x.id === m.id);
      if (real?.email) assert.ok(!shown?.includes(real.email));
    }
    await shoot(page, "c40-billing-user-withheld");

    // A blocked member signs in to their messages and nothing else.
    const ivan = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const ivanPage = await ivan.newPage();
    await ivanPage.goto(`${server.base}/`);
    await ivanPage.click('#demo-members button[data-member="m-ivan"]');
    await ivanPage.waitForSelector("#inactive");
    assert.match(await text(ivanPage, "#inactive"), /Your membership is not active.*The server says: .*`m-ivan` is not active/);
    assert.ok(await ivanPage.$("#messages"));
    assert.equal(await ivanPage.$("#tab-members"), null, "no policy for a blocked member");
    await shoot(ivanPage, "c41-blocked-member");
    await ivan.close();
  } finally {
    await context.close();
    await stop(server);
  }
});

test("without --demo: a pasted token signs in, an invitation link signs the invitee in, sign out, and the examples stay a simulation", async () => {
  const server = await serve("bt-business", undefined, []);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(`${server.base}/`);
    await page.waitForSelector("#token-form");
    assert.equal(await page.$("#demo-banner"), null, "no demo sign-in without --demo");
    assert.equal(await page.$("#demo-members"), null);
    await page.fill("#token-input", "rg_not-a-token");
    await page.click("#token-sign-in");
    await page.waitForSelector("#signin-error");
    assert.match(await text(page, "#signin-error"), /rg_ followed by 64 hexadecimal digits/);
    await page.fill("#token-input", `rg_${"0".repeat(64)}`);
    await page.click("#token-sign-in");
    await page.waitForFunction(() => /valid|accept/.test(document.querySelector("#signin-error")?.textContent ?? ""));
    await shoot(page, "c50-sign-in-no-demo");

    await page.fill("#token-input", token(server.db, "m-olivia"));
    await page.click("#token-sign-in");
    await page.waitForSelector("body[data-phase=ready][data-mode=connected]");
    assert.equal(await text(page, "#signed-in-name"), "Olivia Hart");
    await addOperation(page, "invite", { newName: "Nina Shah", newEmail: "nina.shah@hartwell.example.com", scope: "acc-1001", role: "billing.user" });
    await page.waitForSelector(".op-list .email-check");
    assert.equal(await submit(page), "committed");
    assert.match(await text(page, "#commit-outcome"), /Now pending: 1 invitation/);
    // The session survives a reload of the tab.
    await page.reload();
    await page.waitForSelector("body[data-phase=ready][data-mode=connected]");
    assert.equal(await text(page, "#signed-in-name"), "Olivia Hart");
    await page.click("#sign-out");
    await page.waitForSelector("#token-form");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("rolegate.session")), null, "signing out forgets the token");

    // The invitee follows the link in their e-mail (the delivery side reads its token).
    const bundle = JSON.parse(readFileSync(path.join(repo, "examples", "bt-business", "bundle.json"), "utf8"));
    const invitee = letters(server.db).find((l) => l.message.event === "invitation_token" && !bundle.members.some((m) => m.id === l.member));
    assert.ok(invitee, "an invitation e-mail for the new member");
    await page.goto(`${server.base}/#invitation=${invitee.secret}`);
    await page.waitForSelector("body[data-phase=ready][data-mode=connected]");
    assert.equal(await text(page, "#signed-in-name"), "Nina Shah");
    assert.equal(new URL(page.url()).hash, "", "the token leaves the address bar");
    await shoot(page, "c51-invitation-accepted");
    // Used once: the same link again is refused.
    await page.click("#sign-out");
    await page.goto(`${server.base}/#invitation=${invitee.secret}`);
    await page.waitForSelector("#signin-error");
    assert.match(await text(page, "#signin-error"), /invitation could not be accepted/);

    await page.click("#explore-offline");
    await page.waitForSelector("body[data-phase=ready][data-mode=offline]");
    assert.equal(await text(page, "#mode-badge"), "Simulation: nothing is committed");
    assert.ok(await page.$("#actor-select"), "the simulation acts as anyone");
    assert.equal(await page.$("#tab-inbox"), null);
    await shoot(page, "c52-simulation");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await stop(server);
  }
});
