// @ts-check
// The admin app's entry point: lays out the page, draws each part from the state
// as it changes, and boots the engine and the first policy.
import { createApp } from "./app.js";
import { startEngine } from "./engine.js";
import { h, mount, Region } from "./lib/dom.js";
import { CONNECTED_TABS, readParams, TABS, writeParams } from "./logic/params.js";
import { findingsSummary } from "./logic/findings.js";
import { count } from "./logic/words.js";
import { renderAccessForms, renderAccessResults } from "./views/access-view.js";
import { renderBuilder, renderOperationList } from "./views/changes-view.js";
import { renderFailed, renderInvalid } from "./views/errors-view.js";
import { renderFindings } from "./views/findings-view.js";
import { renderHeader } from "./views/header.js";
import { renderMembersList, renderMembersToolbar } from "./views/members-view.js";
import { renderPreview } from "./views/preview-view.js";
import { renderWhatIf } from "./views/whatif-view.js";
import { renderCatalogue, renderRoleEditor, renderRolePreview } from "./views/roles-view.js";
import { renderSettings } from "./views/settings-view.js";
import { renderSubmit } from "./views/submit-view.js";
import { renderCommit } from "./views/commit-view.js";
import { renderInactive, renderInbox } from "./views/inbox-view.js";
import { renderAudit } from "./views/audit-view.js";
import { renderSignIn } from "./views/signin-view.js";

/**
 * @typedef {import("./app.js").AppState} AppState
 * @typedef {import("./app.js").Tab} Tab
 */

const TAB_LABELS = /** @type {Record<Tab, string>} */ ({
  members: "Members",
  roles: "Roles",
  access: "Access checker",
  changes: "Changes",
  inbox: "Inbox",
  audit: "Audit log",
  findings: "Findings",
  settings: "Settings",
});

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function tabSession() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The tabs of the mode: the inbox and the audit log only when signed in. @param {AppState} s */
function tabsOf(s) {
  return TABS.filter((tab) => s.mode === "connected" || !CONNECTED_TABS.includes(tab));
}

const params = readParams(location.search);
const app = createApp({
  params,
  storage: storage(),
  session: tabSession(),
  onUrlChange: (state) => {
    if (state.mode !== "offline") {
      // Signed in, the page shows the server's policy as the member: only the tab is worth keeping.
      history.replaceState(null, "", `${location.origin}${location.pathname}${writeParams({ tab: state.tab === "members" ? null : state.tab })}`);
      return;
    }
    const query = writeParams({
      example: state.source?.kind === "example" ? state.source.name : null,
      bundle: state.source?.kind === "url" ? state.source.name : null,
      actor: state.actor || null,
      tab: state.tab === "members" ? null : state.tab,
      backend: params.backend,
    });
    history.replaceState(null, "", `${location.origin}${location.pathname}${query}`);
  },
});

// The page's frame: drawn once; regions fill it.
const root = /** @type {HTMLElement} */ (document.getElementById("app"));
const header = h("header", { class: "topbar" });
const notice = h("div", { class: "notice-area" });
const whatIf = h("div", { class: "whatif-area" });
const nav = h("nav", { class: "tabs", "aria-label": "Views" });
/** @type {Record<Tab, HTMLElement>} */
const panels = /** @type {any} */ ({});
for (const tab of TABS) {
  panels[tab] = h("section", { class: `panel panel-${tab}`, id: `panel-${tab}`, role: "tabpanel", "aria-labelledby": `tab-${tab}`, tabindex: "-1", hidden: true });
}
const problem = h("div", { class: "problem", hidden: true });
const signIn = h("div", { class: "signin-area", hidden: true });
const main = h("main", { id: "main", tabindex: "-1" }, problem, signIn, Object.values(panels));
const dropOverlay = h("div", { class: "drop-overlay", hidden: true, "aria-hidden": "true" }, h("p", null, "Drop a bundle or a change set file to open it"));
mount(
  root,
  h("a", { class: "skip-link", href: "#main" }, "Skip to the content"),
  header,
  notice,
  whatIf,
  nav,
  main,
  dropOverlay,
);

