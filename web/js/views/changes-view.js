// @ts-check
// The change builder: a form per operation kind the policy offers, each adding
// an operation to the change, and the list of operations with undo and redo.
import { formValues, h, mount } from "../lib/dom.js";
import { canRedo, canUndo } from "../logic/history.js";
import { buildOperation, editPlan, operationsBefore } from "../logic/op-form.js";
import { availableKinds, describeOperation, fieldsOf, kindLabel } from "../logic/operations.js";
import { newRoleDraft, roleDraft } from "../logic/roles.js";
import { effectLabel } from "../logic/reasons.js";
import { decidableRoleRequests } from "../logic/queries.js";
import { count, formatTime } from "../logic/words.js";
import { opKind } from "../ops/index.js";
import { pendingUpgradesOf } from "../state/selectors.js";
import { badge, button, field, input, select } from "./controls.js";
import { renderField } from "./op-fields.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("../logic/op-form.js").FormContext} FormContext
 * @typedef {import("../logic/types.js").Operation} Operation
 */

// The builder's values survive redraws (a new operation elsewhere, undo) until
// an operation is added or another kind is chosen.
/** @type {import("./op-fields.js").FormState} */
const draftForm = { values: {}, errors: {}, redraw: () => {}, keep: undefined };
let epoch = -1;
// Whether the operation being edited is edited as JSON (editPlan).
let editAsJson = false;

/**
 * Self-upgrades waiting for their PIN (asked for in this change, or recorded in the
 * policy, as after a what-if step): the PIN step, under whichever form is open, so
 * that it stays in view when the change is continued from.
 * @param {AppState} state @param {App} app @param {string} kind the form's
 */
function pinSteps(state, app, kind) {
  const index = /** @type {BundleIndex} */ (state.index);
  const pending = pendingUpgradesOf(state);
  const selfUpgrade = kind === "request_self_upgrade" || kind === "complete_self_upgrade" || kind === "resend_verification";
  return pending.map((p, i) => {
    const pinId = `pin-step-${i}`;
    const error = h("p", { class: "field-error", role: "alert", hidden: true });
    const complete = () => {
      const pin = /** @type {HTMLInputElement} */ (document.getElementById(pinId)).value.trim();
      if (!/^\d{4,8}$/.test(pin)) {
        error.hidden = false;
        error.textContent = "Enter the PIN you received: 4 to 8 digits.";
        return;
      }
      // Signed in, the PIN goes with the change set: the server checks it when it is
      // submitted (and counts the try). In the simulation it is not needed.
      const named = p.verification ? { verification: p.verification } : {};
      app.addOperations([state.mode === "connected" ? { op: "complete_self_upgrade", role: p.role, scope: p.scope, ...named, pin } : { op: "complete_self_upgrade", role: p.role, scope: p.scope, ...named }]);
    };
    // A form of its own, apart from the operation's: Enter in the PIN field completes the upgrade.
    return h(
      "form",
      {
        class: "pin-step",
        id: `pin-step-${i}-box`,
        novalidate: true,
        "aria-labelledby": `pin-step-${i}-title`,
        onSubmit: (/** @type {Event} */ e) => {
          e.preventDefault();
          complete();
        },
      },
      h("h3", { id: `pin-step-${i}-title` }, `${selfUpgrade ? "Step 2" : "Waiting for your PIN"}: complete the upgrade to ${index.roleName(p.role)} on ${index.scopeName(p.scope)}`),
      h("p", { class: "hint" }, state.mode === "connected" ? "Enter the PIN from the letter (your Inbox also takes it). The server checks it when you submit; the preview cannot." : "Enter the PIN sent to you. The server checks it; the preview cannot."),
      h(
        "div",
        { class: "inline" },
        field({ label: "PIN", control: input({ id: pinId, inputmode: "numeric", autocomplete: "one-time-code" }) }),
        button("Complete the upgrade", complete, { kind: "primary", type: "submit", id: `pin-complete-${i}` }),
        button("Send a new PIN", () => app.addOperations([{ op: "resend_verification", role: p.role, scope: p.scope, ...(p.verification ? { verification: p.verification } : {}) }]), { id: `pin-resend-${i}` }),
      ),
      error,
    );
  });
}

