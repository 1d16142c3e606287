// @ts-check
// The role catalogue per family (ranks, where each role is given, what it
// manages and sees, its permissions) and the custom role editor, whose preview
// shows who would gain or lose what.
import { formValues, h } from "../lib/dom.js";
import { describeSimulation } from "../logic/preview.js";
import { buildRoleOps, draftSummary, newRoleDraft, roleCatalogue, roleDraft } from "../logic/roles.js";
import { count } from "../logic/words.js";
import { button, checkboxes, field, input, select, stacked, textarea } from "./controls.js";
import { renderPreviewBody } from "./preview-view.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 */

/** @param {AppState} state @param {App} app */
export function renderCatalogue(state, app) {
  const index = state.index;
  if (!index) return null;
  /** @type {RowContext} */
  const rows = { index, focusedRole: state.focus?.kind === "role" ? state.focus.id : null, canEdit: "edit_role" in index.operations, app };
  const canDefine = "define_role" in index.operations;
  return h(
    "div",
    { class: "catalogue" },
    h(
      "div",
      { class: "row-between" },
      h("p", { class: "summary" }, `${count(index.roles.size, "role")} in ${count(index.families.length, "family", "families")}. Higher rank is more powerful within a family.`),
      canDefine
        ? button("New custom role", () => app.openRoleEditor(newRoleDraft(index)), { kind: "primary", id: "new-custom-role" })
        : h("p", { class: "hint" }, "This policy has no custom roles: creating one is not among its operations."),
    ),
    roleCatalogue(index).map((family) => familyCard(family, rows)),
  );
}

/**
 * What a role's row is drawn with: the role a finding linked to, if any, and
 * whether custom roles may be edited.
 * @typedef {{ index: BundleIndex, focusedRole: string | null, canEdit: boolean, app: App }} RowContext
 * @typedef {ReturnType<typeof roleCatalogue>[number]} Family
 */

/**
 * A family's roles, a row each.
 * @param {Family} family @param {RowContext} rows
 */
function familyCard(family, rows) {
  return h(
    "section",
    { class: "card family-card", "aria-label": `${family.familyName} roles` },
    h("h2", null, `${family.familyName[0].toUpperCase()}${family.familyName.slice(1)} roles`),
    h(
      "div",
      { class: "table-wrap" },
      stacked(h(
        "table",
        { class: "roles-table" },
        h(
          "thead",
          null,
          h("tr", null, ["Role", "Rank", "Given on", "Manages and sees", "Holders", "Permissions"].map((t) => h("th", { scope: "col" }, t))),
        ),
        h("tbody", null, family.roles.map((r) => roleRow(r, rows))),
      )),
    ),
  );
}

/**
 * A role's row: name (and Edit, for a custom role), rank, where it is given, what
 * it manages and sees, its holders and permissions.
 * @param {Family["roles"][number]} r @param {RowContext} rows
 */
