// @ts-check
// The access checker: member × action × scope gives the decision with its reasons
// in plain words; who-can and what-can.
import { formValues, h } from "../lib/dom.js";
import { rewriteMessage } from "../logic/bundle-index.js";
import { parseAttributes } from "../logic/op-form.js";
import { checkAttributes } from "../logic/queries.js";
import { describeDecision, describeReason } from "../logic/reasons.js";
import { count } from "../logic/words.js";
import { badge, button, field, lines, reveal, select, textarea } from "./controls.js";
import { actAs } from "./dialog.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 */

/** @param {AppState} state @param {BundleIndex} index */
function memberOptions(state, index) {
  return [state.actor, ...state.visible.keys()]
    .filter((id, i, all) => all.indexOf(id) === i && index.members.has(id))
    .map((id) => ({ value: id, label: `${index.memberName(id)}${id === state.actor ? " (you)" : ""}` }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** @param {BundleIndex} index */
function scopeOptions(index) {
  return index.tree.map((n) => ({
    value: n.id,
    label: `${"\u00a0\u00a0".repeat(n.depth)}${index.scopeName(n.id)} (${index.scopeTypeName(index.scopeTypeOf(n.id))})`,
  }));
}

/**
 * @param {BundleIndex} index
 * @param {boolean} permissionsOnly
 * @param {string} id
 * @param {string} [name]
 */
function actionSelect(index, permissionsOnly, id, name = "action") {
  const groups = [
    { label: "Permissions", items: index.actions.filter((a) => a.kind === "permission") },
    { label: "Self-upgrades", items: permissionsOnly ? [] : index.actions.filter((a) => a.kind === "self_upgrade") },
    { label: "Claims", items: permissionsOnly ? [] : index.actions.filter((a) => a.kind === "claim") },
  ].filter((g) => g.items.length);
  return h(
    "select",
    { name, id },
    groups.map((g) => h("optgroup", { label: g.label }, g.items.map((a) => h("option", { value: a.id }, `${a.name} (${a.id})`)))),
  );
}

/**
 * What the forms offer: the members the actor may ask about (the actor first
 * chosen), the scopes (the actor's first one chosen).
 * @typedef {{ index: BundleIndex, engine: import("../../../wasm/rolegate.js").Engine | null, actor: string, members: Option[], scopes: Option[], defaultScope: string }} Choices
 * @typedef {import("./controls.js").Option} Option
 */

/** The member asked about. @param {Choices} choices @param {string} id */
function memberField(choices, id) {
  return field({ label: "Member", control: select({ name: "member", id, options: choices.members, value: choices.actor }) });
}

/** The scope asked about. @param {Choices} choices @param {string} id */
function scopeField(choices, id) {
  return field({ label: "Scope", control: select({ name: "scope", id, options: choices.scopes, value: choices.defaultScope }) });
}

/**
 * The three forms (drawn once per bundle and actor).
 * @param {AppState} state @param {App} app
 */
export function renderAccessForms(state, app) {
  const index = state.index;
  if (!index) return null;
  const scopes = scopeOptions(index);
  /** @type {Choices} */
  const choices = {
    index,
    engine: state.engine,
    actor: state.actor,
    members: memberOptions(state, index),
    scopes,
    defaultScope: index.bindingsByMember.get(state.actor)?.[0]?.scope ?? scopes[0]?.value ?? "",
  };
  const checkForm = renderCheckForm(choices, app);
  const requestPicker = renderRequestPicker(state, app);
  return h("div", { class: "access-forms" }, requestPicker, checkForm, renderWhoForm(choices, app), renderWhatForm(choices, app));
}

/**
 * The check form's action, and the fields it asks for besides (a role, a member
 * acted on, other attributes), shown as the action chosen needs them (`sync`).
 * @param {BundleIndex} index @param {Option[]} members
 * @param {import("../../../wasm/rolegate.js").Engine | null} engine
 */
function checkControls(index, members, engine) {
  const roles = [...index.roles.values()].map((r) => ({ value: r.id, label: `${index.roleName(r.id)} · rank ${r.rank}` }));
  const action = actionSelect(index, false, "check-action");
  const roleField = field({ label: "With role (handed out or wanted)", control: select({ name: "role", id: "check-role", options: roles, placeholder: "None" }) });
  const targetField = field({ label: "On member (acted on)", control: select({ name: "target", id: "check-target", options: members, placeholder: "None" }) });
  const attributesText = textarea({ name: "attributes", id: "check-attributes", rows: 2, placeholder: "orderTotal = 12000" });
  const attributesField = field({ label: "Other attributes (optional)", control: attributesText, hint: "One a line: name = value. Approval rules may look at them." });
  const errorLine = h("p", { class: "field-error", role: "alert", hidden: true });
  const sync = () => {
    const needs = checkAttributes(engine, action.value);
    roleField.hidden = !needs.role;
    targetField.hidden = !needs.target;
    attributesText.placeholder = needs.others.length ? needs.others.map((a) => `${a} = `).join("\n") : "name = value";
  };
  action.addEventListener("change", sync);
  return { action, roleField, targetField, attributesField, errorLine, sync };
}

/**
 * Can … ? The member, scope, action and what else the action looks at.
 * @param {Choices} choices @param {App} app
 */
function renderCheckForm(choices, app) {
  const controls = checkControls(choices.index, choices.members, choices.engine);
  const { roleField, targetField, errorLine } = controls;
  /** @type {HTMLFormElement} */
  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "check-title",
      onSubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        askCheck(form, controls, app);
      },
    },
    h("h2", { id: "check-title" }, "Can a member do this?"),
    h("div", { class: "grid-2" }, memberField(choices, "check-member"), scopeField(choices, "check-scope")),
    field({ label: "Action", control: controls.action }),
    h("div", { class: "grid-2" }, roleField, targetField),
    controls.attributesField,
    errorLine,
    h("div", { class: "actions" }, button("Check", () => {}, { kind: "primary", type: "submit", id: "check-submit" })),
  );
  controls.sync();
  return form;
}

