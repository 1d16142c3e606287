// @ts-check
// The change builder's forms, as data: the choices each field offers given the
// fields filled before it, and the operation built from the values. Pure, so the
// view only draws what this returns.
// What each kind of operation takes is in its module (ops/<kind>.js); what each
// field puts into the operation, in form-fields.js; the usual choices, in form-choices.js.
import { opKind } from "../ops/index.js";
import { fieldChoices } from "./form-choices.js";
import { FORM_FIELDS } from "./form-fields.js";
import { FIELDS, fieldsOf } from "./operations.js";

export { askableRoles, pendingRoleRequest } from "../ops/choices.js";
export { draftMembers } from "./form-choices.js";
export { parseAttributes, REASON_LIMIT, untilTimestamp } from "./form-fields.js";

/**
 * @typedef {import("./bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {{ id: string, requester: string, role: string, scope: string }} AskedRole
 * @typedef {{ index: BundleIndex, actor: string, visible: Set<string>, operations: Operation[],
 *   requested?: { id: string, requester: string, action: string, scope: string }[],
 *   asked?: AskedRole[], decidable?: Set<string> }} FormContext
 *   (`requested`: approval requests that earlier operations of the change record; `asked`:
 *   role requests they record; `decidable`: the open role requests of the policy the actor
 *   may decide, as the engine says; without it, every role request but the actor's own)
 * @typedef {{ value: string, label: string }} Option
 * @typedef {Record<string, string | string[] | undefined>} FormValues
 * @typedef {{ ok: true, op: Operation, actor?: string } | { ok: false, errors: Record<string, string> }} BuildResult
 */

/**
 * The choices of one field, or null for a field typed in freely.
 * @param {string} kind
 * @param {string} field
 * @param {FormValues} values
 * @param {FormContext} ctx
 * @returns {Option[] | null}
 */
export function fieldOptions(kind, field, values, ctx) {
  return fieldChoices(kind, field, values, ctx);
}

/**
 * Attribute names a form should suggest for a kind: those the operation's
 * `requires` and the approval rules on its action look at.
 * @param {BundleIndex} index @param {string} kind @param {string} [action]
 * @returns {string[]}
 */
export function suggestedAttributes(index, kind, action) {
  const names = new Set();
  for (const c of index.operations[kind]?.requires ?? []) names.add(c.attribute);
  const act = action ?? index.operations[kind]?.action;
  for (const rule of index.approvalRules.values()) {
    if (act && rule.actions.includes(act)) for (const c of rule.when ?? []) names.add(c.attribute);
  }
  return [...names];
}

/**
 * The operation a filled form stands for, or the errors of its fields.
 * @param {string} kind
 * @param {FormValues} values
 * @param {FormContext} ctx
 * @param {{ asJson?: boolean }} [options] `asJson`: the values are the JSON form's, whatever the kind
 * @returns {BuildResult}
 */
export function buildOperation(kind, values, ctx, options = {}) {
  /** @type {import("./form-fields.js").Built} */
  const built = { op: { op: kind }, errors: {} };
  for (const field of options.asJson ? [{ name: "json", optional: false }] : fieldsOf(kind)) {
    FORM_FIELDS[field.name]?.build(values, ctx, built, field);
  }
  opKind(kind)?.check?.(built.op, built.errors, ctx, options);
  const { op, errors, actor } = built;
  if (Object.keys(errors).length) return { ok: false, errors };
  return actor ? { ok: true, op, actor } : { ok: true, op };
}

/**
 * The form values an operation was built from: the inverse of `buildOperation`,
 * so an operation of the change can be edited in its own form. A kind without a
 * form of its own (and `define_role` / `edit_role`, made in the role editor) is
 * edited as JSON. The PIN is not part of an operation: it is asked for again.
 * @param {Operation} op
 * @returns {FormValues}
 */
export function operationToValues(op) {
  /** @type {FormValues} */
  const values = {};
  const fields = opKind(op.op)?.roleEditor ? [{ name: "json", optional: false }] : fieldsOf(op.op);
  for (const { name } of fields) FORM_FIELDS[name]?.values(op, values, name);
  return values;
}

/**
 * The operations a form for the operation at `at` sees as "earlier in the
 * change": those before it (what it may refer to), so that editing an
 * operation in place judges it where it stands.
 * @param {Operation[]} operations @param {number | null} at
 */
export function operationsBefore(operations, at) {
  return at === null || at < 0 ? operations : operations.slice(0, at);
}

/** @param {unknown} value JSON text with object keys sorted, to compare values */
function canonical(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * How an operation of the change is edited: in its kind's form when that form,
 * saved as it opens, gives the very same operation back (the PIN aside, which
 * is never kept); otherwise, and for custom roles (made in the role editor), as
 * JSON, so that nothing the form cannot show (a rule's `scopes`, say) is lost.
 * @param {Operation} op @param {FormContext} ctx the context of the operations before it
 * @returns {{ asJson: boolean, values: FormValues }}
 */
export function editPlan(op, ctx) {
  if (!opKind(op.op)?.roleEditor && FIELDS[op.op]) {
    const values = operationToValues(op);
    const rebuilt = buildOperation(op.op, { ...values, pin: "0000" }, ctx);
    if (rebuilt.ok && canonical(rebuilt.op) === canonical(op)) return { asJson: false, values };
  }
  const { op: _kind, ...rest } = op;
  return { asJson: true, values: { json: JSON.stringify(rest, null, 2) } };
}
