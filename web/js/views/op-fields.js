// @ts-check
// The fields of the change builder's forms: one control (or group) per field the
// operation kind takes, with its label, choices, hint and error, and the approval
// rule editor. The builder owns the values; these draw them.
import { h } from "../lib/dom.js";
import { opKind } from "../ops/index.js";
import { ruleToValues } from "../logic/approval-rules.js";
import { fieldOptions, REASON_LIMIT, suggestedAttributes } from "../logic/op-form.js";
import { checkboxes, field, input, select, textarea } from "./controls.js";

/**
 * @typedef {import("../logic/op-form.js").FormValues} FormValues
 * @typedef {import("../logic/op-form.js").FormContext} FormContext
 * @typedef {{ values: FormValues, errors: Record<string, string>, redraw: (read?: boolean) => void, keep?: FormValues }} FormState
 *   (`redraw(false)` draws `values` as they are; `redraw()` reads the form first; `keep`: the
 *   values of an operation being edited)
 */

const LABELS = /** @type {Record<string, string>} */ ({
  member: "Member",
  scope: "Scope",
  scopes: "Scopes",
  role: "Role",
  setup: "Set-up",
  name: "New name",
  email: "New e-mail",
  action: "Action",
  request: "Approval request",
  decision: "Decision",
  customRole: "Custom role",
  approvalRule: "Approval rule",
  pin: "PIN",
  reason: "Why you ask",
  until: "Until",
});


/**
 * The control(s) of one field.
 * @param {string} kind @param {string} name @param {boolean} optional
 * @param {FormContext} ctx @param {FormState} f
 * @returns {import("../lib/dom.js").Child}
 */
export function renderField(kind, name, optional, ctx, f) {
  const { index } = ctx;
  const { values, errors, redraw } = f;
  const id = `op-${name}`;
  const value = (/** @type {string} */ n) => (typeof values[n] === "string" ? /** @type {string} */ (values[n]) : "");
  const spec = opKind(kind);
  const label = `${spec?.fieldLabels?.[name] ?? LABELS[name] ?? name}${optional ? " (optional)" : ""}`;
  switch (name) {
    case "invitee":
    case "registrant":
      return renderPerson(kind, name, ctx, f);
    case "scopes": {
      const chosen = Array.isArray(values.scopes) ? values.scopes : [];
      return checkboxes({ name: "scopes", legend: "Scopes", options: fieldOptions(kind, "scopes", values, ctx) ?? [], values: chosen, error: errors.scopes, columns: true });
    }
    case "name":
    case "email":
      return field({ label, control: input({ name, id, value: value(name), type: name === "email" ? "email" : "text" }), error: errors[name] });
    case "newMembers":
      return [
        // Editing keeps the ids the members were given (build reads them line by line).
        value("newMemberIds") ? h("input", { type: "hidden", name: "newMemberIds", value: value("newMemberIds") }) : null,
        field({
        label: "New members, one a line",
        control: textarea({ name, id, value: value(name), rows: 3, placeholder: "Extension 1023\nHana Wu, hana.wu@example.com, user" }),
        hint: "Name, then optionally the e-mail and the kind, separated by commas.",
        error: errors.newMembers,
        }),
      ];
    case "attributes": {
      const action = spec?.attributesOfAction ? value("action") : undefined;
      const suggested = suggestedAttributes(index, kind, action);
      return field({
        label: "Attributes (optional)",
        control: textarea({ name, id, value: value(name), rows: 2, placeholder: suggested.length ? suggested.map((a) => `${a} = `).join("\n") : "name = value" }),
        hint: suggested.length ? `One a line. The policy looks at: ${suggested.join(", ")}.` : "One a line: name = value.",
        error: errors.attributes,
      });
    }
    case "reason":
      return field({
        label,
        control: textarea({ name, id, value: value(name), rows: 2, placeholder: "What you need it for" }),
        hint: `Goes to the members who decide, with your request. At most ${REASON_LIMIT} characters.`,
        error: errors.reason,
      });
    case "until":
      return field({
        label,
        control: input({ name, id, value: value(name), placeholder: "2027-03-31" }),
        hint: "For a while only: the role ends then (UTC; a date alone means 00:00 that day). Empty: for good.",
        error: errors.until,
      });
    case "pin":
      return field({
        label: "PIN",
        control: input({ name, id, value: value(name), inputmode: "numeric", autocomplete: "one-time-code" }),
        hint: "The PIN you received. The server checks it; the preview does not.",
        error: errors.pin,
      });
    case "rule":
      return renderRuleFields(ctx, f);
    case "json":
      return field({ label: "Operation fields (JSON)", control: textarea({ name, id, value: value(name) || "{}", rows: 5 }), error: errors.json, hint: "The fields of this operation, as docs/changes.md describes them." });
    default: {
      const options = fieldOptions(kind, name, values, ctx) ?? [];
      // An operation being edited keeps its value even where the form would not offer it now.
      const kept = f.keep?.[name];
      if (typeof kept === "string" && kept && value(name) === kept && !options.some((o) => o.value === kept)) options.push({ value: kept, label: `${kept} (as in the operation)` });
      const placeholder = spec?.noPlaceholder?.includes(name) ? undefined : optional ? "None" : `Choose…`;
      const control = select({ name, id, options, value: value(name), placeholder, onChange: () => redraw() });
      const hint = options.length === 0 && !optional ? "Nothing to choose here for the member acting." : undefined;
      return field({ label, control, error: errors[name], hint });
    }
  }
}