function roleRow(r, rows) {
  const { index, focusedRole, canEdit, app } = rows;
  return h(
    "tr",
    focusedRole === r.id
      ? { "data-role": r.id, class: "focused", tabindex: "-1", "aria-current": "true", ref: showFocused }
      : { "data-role": r.id },
    h(
      "td",
      null,
      h("div", { class: "member-name" }, r.name, r.custom ? h("span", { class: "tag" }, "custom") : null, r.hasService ? null : h("span", { class: "tag" }, "no service")),
      h("div", { class: "muted small mono" }, r.id),
      r.description ? h("div", { class: "small" }, r.description) : null,
      r.custom && canEdit ? button("Edit", () => app.openRoleEditor(roleDraft(index, r.id)), { kind: "quiet", label: `Edit custom role ${r.name}` }) : null,
    ),
    h("td", null, String(r.rank)),
    h("td", null, r.assignableAt.join(", ")),
    h("td", { class: "small" }, r.reach),
    h("td", null, String(r.holders)),
    h(
      "td",
      null,
      h(
        "details",
        null,
        h("summary", null, count(r.permissions.length, "permission")),
        h(
          "ul",
          { class: "perm-list" },
          r.permissions.map((p) =>
            h(
              "li",
              null,
              p.name,
              " ",
              h("span", { class: "muted small mono" }, p.id),
              p.inherited ? h("span", { class: "tag" }, "inherited") : null,
              p.needsApproval ? h("span", { class: "tag warn" }, "needs approval") : null,
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Brings the row a finding linked to into view, and the focus to it, once it is
 * on the page.
 * @param {HTMLElement} el
 */
function showFocused(el) {
  requestAnimationFrame(() => {
    if (!el.isConnected) return;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  });
}

/**
 * The role editor's draft: the form's values as typed.
 * @typedef {NonNullable<AppState["roleDraft"]>} RoleDraft
 */

/** A text value of the draft, "" when it has none. @param {RoleDraft} draft @param {string} name */
function draftText(draft, name) {
  return typeof draft[name] === "string" ? /** @type {string} */ (draft[name]) : "";
}

/** A list value of the draft, as a set. @param {RoleDraft} draft @param {string} name */
function draftSet(draft, name) {
  const value = draft[name];
  return new Set(Array.isArray(value) ? value : []);
}

/**
 * The editor's form, drawn when it opens; typing updates the draft (and the
 * preview) without redrawing the form.
 * @param {AppState} state @param {App} app
 */
export function renderRoleEditor(state, app) {
  const index = state.index;
  const draft = state.roleDraft;
  if (!index || !draft) return null;
  const editing = typeof draft.editing === "string" && draft.editing ? draft.editing : null;
  const form = roleEditorForm(index, editing, app);
  form.append(
    h("h2", { id: "role-editor-title" }, editing ? `Edit custom role ${index.roleName(editing)}` : "New custom role"),
    ...roleBasics(index, editing, draft),
    permissionChecklist(index, draft),
    approvalSettings(index, editing, draft),
    tryOn(state, index, draft),
    h(
      "div",
      { class: "actions" },
      button("Add to the change", () => {}, { kind: "primary", type: "submit", id: "role-editor-submit" }),
      button("Close", () => app.openRoleEditor(null), { kind: "quiet" }),
    ),
  );
  return form;
}

/**
 * The editor's form, empty: typing updates the draft; submitted, the role's
 * operations are added to the change (or the draft's errors shown in the preview).
 * @param {BundleIndex} index @param {string | null} editing the custom role edited, if any @param {App} app
 */
function roleEditorForm(index, editing, app) {
  /** @type {HTMLFormElement} */
  const form = h("form", {
    class: "card role-editor",
    novalidate: true,
    "aria-labelledby": "role-editor-title",
    onInput: () => app.updateRoleDraft({ ...formValues(form), editing: editing ?? undefined }),
    onChange: () => app.updateRoleDraft({ ...formValues(form), editing: editing ?? undefined }),
    onSubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      const built = buildRoleOps({ ...formValues(form), editing: editing ?? undefined }, index);
      if (!built.ok) {
        app.updateRoleDraft({ ...formValues(form), editing: editing ?? undefined });
        return;
      }
      app.addOperations(built.ops);
      const label = String(formValues(form).roleLabel ?? "").trim();
      app.setNotice({ text: `Added ${count(built.ops.length, "operation")} for the role ${label} to the change.`, tone: "info" });
      app.openRoleEditor(null);
      app.setTab("changes");
    },
  });
  return form;
}

/**
 * The role itself: name, family (fixed for an existing role), description, rank,
 * whom it manages and sees, and where it is given.
 * @param {BundleIndex} index @param {string | null} editing @param {RoleDraft} draft
 */
function roleBasics(index, editing, draft) {
  const family = typeof draft.roleFamily === "string" ? draft.roleFamily : index.families[0];
  const v = (/** @type {string} */ name) => draftText(draft, name);
  return [
    h("div", { class: "grid-2" },
      field({ label: "Name", control: input({ name: "roleLabel", id: "role-label", value: v("roleLabel"), placeholder: "e.g. Fleet Admin" }) }),
      editing
        ? field({ label: "Family", control: input({ name: "roleFamily", id: "role-family", value: family }), hint: "The family of an existing role does not change." })
        : field({
            label: "Family",
            control: select({ name: "roleFamily", id: "role-family", options: index.families.map((f) => ({ value: f, label: index.familyName(f) })), value: family }),
            hint: "Roles of a family are ranked against each other.",
          }),
    ),
    field({ label: "Description (optional)", control: textarea({ name: "roleDescription", id: "role-description", value: v("roleDescription"), rows: 2 }) }),
    h("div", { class: "grid-2" },
      field({ label: "Rank", control: input({ name: "roleRank", id: "role-rank", value: v("roleRank"), type: "number", inputmode: "numeric" }), hint: "Higher is more powerful." }),
      field({ label: "Manages roles up to rank (optional)", control: input({ name: "roleManagesUpTo", id: "role-manages", value: v("roleManagesUpTo"), autocomplete: "off" }), hint: "A rank, or one per family (“billing 30, voice 20”). Empty: manages nobody. A custom role may not manage more than you do." }),
    ),
    field({
      label: "Sees other members",
      control: select({
        name: "roleSeesEmail",
        id: "role-sees",
        options: [
          { value: "", label: "Nobody" },
          { value: "name", label: "Members of the family, names only" },
          { value: "email", label: "Members of the family, with e-mail" },
        ],
        value: v("roleSeesEmail"),
      }),
    }),
    checkboxes({
      name: "roleAssignableAt",
      legend: "Given on",
      options: [...index.scopeTypes.values()].map((t) => ({ value: t.id, label: index.scopeTypeName(t.id) })),
      values: [...draftSet(draft, "roleAssignableAt")],
    }),
  ];
}

/**
 * Each permission of the policy: granted, and needing approval.
 * @param {BundleIndex} index @param {RoleDraft} draft
 */
function permissionChecklist(index, draft) {
  const chosen = draftSet(draft, "rolePermissions");
  const needs = draftSet(draft, "roleApprovalPermissions");
  return h(
    "fieldset",
    { class: "perm-checklist" },
    h("legend", null, "Permissions, and which need approval"),
    stacked(h(
      "table",
      null,
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Permission"), h("th", { scope: "col" }, "Granted"), h("th", { scope: "col" }, "Needs approval"))),
      h(
        "tbody",
        null,
        [...index.permissions.values()].map((p) =>
          h(
            "tr",
            null,
            h("td", null, p.label ?? p.id, " ", h("span", { class: "muted small mono" }, p.id)),
            h("td", null, h("input", { type: "checkbox", name: "rolePermissions", value: p.id, checked: chosen.has(p.id), "data-many": true, id: `perm-${p.id}`, "aria-label": `Grant ${p.label ?? p.id}` })),
            h("td", null, h("input", { type: "checkbox", name: "roleApprovalPermissions", value: p.id, checked: needs.has(p.id), "data-many": true, id: `approve-${p.id}`, "aria-label": `${p.label ?? p.id} needs approval` })),
          ),
        ),
      ),
    )),
  );
}

/**
 * The approvals the permissions marked "needs approval" require: by whom, how
 * many, for how long, and when.
 * @param {BundleIndex} index @param {string | null} editing @param {RoleDraft} draft
 */
function approvalSettings(index, editing, draft) {
  const v = (/** @type {string} */ name) => draftText(draft, name);
  return h(
    "fieldset",
    { class: "approval-settings" },
    h("legend", null, "Required approvals"),
    h("p", { class: "hint" }, "Applies to the permissions marked “needs approval” when a holder of this role uses them."),
    field({
      label: "Approved by",
      control: select({
        name: "roleApproverMode",
        id: "role-approver-mode",
        options: [
          { value: "roles", label: "Holders of these roles" },
          { value: "permission", label: "Holders of a permission" },
        ],
        value: v("roleApproverMode") || "roles",
      }),
    }),
    checkboxes({
      name: "roleApproverRoles",
      legend: "Approver roles",
      options: [...index.roles.values()].filter((r) => r.id !== editing).map((r) => ({ value: r.id, label: index.roleName(r.id) })),
      values: Array.isArray(draft.roleApproverRoles) ? draft.roleApproverRoles : [],
      columns: true,
    }),
    field({
      label: "Approver permission",
      control: select({
        name: "roleApproverPermission",
        id: "role-approver-permission",
        options: [...index.permissions.values()].map((p) => ({ value: p.id, label: p.label ?? p.id })),
        value: v("roleApproverPermission"),
        placeholder: "Choose…",
      }),
    }),
    h("div", { class: "grid-2" },
      field({ label: "Approvals needed", control: input({ name: "roleQuorum", id: "role-quorum", value: v("roleQuorum") || "1", type: "number", inputmode: "numeric" }) }),
      field({ label: "Request expires after (days)", control: input({ name: "roleExpires", id: "role-expires", value: v("roleExpires"), type: "number", inputmode: "numeric" }) }),
    ),
    field({
      label: "Only when (optional)",
      control: textarea({ name: "roleConditions", id: "role-conditions", value: v("roleConditions"), rows: 2, placeholder: "orderTotal gt 50000" }),
      hint: "One condition a line: attribute, then eq, ne, lt, le, gt, ge or in, then a value.",
    }),
  );
}

/**
 * The member and scope the preview gives the role to (nothing is added to the change).
 * @param {AppState} state @param {BundleIndex} index @param {RoleDraft} draft
 */
function tryOn(state, index, draft) {
  return h(
    "fieldset",
    { class: "try-on" },
    h("legend", null, "Try it on a member (preview only)"),
    h("div", { class: "grid-2" },
      field({
        label: "Member",
        control: select({
          name: "tryMember",
          id: "role-try-member",
          options: [state.actor, ...state.visible.keys()].filter((id, i, all) => all.indexOf(id) === i && index.members.has(id)).map((id) => ({ value: id, label: index.memberName(id) })),
          value: draftText(draft, "tryMember"),
          placeholder: "Nobody",
        }),
      }),
      field({
        label: "On scope",
        control: select({
          name: "tryScope",
          id: "role-try-scope",
          options: index.tree.map((n) => ({ value: n.id, label: `${"\u00a0\u00a0".repeat(n.depth)}${index.scopeName(n.id)}` })),
          value: draftText(draft, "tryScope"),
          placeholder: "Choose…",
        }),
      }),
    ),
  );
}

/**
 * The editor's live preview: the role's operations simulated on their own (plus
 * the try-on assignment), with who gains or loses what.
 * @param {AppState} state @param {App} app
 */
export function renderRolePreview(state, app) {
  const index = state.index;
  const draft = state.roleDraft;
  if (!index || !draft) return null;
  const built = buildRoleOps(draft, index);
  const heading = h("h2", { id: "role-preview-title" }, "Preview of this role");
  if (!built.ok) {
    return h(
      "section",
      { class: "card preview", "aria-labelledby": "role-preview-title" },
      heading,
      h("p", { class: "muted" }, "Fill in the role to see its effect:"),
      h("ul", { class: "lines" }, Object.values(built.errors).map((e) => h("li", null, e))),
    );
  }
  const ops = [...built.ops];
  const tryMember = typeof draft.tryMember === "string" ? draft.tryMember : "";
  const tryScope = typeof draft.tryScope === "string" ? draft.tryScope : "";
  if (tryMember && tryScope) ops.push({ op: "assign_role", member: tryMember, role: built.roleId, scope: tryScope });
  const run = app.simulateOperations(ops);
  if (!run) return null;
  const body = run.simulation.ok
    ? renderPreviewBody(describeSimulation(run.simulation, run.changeSet, index), "role-preview")
    : h("ul", { class: "lines" }, run.simulation.errors.map((/** @type {any} */ e) => h("li", null, `${e.pointer}: ${e.message}`)));
  const holders = index.bindings.filter((b) => b.role === built.roleId).length;
  return h(
    "section",
    { class: "card preview", "aria-labelledby": "role-preview-title", "aria-live": "polite" },
    heading,
    h("p", { class: "summary" }, `${draftSummary(draft)}. ${holders ? `${count(holders, "binding")} of this role exist today.` : "Nobody holds this role yet: try it on a member to see what they would gain."}`),
    body,
  );
}