/**
 * The kinds the builder offers, and the one it shows: the kind chosen if offered,
 * else the first. An operation being edited keeps its kind, even one this policy
 * does not offer.
 * @param {AppState} state @param {BundleIndex} index @param {Operation | undefined} editOp
 */
function builderKinds(state, index, editOp) {
  const kinds = availableKinds(index.operations);
  if (editOp && !kinds.some((k) => k.kind === editOp.op)) kinds.push({ kind: editOp.op, label: kindLabel(editOp.op), group: "Other" });
  const kind = kinds.some((k) => k.kind === state.builderKind) ? state.builderKind : kinds[0]?.kind ?? "";
  return { kinds, kind };
}

/**
 * Starts the builder's values afresh for a new epoch: the operation being edited,
 * as its form shows it (or as JSON), else the values the builder was opened with.
 * @param {AppState} state @param {BundleIndex} index @param {Operation | undefined} editOp
 * @param {string} kind @param {Operation[]} before the operations before the one edited
 */
function startDraft(state, index, editOp, kind, before) {
  epoch = state.builderEpoch;
  const plan = editOp && editOp.op === kind ? editPlan(editOp, { index, actor: state.actor, visible: new Set(state.visible.keys()), operations: before }) : undefined;
  draftForm.values = plan ? { ...plan.values } : state.builderPrefill ? { ...state.builderPrefill } : {};
  draftForm.keep = plan?.values;
  draftForm.errors = {};
  editAsJson = plan?.asJson ?? false;
}

/**
 * What the form's choices are drawn from: the operations before, the approval
 * requests the preview makes, the role requests earlier operations ask for (their
 * ids are the preview's), and the requests for a role the actor may decide.
 * @param {AppState} state @param {BundleIndex} index @param {Operation[]} before
 * @returns {FormContext}
 */
function formContext(state, index, before) {
  /** @type {{ id: string, requester: string, action: string, scope: string }[]} */
  const requested = [];
  for (const e of state.simulation?.ok ? state.simulation.events : []) {
    if (e.event === "approval_requested" && !requested.some((r) => r.id === e.request)) {
      requested.push({ id: String(e.request), requester: String(e.requester), action: String(e.action), scope: String(e.scope) });
    }
  }
  /** @type {import("../logic/op-form.js").AskedRole[]} */
  const asked = [];
  for (const r of state.simulation?.ok ? state.simulation.operations : []) {
    const op = state.draft.present[r.index];
    if (r.request?.id && op?.op === "request_role") asked.push({ id: String(r.request.id), requester: state.actor, role: String(op.role), scope: String(op.scope) });
  }
  const decidable = state.engine ? decidableRoleRequests(state.engine, index, state.actor, state.now) : undefined;
  return { index, actor: state.actor, visible: new Set(state.visible.keys()), operations: before, requested, asked, decidable };
}

/**
 * What the operation's form is drawn from: its kind, the operation edited (its
 * position) if any, whether it is edited as JSON, the form's context and label.
 * @typedef {{ kind: string, editing: number | null, asJson: boolean, ctx: FormContext, label: string, app: App }} OperationForm
 */

/**
 * The operation's form: its fields, redrawn in place as choices change; submitted,
 * it adds the operation to the change (or saves the one edited).
 * @param {OperationForm} props
 */
function renderOperationForm(props) {
  const { editing, app } = props;
  const body = h("div", { class: "op-fields" });
  /** @type {HTMLFormElement} */
  const form = h("form", {
    id: "op-form",
    novalidate: true,
    // Keep what is typed, so that a redraw (undo, a new preview) does not lose it.
    onInput: () => {
      draftForm.values = formValues(form);
    },
    "aria-label": props.label,
    onKeydown: (/** @type {KeyboardEvent} */ e) => {
      if (e.key === "Escape" && editing !== null) {
        e.preventDefault();
        cancel();
      }
    },
    onSubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      submitOperation(form, props, redraw);
    },
  });
  function cancel() {
    if (editing === null) return;
    app.cancelEdit();
    focusEditButton(editing);
  }
  /** @param {boolean} [read] read the form's values first */
  function redraw(read = true) {
    if (read) draftForm.values = formValues(form);
    const active = document.activeElement;
    const focusId = active && form.contains(active) ? active.id : "";
    mount(body, drawFields(props, redraw, cancel));
    if (focusId) document.getElementById(focusId)?.focus();
  }
  mount(body, drawFields(props, redraw, cancel));
  form.append(body);
  return form;
}