/**
 * A new person (invitee, registrant), or for an invitation an existing member.
 * @param {string} kind @param {"invitee" | "registrant"} name
 * @param {FormContext} ctx @param {FormState} f
 */
function renderPerson(kind, name, ctx, f) {
  const { index } = ctx;
  const { values, errors, redraw } = f;
  const value = (/** @type {string} */ n) => (typeof values[n] === "string" ? /** @type {string} */ (values[n]) : "");
    const mode = name === "registrant" ? "new" : value("inviteeMode") || "new";
    const kinds = [...new Set([...index.members.values()].map((m) => m.kind).filter(Boolean))];
    return h(
      "fieldset",
      { class: "invitee" },
      h("legend", null, name === "registrant" ? "The new member" : "Who"),
      name === "invitee"
        ? h(
            "div",
            { class: "radios" },
            ["new", "existing"].map((m) =>
              h(
                "span",
                { class: "check" },
                h("input", { type: "radio", name: "inviteeMode", id: `op-invitee-${m}`, value: m, checked: mode === m, onChange: () => redraw() }),
                h("label", { for: `op-invitee-${m}` }, m === "new" ? "A new person" : "An existing member"),
              ),
            ),
          )
        : null,
      mode === "existing"
        ? field({
            label: "Member",
            control: select({ name: "inviteeMember", id: "op-inviteeMember", options: fieldOptions(kind, "member", values, ctx) ?? [], value: value("inviteeMember"), placeholder: "Choose a member…" }),
            error: errors.inviteeMember,
          })
        : h(
            "div",
            { class: "grid-2" },
            field({ label: "Full name", control: input({ name: "newName", id: "op-newName", value: value("newName"), autocomplete: "off" }), error: errors.newName }),
            field({ label: "E-mail", control: input({ name: "newEmail", id: "op-newEmail", value: value("newEmail"), type: "email" }), error: errors.newEmail }),
            field({
              label: "Kind (optional)",
              control: input({ name: "newKind", id: "op-newKind", value: value("newKind"), placeholder: kinds.join(", ") }),
            }),
            name === "invitee" && value("newId") ? h("input", { type: "hidden", name: "newId", value: value("newId") }) : null,
            name === "registrant"
              ? field({ label: "Member id (optional)", control: input({ name: "newId", id: "op-newId", value: value("newId") }), hint: "Made from the name when empty.", error: errors.newId })
              : field({
                  label: "Registered already?",
                  control: select({
                    name: "newRegistered",
                    id: "op-newRegistered",
                    options: [
                      { value: "", label: "Not said" },
                      { value: "yes", label: "Yes" },
                      { value: "no", label: "No" },
                    ],
                    value: value("newRegistered"),
                  }),
                }),
          ),
    );
}

/**
 * The approval rule editor's fields.
 * @param {FormContext} ctx @param {FormState} f
 */
function renderRuleFields(ctx, f) {
  const { values } = f;
  const value = (/** @type {string} */ n) => (typeof values[n] === "string" ? /** @type {string} */ (values[n]) : "");
  const list = (/** @type {string} */ n) => (Array.isArray(values[n]) ? /** @type {string[]} */ (values[n]) : []);
  return h("div", { class: "rule-editor" }, ...ruleWhenFields(ctx, f, value, list), ...ruleApproverFields(ctx, f, value, list));
}