/** @param {Element} el */
const box = (el) => {
  const div = h("div");
  el.append(div);
  return div;
};

// Members
const membersToolbar = box(panels.members);
const membersList = box(panels.members);
// Roles
const rolesTop = h("div", { class: "editor-grid" });
panels.roles.append(rolesTop);
const roleEditor = box(rolesTop);
const rolePreview = box(rolesTop);
const catalogue = box(panels.roles);
// Access
const accessGrid = h("div", { class: "two-columns" });
panels.access.append(accessGrid);
const accessForms = box(accessGrid);
const accessResults = box(accessGrid);
// Changes
const changesGrid = h("div", { class: "two-columns" });
panels.changes.append(changesGrid);
const changesLeft = box(changesGrid);
const changesRight = box(changesGrid);
const builder = box(changesLeft);
const opList = box(changesLeft);
const preview = box(changesRight);
const submit = box(changesRight);
// Inbox and audit log (signed in)
const inbox = box(panels.inbox);
const audit = box(panels.audit);
// Findings
const findings = box(panels.findings);
// Settings
const settings = box(panels.settings);

/** @param {AppState} s a policy is shown (also while the next one loads) */
const ready = (s) => s.mode !== "signin" && s.mode !== "inactive" && s.index !== null && (s.phase === "ready" || s.phase === "loading");

/** @type {Region<AppState>[]} */
const globalRegions = [
  new Region(header, (s) => [s.phase, s.message, s.examples, s.source, s.index, s.actor, s.now, s.chain, s.mode, s.server, s.session, s.headRevision, s.engine, s.clockOffset], (s) => renderHeader(s, app)),
  new Region(whatIf, (s) => [s.chain, s.engine, s.phase, s.index, s.mode], (s) => (ready(s) && s.mode === "offline" ? renderWhatIf(s, app) : null)),
  new Region(notice, (s) => [s.notice, s.phase, s.message], renderNotice),
  new Region(nav, (s) => [s.tab, s.phase, s.draft, s.simulation, s.analysis, s.mode, s.inbox], renderTabs),
  new Region(signIn, (s) => [s.mode, s.session, s.server, s.demoMembers, s.inbox, s.message], (s) => (s.mode === "signin" ? renderSignIn(s, app) : s.mode === "inactive" ? renderInactive(s, app) : null)),
  new Region(problem, (s) => [s.phase, s.errors, s.message], (s) => (s.phase === "invalid" ? renderInvalid(s) : s.phase === "failed" ? renderFailed(s) : null)),
];

/** @type {Record<Tab, Region<AppState>[]>} */
const tabRegions = {
  members: [
    new Region(membersToolbar, (s) => [s.index, s.actor, s.visible, s.membersLayout, s.focus], (s) => renderMembersToolbar(s, app)),
    new Region(membersList, (s) => [s.index, s.actor, s.visible, s.memberFilter, s.membersLayout, s.now], (s) => renderMembersList(s, app)),
  ],
  roles: [
    new Region(roleEditor, (s) => [s.index, s.roleEpoch, s.roleDraft === null], (s) => renderRoleEditor(s, app)),
    new Region(rolePreview, (s) => [s.index, s.roleDraft, s.actor, s.now], (s) => renderRolePreview(s, app)),
    new Region(catalogue, (s) => [s.index, s.focus], (s) => renderCatalogue(s, app)),
  ],
  access: [
    new Region(accessForms, (s) => [s.index, s.actor, s.visible, s.source, s.examples], (s) => renderAccessForms(s, app)),
    new Region(accessResults, (s) => [s.index, s.checks, s.visible], renderAccessResults),
  ],
  changes: [
    new Region(builder, (s) => [s.index, s.actor, s.visible, s.builderEpoch, s.draft, s.simulation, s.source, s.examples, s.editing], (s) => renderBuilder(s, app)),
    new Region(opList, (s) => [s.index, s.draft, s.simulation, s.actor, s.now, s.editing], (s) => renderOperationList(s, app)),
    new Region(preview, (s) => [s.index, s.simulation, s.changeSet, s.mode], (s) => renderPreview(s, app)),
    new Region(submit, (s) => [s.changeSet, s.simulation, s.backendUrl, s.submission, s.chain, s.mode, s.commit, s.headRevision, s.draft], (s) => (s.mode === "connected" ? renderCommit(s, app) : renderSubmit(s, app))),
  ],
  inbox: [new Region(inbox, (s) => [s.index, s.inbox, s.session], (s) => renderInbox(s, app))],
  audit: [new Region(audit, (s) => [s.index, s.audit], (s) => renderAudit(s, app))],
  findings: [new Region(findings, (s) => [s.index, s.analysis], (s) => renderFindings(s, app))],
  settings: [new Region(settings, (s) => [s.index, s.engine, s.backendUrl, s.warnings, s.source], (s) => renderSettings(s, app))],
};