/**
 * Asks the check form's question: its attributes parsed (or the error shown), the
 * role and member acted on added when the action looks at them.
 * @param {HTMLFormElement} form @param {{ roleField: HTMLElement, targetField: HTMLElement, errorLine: HTMLElement }} controls
 * @param {App} app
 */
function askCheck(form, controls, app) {
  const { roleField, targetField, errorLine } = controls;
  const values = formValues(form);
  const parsed = parseAttributes(String(values.attributes ?? ""));
  if (!parsed.ok) {
    errorLine.hidden = false;
    errorLine.textContent = parsed.error;
    return;
  }
  errorLine.hidden = true;
  /** @type {Record<string, string | number | boolean>} */
  const attributes = { ...parsed.attributes };
  if (!roleField.hidden && values.role) attributes.role = String(values.role);
  if (!targetField.hidden && values.target) attributes.target = String(values.target);
  app.check({
    actor: String(values.member),
    action: String(values.action),
    resource: String(values.scope),
    ...(Object.keys(attributes).length ? { attributes } : {}),
  });
  reveal(document.getElementById("decision"));
}

/**
 * The example's requests to try, if an example with some is loaded.
 * @param {AppState} state @param {App} app
 */
function renderRequestPicker(state, app) {
  const source = state.source;
  const example = source?.kind === "example" ? state.examples.find((e) => e.name === source.name) : undefined;
  if (!example || !example.requests.length) return null;
  return h(
    "div",
    { class: "card example-requests" },
    h("h2", { id: "requests-title" }, "Example requests"),
    h("p", { class: "hint" }, "Each example comes with requests to try. Trying one acts as its member."),
    h(
      "div",
      { class: "inline" },
      field({ label: "Request", control: select({ id: "request-select", options: example.requests.map((r) => ({ value: r, label: r.replace(/\.json$/, "").replace(/-/g, " ") })) }) }),
      button("Try it", () => tryRequest(app), { id: "request-try" }),
    ),
  );
}

/**
 * Tries the example request chosen, as its member, at its time.
 * @param {App} app
 */
async function tryRequest(app) {
  const chosen = /** @type {HTMLSelectElement} */ (document.getElementById("request-select")).value;
  const request = /** @type {any} */ (await app.exampleRequest(chosen));
  if (!request) return;
  // Trying a request acts as its member: with a change being built, asks first.
  if (!(await actAs(app, request.actor, { returnFocus: "request-try" }))) return;
  if (typeof request.now === "string") app.setNow(request.now);
  app.check({ actor: request.actor, action: request.action, resource: request.resource, ...(request.attributes ? { attributes: request.attributes } : {}) });
  reveal(document.getElementById("decision"));
}

/**
 * Who can … ? An action (permissions only) on a scope.
 * @param {Choices} choices @param {App} app
 */
function renderWhoForm(choices, app) {
  const whoAction = actionSelect(choices.index, true, "who-action");
  /** @type {HTMLFormElement} */
  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "who-title",
      onSubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        const values = formValues(form);
        app.whoCan(String(values.action), String(values.scope));
        reveal(document.getElementById("who-result"));
      },
    },
    h("h2", { id: "who-title" }, "Who can do this?"),
    h("div", { class: "grid-2" }, field({ label: "Action", control: whoAction }), scopeField(choices, "who-scope")),
    h("div", { class: "actions" }, button("Ask who can", () => {}, { type: "submit", id: "who-submit" })),
  );
  return form;
}

