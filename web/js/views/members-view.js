// @ts-check
// The members the acting member may see: status, kind, roles per family and
// scope, what the acting member may do to each; search, filters, and a view by
// scope tree.
import { h } from "../lib/dom.js";
import { byScope, filterChoices, filterRows, memberRows } from "../logic/members.js";
import { kindLabel } from "../logic/operations.js";
import { opKind } from "../ops/index.js";
import { memberAbilities, roleRequestScopes } from "../logic/queries.js";
import { count, humanize } from "../logic/words.js";
import { button, input, select, stacked, statusPill } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/members.js").MemberRow} MemberRow
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 */

const PAGE = 200;
let shown = PAGE;

/** @param {AppState} state */
function rowsOf(state) {
  const index = /** @type {import("../logic/bundle-index.js").BundleIndex} */ (state.index);
  return memberRows(index, state.actor, state.visible);
}

/**
 * The search and filters (drawn once per bundle and actor, so typing keeps focus).
 * @param {AppState} state @param {App} app
 */
export function renderMembersToolbar(state, app) {
  const index = state.index;
  if (!index) return null;
  const rows = rowsOf(state);
  const choices = filterChoices(rows);
  const f = state.memberFilter;
  return h(
    "div",
    { class: "toolbar", role: "search", "aria-label": "Search and filter members" },
    h(
      "div",
      { class: "control grow" },
      h("label", { for: "member-search" }, "Search"),
      input({ id: "member-search", value: f.query ?? "", placeholder: "Name, e-mail, role…", type: "search", onInput: (v) => app.setMemberFilter({ query: v }) }),
    ),
    h(
      "div",
      { class: "control" },
      h("label", { for: "member-status" }, "Status"),
      select({ id: "member-status", options: choices.statuses.map((s) => ({ value: s, label: s })), value: f.status ?? "", placeholder: "Any", onChange: (v) => app.setMemberFilter({ status: v }) }),
    ),
    h(
      "div",
      { class: "control" },
      h("label", { for: "member-kind" }, "Kind"),
      select({ id: "member-kind", options: choices.kinds.map((k) => ({ value: k, label: humanize(k) })), value: f.kind ?? "", placeholder: "Any", onChange: (v) => app.setMemberFilter({ kind: v }) }),
    ),
    h(
      "div",
      { class: "control" },
      h("label", { for: "member-family" }, "Family"),
      select({ id: "member-family", options: index.families.map((x) => ({ value: x, label: index.familyName(x) })), value: f.family ?? "", placeholder: "Any", onChange: (v) => app.setMemberFilter({ family: v }) }),
    ),
    h(
      "div",
      { class: "control" },
      h("label", { for: "member-scope" }, "Scope"),
      select({
        id: "member-scope",
        options: index.tree.map((n) => ({ value: n.id, label: `${"\u00a0\u00a0".repeat(n.depth)}${index.scopeName(n.id)}` })),
        value: f.scope ?? "",
        placeholder: "Anywhere",
        onChange: (v) => app.setMemberFilter({ scope: v }),
      }),
    ),
    h(
      "div",
      { class: "control segmented", role: "group", "aria-label": "Arrange" },
      h("span", { class: "label-text", "aria-hidden": "true" }, "Arrange"),
      h(
        "div",
        { class: "segments" },
        button("By member", () => app.setMembersLayout("members"), { pressed: state.membersLayout === "members", id: "layout-members" }),
        button("By scope", () => app.setMembersLayout("scopes"), { pressed: state.membersLayout === "scopes", id: "layout-scopes" }),
      ),
    ),
  );
}

/**
 * @param {MemberRow} row @param {AppState} state @param {App} app
 */
function abilitiesCell(row, state, app) {
  const { engine, index } = state;
  if (!engine || !index) return null;
  if (row.isActor) {
    // Your own row: ask the members who could give it for a role, on a scope you hold one on.
    const scopes = roleRequestScopes(engine, index, state.actor, state.now);
    if (scopes.length === 0) return h("span", { class: "muted" }, "You");
    return h(
      "div",
      { class: "abilities" },
      scopes.map((scope) => {
        const el = button(
          scopes.length === 1 ? "Ask for a role" : `Ask for a role on ${index.scopeName(scope)}`,
          () => app.openBuilder("request_role", { scope }),
          {
            kind: "quiet",
            id: scopes.length === 1 ? "ask-for-role" : undefined,
            // The accessible name starts with the visible text, and says where.
            label: `Ask for a role on ${index.scopeName(scope)}`,
            title: "Ask the members who could give you a role here; nothing changes until one of them approves",
          },
        );
        el.dataset.askScope = scope;
        el.classList.add("ask-for-role");
        return el;
      }),
    );
  }
  const abilities = memberAbilities(engine, index, state.actor, row.id, state.now);
  if (abilities.length === 0) return h("span", { class: "muted" }, "Nothing");
  return h(
    "div",
    { class: "abilities" },
    abilities.map((a) =>
      button(
        shortLabel(a.kind),
        () => app.openBuilder(a.kind, { member: row.id, ...(row.scopes.size === 1 && a.kind !== "activate_member" ? { scope: [...row.scopes][0] } : {}) }),
        {
          kind: "quiet",
          // The accessible name starts with the visible text, and says whom.
          label: `${abilityName(a.kind, row.name)}${a.effect === "conditional" ? " (needs approval)" : ""}`,
          title: a.effect === "conditional" ? `${kindLabel(a.kind)}: needs approval` : kindLabel(a.kind),
        },
      ),
    ),
  );
}