/** @param {AppState} s */
function renderNotice(s) {
  if (s.phase === "starting" || s.phase === "loading") {
    return h("div", { class: "notice info loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), s.message);
  }
  if (!s.notice) return h("div", { role: "status", class: "visually-hidden" });
  return h(
    "div",
    { class: `notice ${s.notice.tone}`, role: s.notice.tone === "error" ? "alert" : "status" },
    h("span", null, s.notice.text),
    h("button", { type: "button", class: "btn quiet", "aria-label": "Dismiss the message", onClick: () => app.setNotice(null) }, "×"),
  );
}

/** @param {AppState} s */
function renderTabs(s) {
  if (!ready(s)) return null;
  const ops = s.draft.present.length;
  const blocked = s.simulation?.ok && s.simulation.summary.blocked;
  const found = findingsSummary(s.analysis);
  return h(
    "div",
    { role: "tablist", "aria-label": "Views", class: "tablist", onKeydown: onTabKey },
    tabsOf(s).map((tab) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `tab-${tab}`,
          "aria-controls": `panel-${tab}`,
          "aria-selected": String(s.tab === tab),
          tabindex: s.tab === tab ? "0" : "-1",
          class: "tab",
          onClick: () => app.setTab(tab),
        },
        TAB_LABELS[tab],
        tab === "changes" && ops
          ? h("span", { class: `count ${blocked ? "deny" : "allow"}`, "aria-label": `, ${count(ops, "operation")}${blocked ? ", blocked" : ""}` }, String(ops))
          : null,
        tab === "inbox" && s.inbox.toDecide.length
          ? h("span", { class: "count conditional", "aria-label": `, ${count(s.inbox.toDecide.length, "request")} to decide` }, String(s.inbox.toDecide.length))
          : null,
        tab === "findings" && found.total
          ? h("span", { class: `count ${found.worst}`, "aria-label": `, ${count(found.total, "finding")}${found.error ? `, ${count(found.error, "error")}` : ""}` }, String(found.total))
          : null,
      ),
    ),
  );
}