/**
 * Builds the operation from the form's values: added to the change (or saved in
 * place of the one edited), or the form redrawn with its errors, the focus on the first.
 * @param {HTMLFormElement} form @param {OperationForm} props @param {(read?: boolean) => void} redraw
 */
function submitOperation(form, props, redraw) {
  const { kind, editing, asJson, ctx, app } = props;
  draftForm.values = formValues(form);
  const built = buildOperation(kind, draftForm.values, ctx, { asJson });
  if (!built.ok) {
    draftForm.errors = built.errors;
    redraw(false);
    const first = form.querySelector("[aria-invalid=true]");
    if (first instanceof HTMLElement) first.focus();
    return;
  }
  draftForm.values = {};
  draftForm.errors = {};
  if (editing !== null) {
    app.saveEdit(built.op, built.actor);
    focusEditButton(editing);
  } else app.addOperations([built.op], built.actor);
}

/**
 * The inside of the operation's form: the kind's fields and its buttons, or, for a
 * kind made in the role editor (not edited as JSON), the way to the editor.
 * @param {OperationForm} props @param {(read?: boolean) => void} redraw @param {() => void} cancel
 */
function drawFields(props, redraw, cancel) {
  const { kind, editing, asJson, ctx } = props;
  const editor = asJson ? undefined : opKind(kind)?.roleEditor;
  if (editor) return roleEditorOpener(editor, ctx.index, props.app);
  draftForm.redraw = redraw;
  const fields = (asJson ? [{ name: "json", optional: false }] : fieldsOf(kind)).map((f) => renderField(kind, f.name, f.optional, ctx, draftForm));
  if (asJson) fields.unshift(h("p", { class: "hint", id: "edit-as-json" }, "This operation is edited as JSON: its form could not show all of it as it is."));
  const submitLabel = editing !== null ? `Save operation ${editing + 1}` : opKind(kind)?.submitLabel ?? "Add to the change";
  return [
    ...fields,
    editing !== null && kind === "complete_self_upgrade" ? h("p", { class: "hint" }, "The PIN is not kept in the change: enter it again.") : null,
    h(
      "div",
      { class: "actions" },
      button(submitLabel, () => {}, { kind: "primary", type: "submit", id: "op-submit" }),
      editing !== null ? button("Cancel", cancel, { id: "op-cancel", label: `Cancel editing operation ${editing + 1}, leaving it as it was` }) : null,
    ),
  ];
}

/**
 * A kind made in the role editor: the button that opens it on a new role, or on
 * the custom role chosen.
 * @param {"new" | "existing"} editor @param {BundleIndex} index @param {App} app
 */
function roleEditorOpener(editor, index, app) {
  if (editor === "new") {
    return [
      h("p", null, "Custom roles are made in the role editor: name, description, permissions, and which of them need approval. Its preview shows who would gain or lose what."),
      button("Open the role editor", () => app.openRoleEditor(newRoleDraft(index)), { kind: "primary", id: "open-role-editor" }),
    ];
  }
  const customs = [...index.roles.values()].filter((r) => r.custom);
  return [
    field({ label: "Custom role", control: select({ id: "op-editRole", options: customs.map((r) => ({ value: r.id, label: index.roleName(r.id) })), placeholder: customs.length ? "Choose…" : "No custom role yet" }) }),
    button(
      "Open the role editor",
      () => {
        const id = /** @type {HTMLSelectElement} */ (document.getElementById("op-editRole")).value;
        if (id) app.openRoleEditor(roleDraft(index, id));
      },
      { kind: "primary", id: "open-role-editor" },
    ),
  ];
}