/**
 * A member's button's accessible name: its visible text, then whom it acts on
 * ("Change role of Marcus Chen", "Assign a role to Marcus Chen", "Block Marcus Chen").
 * @param {string} kind @param {string} name
 */
function abilityName(kind, name) {
  const joiner = /** @type {Record<string, string>} */ ({
    change_role: " of ",
    assign_role: " a role to ",
    resend_invitation: " to ",
    reset_password: " of ",
  })[kind];
  const visible = shortLabel(kind);
  return joiner ? `${visible}${joiner}${name}` : opKind(kind)?.shortLabel ? `${visible} ${name}` : `${visible}: ${name}`;
}

/** @param {string} kind */
function shortLabel(kind) {
  return opKind(kind)?.shortLabel ?? kindLabel(kind);
}

/** @param {MemberRow} row @param {import("../logic/bundle-index.js").BundleIndex} index */
function rolesCell(row, index) {
  if (row.addedTo) return h("span", { class: "muted" }, `Unassigned: added to ${index.scopeName(row.addedTo)}, no role yet`);
  if (row.families.length === 0) return h("span", { class: "muted" }, "No role");
  return h(
    "div",
    { class: "role-groups" },
    row.families.map((f) =>
      h(
        "div",
        { class: "role-group" },
        h("span", { class: "family" }, f.familyName),
        h(
          "ul",
          null,
          f.entries.map((e) => h("li", null, h("strong", null, e.roleName), " on ", h("span", { title: e.scopePath }, e.scopeName))),
        ),
      ),
    ),
  );
}

/**
 * The list (by member or by scope), redrawn as filters change.
 * @param {AppState} state @param {App} app
 */
export function renderMembersList(state, app) {
  const index = state.index;
  if (!index) return null;
  const all = rowsOf(state);
  const rows = filterRows(all, state.memberFilter, index);
  const summary = membersSummary(state, index, rows.length, all.length);
  if (state.membersLayout === "scopes") return h("div", null, summary, scopeTree(rows, index));
  const page = rows.slice(0, shown);
  return h(
    "div",
    null,
    summary,
    h("div", { class: "table-wrap" }, membersTable(page, state, app)),
    rows.length > page.length
      ? button(`Show all ${rows.length}`, () => {
          shown = rows.length;
          app.setMemberFilter({});
        })
      : null,
  );
}

/**
 * How many members are shown, of those the actor sees, and how many the policy hides.
 * @param {AppState} state @param {BundleIndex} index @param {number} shownCount @param {number} visibleCount
 */
function membersSummary(state, index, shownCount, visibleCount) {
  const hidden = [...index.members.values()].filter((m) => m.id !== state.actor && !state.visible.has(m.id) && m.status !== "removed").length;
  const me = index.members.get(state.actor);
  return h(
    "p",
    { class: "summary", role: "status" },
    `Showing ${count(shownCount, "member")} of the ${visibleCount} ${me ? `${me.name ?? me.id} can see` : "visible"}`,
    hidden ? `; ${count(hidden, "other member")} ${hidden === 1 ? "is" : "are"} hidden by the policy's visibility rules.` : ".",
  );
}

/**
 * The members by scope: each scope of the tree with who holds which role there.
 * @param {MemberRow[]} rows @param {BundleIndex} index
 */
function scopeTree(rows, index) {
  return h(
    "ul",
    { class: "scope-tree", "aria-label": "Members by scope" },
    byScope(rows, index).map((n) =>
      h(
        "li",
        { style: `--depth:${n.depth}` },
        h("div", { class: "scope-name" }, h("strong", null, n.name), " ", h("span", { class: "muted" }, n.type)),
        n.families.map((f) =>
          h(
            "div",
            { class: "role-group" },
            h("span", { class: "family" }, f.familyName),
            h("ul", null, f.holders.map((x) => h("li", null, `${x.name}: ${x.role}`, x.status !== "active" ? h("span", null, " ", statusPill(x.status)) : null))),
          ),
        ),
      ),
    ),
  );
}

/**
 * The table of members, a row each.
 * @param {MemberRow[]} page @param {AppState} state @param {App} app
 */
function membersTable(page, state, app) {
  return stacked(h(
    "table",
    { class: "members-table" },
    h("caption", { class: "visually-hidden" }, "Members"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Member"),
        h("th", { scope: "col", class: "col-kind" }, "Kind"),
        h("th", { scope: "col" }, "Status"),
        h("th", { scope: "col" }, "Roles"),
        h("th", { scope: "col" }, "You may"),
      ),
    ),
    h("tbody", null, page.map((row) => memberRow(row, state, app))),
  ));
}

/**
 * A member's row: name, e-mail and id, kind, status, roles, and what the actor may do to them.
 * @param {MemberRow} row @param {AppState} state @param {App} app
 */
function memberRow(row, state, app) {
  const index = /** @type {BundleIndex} */ (state.index);
  return h(
    "tr",
    { class: row.isActor ? "is-actor" : "", "data-member": row.id },
    h(
      "td",
      null,
      h("div", { class: "member-name" }, row.name, row.isActor ? h("span", { class: "you" }, " (you)") : null),
      row.email ? h("div", { class: "muted small email" }, row.email) : null,
      h("div", { class: "muted small mono" }, row.id, row.kind ? h("span", { class: "kind-inline" }, ` · ${humanize(row.kind)}`) : null),
    ),
    h("td", { class: "col-kind" }, row.kind ? humanize(row.kind) : h("span", { class: "muted" }, "—")),
    h("td", null, statusPill(row.status)),
    h("td", null, rolesCell(row, index)),
    h("td", null, abilitiesCell(row, state, app)),
  );
}