/** @param {KeyboardEvent} e */
function onTabKey(e) {
  const tabs = tabsOf(app.get());
  const i = tabs.indexOf(app.get().tab);
  let next = -1;
  if (e.key === "ArrowRight") next = (i + 1) % tabs.length;
  else if (e.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
  else if (e.key === "Home") next = 0;
  else if (e.key === "End") next = tabs.length - 1;
  if (next < 0) return;
  e.preventDefault();
  app.setTab(tabs[next]);
  document.getElementById(`tab-${tabs[next]}`)?.focus();
}

/**
 * Keeps the current tab in view in the tab bar, which scrolls sideways on a narrow
 * screen and is drawn anew when the tab changes: the bar scrolls, the page does not.
 */
function showCurrentTab() {
  const list = nav.querySelector(".tablist");
  const tab = list?.querySelector("[aria-selected=true]");
  if (!(list instanceof HTMLElement) || !(tab instanceof HTMLElement) || list.scrollWidth <= list.clientWidth) return;
  const box = list.getBoundingClientRect();
  const at = tab.getBoundingClientRect();
  const left = at.left - box.left + list.scrollLeft;
  if (left >= list.scrollLeft && left + at.width <= list.scrollLeft + list.clientWidth) return;
  list.scrollLeft = Math.max(0, left - (list.clientWidth - at.width) / 2);
}

/** @param {AppState} s */
function draw(s) {
  document.body.dataset.phase = s.phase;
  const tabBar = nav.firstElementChild;
  for (const region of globalRegions) region.update(s);
  if (nav.firstElementChild !== tabBar) showCurrentTab();
  problem.hidden = !(s.phase === "invalid" || s.phase === "failed");
  signIn.hidden = s.mode !== "signin" && s.mode !== "inactive";
  document.body.dataset.mode = s.mode;
  const tabs = tabsOf(s);
  for (const tab of TABS) {
    const shown = ready(s) && s.tab === tab && tabs.includes(tab);
    panels[tab].hidden = !shown;
    if (shown) for (const region of tabRegions[tab]) region.update(s);
  }
  rolesTop.hidden = s.roleDraft === null;
}

app.store.subscribe(draw);
draw(app.get());

// Undo and redo from the keyboard, outside text fields.
document.addEventListener("keydown", (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
  const target = /** @type {HTMLElement | null} */ (e.target);
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const key = e.key.toLowerCase();
  if (key === "z" && !e.shiftKey) {
    e.preventDefault();
    app.undo();
  } else if ((key === "z" && e.shiftKey) || key === "y") {
    e.preventDefault();
    app.redo();
  }
});

// Drag and drop a bundle or a change set anywhere.
let dragDepth = 0;
/** @param {DragEvent} e */
const hasFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes("Files");
document.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth += 1;
  dropOverlay.hidden = false;
});
document.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
});
document.addEventListener("dragleave", (e) => {
  if (!hasFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) dropOverlay.hidden = true;
});
document.addEventListener("drop", async (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  dropOverlay.hidden = true;
  const file = e.dataTransfer?.files[0];
  if (file) await app.openFile(new Uint8Array(await file.arrayBuffer()), file.name);
});

// Offline once loaded: a service worker keeps the app, the engine and the examples.
if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  navigator.serviceWorker.register("sw.js").catch(() => {
    // Without it the app still works; it just needs the server to reload.
  });
}

/** The token of an invitation link (#invitation=TOKEN), taken out of the address bar. */
function takeInvitation() {
  const invitation = new URLSearchParams(location.hash.slice(1)).get("invitation") ?? "";
  if (invitation) history.replaceState(null, "", `${location.origin}${location.pathname}${location.search}`);
  return invitation;
}

// An invitation link opened in a tab that already shows the app.
window.addEventListener("hashchange", () => {
  const invitation = takeInvitation();
  if (invitation && app.get().server) app.acceptInvitation(invitation);
});

async function boot() {
  // An invitation link carries its token in the fragment, which never reaches a server's
  // logs; it leaves the address bar (and the history) before anything else happens.
  const invitation = takeInvitation();
  try {
    await startEngine();
  } catch (error) {
    app.fail(`The engine could not start: ${/** @type {Error} */ (error).message}. Serve the app over http(s), with engine/ beside it (scripts/build-web).`);
    return;
  }
  await app.loadExamples();
  if (!params.example && !params.bundle && !params.offline) {
    // Served by the server of record: sign in (or resume this tab's session).
    const { available } = await app.probe();
    if (available) {
      await app.start(invitation);
      return;
    }
  }
  await app.openDefault();
}

boot();