/**
 * What can … do? A member on a scope.
 * @param {Choices} choices @param {App} app
 */
function renderWhatForm(choices, app) {
  /** @type {HTMLFormElement} */
  const form = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "what-title",
      onSubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        const values = formValues(form);
        app.whatCan(String(values.member), String(values.scope));
        reveal(document.getElementById("what-result"));
      },
    },
    h("h2", { id: "what-title" }, "What can a member do?"),
    h("div", { class: "grid-2" }, memberField(choices, "what-member"), scopeField(choices, "what-scope")),
    h("div", { class: "actions" }, button("Ask what they can do", () => {}, { type: "submit", id: "what-submit" })),
  );
  return form;
}

/**
 * @param {{ code: string, pointer: string, message: string }[]} errors @param {BundleIndex} index
 */
function errorList(errors, index) {
  return h("ul", { class: "lines" }, errors.map((e) => h("li", null, h("code", { class: "pointer" }, e.pointer || "/"), ` ${rewriteMessage(e.message, index)}`)));
}

/**
 * The answers, redrawn when a question is asked.
 * @param {AppState} state
 */
export function renderAccessResults(state) {
  const index = state.index;
  if (!index) return null;
  if (state.checks.length === 0) return h("p", { class: "muted", role: "status" }, "Ask a question above; the answers show here, with their reasons.");
  return h(
    "div",
    { class: "results", role: "status", "aria-live": "polite" },
    state.checks.map((c) => {
      if (c.kind === "check") {
        const request = /** @type {any} */ (c.request);
        if (!c.result.ok) {
          return h("section", { class: "card decision deny", "aria-label": "Decision", id: "decision" }, h("h2", null, "The request is not valid"), errorList(c.result.errors, index));
        }
        const d = describeDecision(c.result, index, request.attributes);
        return h(
          "section",
          { class: `card decision ${d.effect}`, "aria-label": "Decision", id: "decision" },
          h("h2", null, badge(d.effect, d.label), " ", h("span", { class: "headline" }, d.headline)),
          h("h3", null, "Because"),
          lines(d.reasons, "No reason given.", "reasons"),
          d.approvals.length ? h("div", { class: "approvals" }, h("h3", null, "Needs approval"), h("ul", { class: "lines" }, d.approvals.map((a) => h("li", { class: "approval" }, a.text)))) : null,
          d.verifications.length ? h("div", { class: "verifications" }, h("h3", null, "Needs verification"), lines(d.verifications)) : null,
        );
      }
      if (c.kind === "whoCan") {
        if (!c.result.ok) return h("section", { class: "card", id: "who-result" }, h("h2", null, "Who can"), errorList(c.result.errors, index));
        /** @type {{ member: string, bindings: { role: string, scope: string, inheritedFrom?: string }[] }[]} */
        const all = c.result.members;
        const seen = all.filter((m) => m.member === state.actor || state.visible.has(m.member));
        const hidden = all.length - seen.length;
        const title = `Who can “${index.permissionName(c.action)}” on ${index.scopeName(c.scope)}`;
        return h(
          "section",
          { class: "card", "aria-label": "Who can", id: "who-result" },
          h("h2", null, title),
          c.result.applies === false ? h("p", null, `This action does not apply to a ${index.scopeTypeName(index.scopeTypeOf(c.scope))}.`) : null,
          lines(
            seen.map((m) => `${index.memberName(m.member)}${m.member === state.actor ? " (you)" : ""}: ${m.bindings.map((b) => describeReason({ code: "granted_by", message: "", ...b }, index, { resource: c.scope })).join("; ")}`),
            "Nobody you can see.",
          ),
          hidden ? h("p", { class: "muted" }, `${count(hidden, "other member")} also can, but ${hidden === 1 ? "is" : "are"} hidden from you by the visibility rules.`) : null,
        );
      }
      if (!c.result.ok) return h("section", { class: "card", id: "what-result" }, h("h2", null, "What can"), errorList(c.result.errors, index));
      /** @type {{ permission: string, sources: { role: string, scope: string, inheritedFrom?: string }[] }[]} */
      const permissions = c.result.permissions;
      return h(
        "section",
        { class: "card", "aria-label": "What can", id: "what-result" },
        h("h2", null, `What ${index.memberName(c.member)} can do on ${index.scopeName(c.scope)}`),
        c.result.status !== "active" ? h("p", null, `${index.memberName(c.member)} is ${c.result.status}: only active members hold permissions.`) : null,
        lines(
          permissions.map((p) => `${index.permissionName(p.permission)}: ${p.sources.map((s) => describeReason({ code: "granted_by", message: "", ...s }, index, { resource: c.scope })).join("; ")}`),
          "Nothing here.",
        ),
      );
    }),
  );
}