/**
 * The rule editor's fields of what needs approval: where it starts from, its id,
 * the actions, requesters, scope types and conditions it applies to.
 * @param {FormContext} ctx @param {FormState} f
 * @param {(name: string) => string} value @param {(name: string) => string[]} list
 */
function ruleWhenFields(ctx, f, value, list) {
  const { index } = ctx;
  const { errors, redraw } = f;
  return [
    field({
      label: "Start from an existing rule (optional)",
      control: select({
        id: "op-ruleFrom",
        options: [...index.approvalRules.keys()].map((id) => ({ value: id, label: id })),
        placeholder: "A new rule",
        value: value("ruleFrom"),
        onChange: (id) => {
          const rule = index.approvalRules.get(id);
          f.values = rule ? { ...ruleToValues(rule), ruleFrom: id } : {};
          f.errors = {};
          redraw(false);
        },
      }),
    }),
    field({ label: "Rule id", control: input({ name: "ruleId", id: "op-ruleId", value: value("ruleId"), placeholder: "approval.large_orders" }), error: errors.ruleId }),
    checkboxes({
      name: "ruleActions",
      legend: "Actions that need approval",
      options: [...index.permissions.values()].map((p) => ({ value: p.id, label: p.label ?? p.id })),
      values: list("ruleActions"),
      error: errors.ruleActions,
      columns: true,
    }),
    checkboxes({
      name: "ruleRequesterRoles",
      legend: "Only when asked by (none: anyone)",
      options: [...index.roles.values()].map((r) => ({ value: r.id, label: index.roleName(r.id) })),
      values: list("ruleRequesterRoles"),
      columns: true,
    }),
    checkboxes({
      name: "ruleScopeTypes",
      legend: "Only on (none: anywhere)",
      options: [...index.scopeTypes.values()].map((t) => ({ value: t.id, label: index.scopeTypeName(t.id) })),
      values: list("ruleScopeTypes"),
    }),
    field({
      label: "Only when (optional)",
      control: textarea({ name: "ruleConditions", id: "op-ruleConditions", value: value("ruleConditions"), rows: 2, placeholder: "orderTotal gt 50000" }),
      hint: "One condition a line: attribute, then eq, ne, lt, le, gt, ge or in, then a value.",
      error: errors.ruleConditions,
    }),
  ];
}

/**
 * The rule editor's fields of who approves: roles or a permission, how many, and how long.
 * @param {FormContext} ctx @param {FormState} f
 * @param {(name: string) => string} value @param {(name: string) => string[]} list
 */
function ruleApproverFields(ctx, f, value, list) {
  const { index } = ctx;
  const { errors, redraw } = f;
  const mode = value("ruleApproverMode") || "roles";
  return [
    field({
      label: "Approved by",
      control: select({
        name: "ruleApproverMode",
        id: "op-ruleApproverMode",
        options: [
          { value: "roles", label: "Holders of these roles" },
          { value: "permission", label: "Holders of a permission" },
        ],
        value: mode,
        onChange: () => redraw(),
      }),
    }),
    mode === "roles"
      ? checkboxes({
          name: "ruleApproverRoles",
          legend: "Approver roles",
          options: [...index.roles.values()].map((r) => ({ value: r.id, label: index.roleName(r.id) })),
          values: list("ruleApproverRoles"),
          error: errors.ruleApproverRoles,
          columns: true,
        })
      : field({
          label: "Approver permission",
          control: select({
            name: "ruleApproverPermission",
            id: "op-ruleApproverPermission",
            options: [...index.permissions.values()].map((p) => ({ value: p.id, label: p.label ?? p.id })),
            value: value("ruleApproverPermission"),
            placeholder: "Choose…",
          }),
          error: errors.ruleApproverPermission,
        }),
    h(
      "div",
      { class: "grid-2" },
      field({ label: "Approvals needed", control: input({ name: "ruleQuorum", id: "op-ruleQuorum", value: value("ruleQuorum") || "1", type: "number", inputmode: "numeric" }), error: errors.ruleQuorum }),
      field({ label: "Expires after (days, optional)", control: input({ name: "ruleExpires", id: "op-ruleExpires", value: value("ruleExpires"), type: "number", inputmode: "numeric" }), error: errors.ruleExpires }),
    ),
  ];
}