/**
 * The choice of kind, grouped.
 * @param {ReturnType<typeof availableKinds>} kinds @param {string} kind the one shown @param {App} app
 */
function kindSelect(kinds, kind, app) {
  /** @type {Map<string, typeof kinds>} */
  const groups = new Map();
  for (const k of kinds) groups.set(k.group, [...(groups.get(k.group) ?? []), k]);
  return h(
    "select",
    { id: "op-kind", onChange: (/** @type {Event} */ e) => app.setBuilderKind(/** @type {HTMLSelectElement} */ (e.target).value) },
    [...groups].map(([group, list]) => h("optgroup", { label: group }, list.map((k) => h("option", { value: k.kind, selected: k.kind === kind }, k.label)))),
  );
}

/**
 * The example's change sets to start from, if an example with some is loaded.
 * @param {AppState} state @param {App} app
 */
function exampleChangeSets(state, app) {
  const source = state.source;
  const example = source?.kind === "example" ? state.examples.find((e) => e.name === source.name) : undefined;
  if (!example || !example.changes.length) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "examples-changes-title" },
    h("h2", { id: "examples-changes-title" }, "Start from an example change set"),
    h(
      "div",
      { class: "inline" },
      field({ label: "Change set", control: select({ id: "changeset-select", options: example.changes.map((c) => ({ value: c, label: c.replace(/\.json$/, "").replace(/-/g, " ") })) }) }),
      button("Load", () => app.loadExampleChangeSet(/** @type {HTMLSelectElement} */ (document.getElementById("changeset-select")).value), { id: "changeset-load" }),
    ),
    h("p", { class: "hint" }, "Loading one replaces the change being built (undo brings it back) and acts as its member. You can also open or drop a change set file."),
  );
}

/**
 * The builder: kind, form, and the example change sets to start from.
 * @param {AppState} state @param {App} app
 */
export function renderBuilder(state, app) {
  const index = state.index;
  if (index === null) return null;
  const editing = state.editing;
  const editOp = editing === null ? undefined : state.draft.present[editing];
  const { kinds, kind } = builderKinds(state, index, editOp);
  const before = operationsBefore(state.draft.present, editing);
  if (epoch !== state.builderEpoch) startDraft(state, index, editOp, kind, before);
  // An operation the form cannot show as it is (custom roles, made in the role editor, among them) is edited as JSON.
  const asJson = editOp !== undefined && editOp.op === kind && editAsJson;
  const ctx = formContext(state, index, before);
  const info = kinds.find((k) => k.kind === kind);
  const label = editing !== null ? `Edit operation ${editing + 1}` : info ? info.label : "Operation";
  const form = renderOperationForm({ kind, editing, asJson, ctx, label, app });
  const kindControl = kindSelect(kinds, kind, app);
  return h(
    "div",
    { class: `builder${editing !== null ? " editing" : ""}` },
    exampleChangeSets(state, app),
    h(
      "section",
      { class: "card", "aria-labelledby": "builder-title" },
      h("h2", { id: "builder-title" }, editing !== null ? `Edit operation ${editing + 1}` : "Add an operation"),
      editing !== null && editOp
        ? h("p", { class: "hint", id: "editing-hint" }, `Editing “${describeOperation(editOp, index, state.actor, state.draft.present)}”. Saving replaces it where it stands (undo brings it back); Cancel or Escape leaves it as it was.`)
        : h("p", { class: "hint" }, `You act as ${index.memberName(state.actor)}. This policy offers ${count(kinds.length, "kind")} of operation.`),
      field({ label: "Operation", control: kindControl, hint: info?.help }),
      form,
      editing === null ? pinSteps(state, app, kind) : null,
    ),
  );
}

/**
 * The operations of the change, with their verdicts and undo / redo.
 * @param {AppState} state @param {App} app
 */
export function renderOperationList(state, app) {
  const index = state.index;
  if (!index) return null;
  const ops = state.draft.present;
  const results = state.simulation?.ok ? state.simulation.operations : [];
  return h(
    "section",
    { class: "card", "aria-labelledby": "change-title" },
    h("h2", { id: "change-title" }, `The change: ${count(ops.length, "operation")}`),
    h("p", { class: "hint" }, `By ${index.memberName(state.actor)}, as of ${formatTime(state.now)}.`),
    h(
      "div",
      { class: "toolbar compact", role: "toolbar", "aria-label": "Change history" },
      button("Undo", () => app.undo(), { disabled: !canUndo(state.draft), id: "undo", title: "Undo (Ctrl+Z)" }),
      button("Redo", () => app.redo(), { disabled: !canRedo(state.draft), id: "redo", title: "Redo (Ctrl+Shift+Z)" }),
      button("Clear", () => app.clearOperations(), { disabled: ops.length === 0, kind: "quiet", id: "clear" }),
    ),
    ops.length === 0
      ? h("p", { class: "muted" }, "No operation yet.")
      : h(
          "ol",
          { class: "op-list" },
          ops.map((op, i) => {
            const result = results.find((/** @type {{ index: number }} */ r) => r.index === i);
            const text = describeOperation(op, index, state.actor, ops);
            const beingEdited = state.editing === i;
            return h(
              "li",
              { "data-op": String(i), class: beingEdited ? "editing" : undefined, "aria-current": beingEdited ? "true" : undefined },
              result ? badge(result.effect, effectLabel(result.effect, result.requirements)) : null,
              h("span", { class: "op-title" }, text),
              result && Array.isArray(result.checkedByServer) && result.checkedByServer.length > 0
                ? h("span", { class: "muted small server-check" }, ` (the server checks ${result.checkedByServer.map(serverCheckWord).join(" and ")})`)
                : null,
              state.mode === "connected" && carriesEmail(op)
                ? h("span", { class: "muted small server-check email-check" }, " (the server checks that the e-mail is not already used, and the rules on members' fields it may hide from you)")
                : null,
              beingEdited ? h("span", { class: "muted small" }, " (being edited)") : null,
              h(
                "span",
                { class: "op-buttons" },
                withClass(
                  button(
                  "Edit",
                  () => {
                    app.editOperation(i);
                    const first = document.querySelector("#op-form select, #op-form input:not([type=hidden]), #op-form textarea");
                    if (first instanceof HTMLElement) first.focus();
                  },
                  { kind: "quiet", label: `Edit operation ${i + 1}: ${text}` },
                  ),
                  "op-edit",
                ),
                button("↑", () => app.moveOperation(i, -1), { kind: "quiet", label: `Move operation ${i + 1} up`, disabled: i === 0 }),
                button("↓", () => app.moveOperation(i, 1), { kind: "quiet", label: `Move operation ${i + 1} down`, disabled: i === ops.length - 1 }),
                button("Remove", () => app.removeOperation(i), { kind: "quiet", label: `Remove operation ${i + 1}: ${text}` }),
              ),
            );
          }),
        ),
  );
}

/**
 * Whether an operation sets an e-mail (a new member, an edit): signed in, the browser may
 * not know every member's e-mail, so the server alone checks that it is unused
 * (`checkedByServer` of GET /v1/bundle: unique_email, member_field).
 * @param {unknown} value
 * @returns {boolean}
 */
function carriesEmail(value) {
  if (Array.isArray(value)) return value.some(carriesEmail);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, v]) => (key === "email" && typeof v === "string" && v !== "") || carriesEmail(v));
}

/**
 * What a preview cannot judge, in words: the secret only the server of record checks.
 * @param {string} check
 */
function serverCheckWord(check) {
  return check === "pin" ? "the PIN" : check === "invitation_token" ? "the invitation token" : check;
}

/** After an edit is saved or cancelled, the focus goes back to its Edit button. @param {number} i */
function focusEditButton(i) {
  const el = document.querySelector(`.op-list li[data-op="${i}"] .op-edit`);
  if (el instanceof HTMLElement) el.focus();
}

/** @template {HTMLElement} E @param {E} el @param {string} name @returns {E} */
function withClass(el, name) {
  el.classList.add(name);
  return el;
}
