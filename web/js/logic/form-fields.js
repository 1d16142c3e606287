// @ts-check
// Each field of the change builder's forms, both ways: what it puts into the
// operation built from the form's values (or the errors it finds), and the form
// values it reads back from an operation, to edit it.
import { buildRule, ruleToValues } from "./approval-rules.js";
import { draftMembers } from "./form-choices.js";
import { newMemberId } from "./operations.js";
import { isTimestamp, parseAttributeValue } from "./words.js";
import { many, one } from "./form-values.js";

/**
 * @typedef {import("./op-form.js").FormContext} FormContext
 * @typedef {import("./op-form.js").FormValues} FormValues
 * @typedef {import("./types.js").Operation} Operation
 * @typedef {{ op: Operation, errors: Record<string, string>, actor?: string }} Built
 *   the operation being built, the errors found so far, the actor it makes (register)
 * @typedef {{
 *   build: (values: FormValues, ctx: FormContext, built: Built, field: { name: string, optional: boolean }) => void,
 *   values: (op: Operation, values: FormValues, name: string) => void,
 * }} FormField
 */

/** The longest reason a role request may give (docs/changes.md section 2). */
export const REASON_LIMIT = 500;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_ERROR = "enter an e-mail address such as name@example.com";

/** @param {unknown} v */
const str = (v) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** @param {FormContext} ctx @param {string} id */
function taken(ctx, id) {
  return ctx.index.members.has(id) || draftMembers(ctx.operations).has(id);
}

/**
 * A time the role asked for should end, as the engine takes it: a timestamp, or a
 * date alone (the start of that day, UTC). Null when it is neither.
 * @param {string} text
 */
export function untilTimestamp(text) {
  const t = text.trim();
  if (isTimestamp(t)) return t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t) && isTimestamp(`${t}T00:00:00Z`)) return `${t}T00:00:00Z`;
  return null;
}

/**
 * Attribute lines "key = value" (one a line) as an object; values typed as the
 * engine reads them (integers, true/false, text).
 * @param {string} text
 * @returns {{ ok: true, attributes: Record<string, string | number | boolean> } | { ok: false, error: string }}
 */
export function parseAttributes(text) {
  /** @type {Record<string, string | number | boolean>} */
  const attributes = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^([A-Za-z_][\w.-]*)\s*[=:]\s*(.*)$/.exec(line);
    if (!match) return { ok: false, error: `write each attribute as name = value (not “${line}”)` };
    attributes[match[1]] = parseAttributeValue(match[2]);
  }
  return { ok: true, attributes };
}

/** @param {unknown} value */
function attributeText(value) {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/** A field whose value is the operation's field of the same name, as chosen. @type {FormField} */
const CHOSEN = {
  build: (values, _ctx, { op, errors }, { name, optional }) => {
    const v = one(values, name);
    if (v) op[name] = v;
    else if (!optional) errors[name] = `choose a ${name === "setup" ? "set-up option" : name}`;
  },
  values: (op, values, name) => {
    if (op[name] !== undefined) values[name] = str(op[name]);
  },
};

/** A text the operation takes as typed (the e-mail checked). @type {FormField} */
const TYPED = {
  build: (values, _ctx, { op, errors }, { name }) => {
    const v = one(values, name);
    if (!v) return;
    if (name === "email" && !EMAIL.test(v)) errors.email = EMAIL_ERROR;
    op[name] = v;
  },
  values: CHOSEN.values,
};

/** A new person (invitee, registrant), or for an invitation an existing member. @type {FormField} */
const PERSON = {
  build: (values, ctx, built, { name }) => {
    const { op, errors } = built;
    const mode = name === "registrant" ? "new" : one(values, "inviteeMode") || "new";
    if (mode === "existing") {
      const v = one(values, "inviteeMember");
      if (v) op.member = v;
      else errors.inviteeMember = "choose a member";
      return;
    }
    const fullName = one(values, "newName");
    const email = one(values, "newEmail");
    if (!fullName && !email) errors.newName = "enter a name or an e-mail address";
    if (email && !EMAIL.test(email)) errors.newEmail = EMAIL_ERROR;
    const id = one(values, "newId") || newMemberId(fullName || email.split("@")[0], (x) => taken(ctx, x));
    if (taken(ctx, id)) errors.newId = `the id ${id} is already used`;
    /** @type {Record<string, string | boolean>} */
    const person = { id };
    if (email) person.email = email;
    if (fullName) person.name = fullName;
    const memberKind = one(values, "newKind");
    if (memberKind) person.kind = memberKind;
    if (name === "invitee") {
      const registered = one(values, "newRegistered");
      if (registered === "yes") person.registered = true;
      if (registered === "no") person.registered = false;
    }
    op.member = person;
    if (name === "registrant") built.actor = id;
  },
  values: (op, values, name) => {
    const m = op.member;
    if (m && typeof m === "object") {
      if (name === "invitee") values.inviteeMode = "new";
      values.newName = str(m.name);
      values.newEmail = str(m.email);
      values.newKind = str(m.kind);
      values.newId = str(m.id);
      if (name === "invitee" && typeof m.registered === "boolean") values.newRegistered = m.registered ? "yes" : "no";
    } else if (typeof m === "string") {
      values.inviteeMode = "existing";
      values.inviteeMember = m;
    }
  },
};

/** New members, one a line: "name, e-mail, kind". @type {FormField} */
const NEW_MEMBERS = {
  build: (values, ctx, { op, errors }) => {
    const lines = one(values, "newMembers").split("\n").map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) {
      errors.newMembers = "enter at least one member, one a line";
      return;
    }
    /** @type {Record<string, string>[]} */
    const list = [];
    const used = new Set();
    // Editing keeps the ids the members were given, line by line.
    const kept = one(values, "newMemberIds").split("\n").map((l) => l.trim());
    for (const [i, line] of lines.entries()) {
      const [namePart = "", emailPart = "", kindPart = ""] = line.split(",").map((p) => p.trim());
      if (emailPart && !EMAIL.test(emailPart)) {
        errors.newMembers = `“${emailPart}” is not an e-mail address`;
        break;
      }
      const id = kept[i] && !taken(ctx, kept[i]) && !used.has(kept[i]) ? kept[i] : newMemberId(namePart || emailPart.split("@")[0], (x) => taken(ctx, x) || used.has(x));
      used.add(id);
      /** @type {Record<string, string>} */
      const person = { id, name: namePart || id };
      if (emailPart) person.email = emailPart;
      if (kindPart) person.kind = kindPart;
      list.push(person);
    }
    op.members = list;
  },
  values: (op, values) => {
    /** @type {Record<string, string>[]} */
    const members = Array.isArray(op.members) ? op.members : [];
    values.newMembers = members.map((m) => [m.name ?? m.id, m.email ?? "", m.kind ?? ""].join(", ").replace(/(, )+$/, "")).join("\n");
    values.newMemberIds = members.map((m) => m.id).join("\n");
  },
};

/** A policy object chosen by id, put on the operation with the root scope. @param {"role" | "rule"} key @param {string} error @returns {FormField} */
function policyChoice(key, error) {
  return {
    build: (values, ctx, { op, errors }, { name }) => {
      const v = one(values, name);
      if (!v) errors[name] = error;
      op.scope = ctx.index.roots[0];
      op[key] = v;
    },
    values: (op, values, name) => {
      values[name] = str(op[key]);
    },
  };
}

/** @type {Record<string, FormField>} */
export const FORM_FIELDS = {
  member: CHOSEN,
  scope: CHOSEN,
  role: CHOSEN,
  action: CHOSEN,
  request: CHOSEN,
  decision: CHOSEN,
  setup: CHOSEN,
  name: TYPED,
  email: TYPED,
  invitee: PERSON,
  registrant: PERSON,
  newMembers: NEW_MEMBERS,
  customRole: policyChoice("role", "choose a custom role"),
  approvalRule: policyChoice("rule", "choose an approval rule"),
  scopes: {
    build: (values, _ctx, { op, errors }) => {
      const list = many(values, "scopes");
      if (list.length === 0) errors.scopes = "choose at least one scope";
      else if (list.length === 1) op.scope = list[0];
      else op.scopes = list;
    },
    values: (op, values) => {
      values.scopes = Array.isArray(op.scopes) ? op.scopes.map(str) : op.scope !== undefined ? [str(op.scope)] : [];
    },
  },
  attributes: {
    build: (values, _ctx, { op, errors }) => {
      const parsed = parseAttributes(one(values, "attributes"));
      if (!parsed.ok) errors.attributes = parsed.error;
      else if (Object.keys(parsed.attributes).length) op.attributes = parsed.attributes;
    },
    values: (op, values) => {
      if (op.attributes && typeof op.attributes === "object") {
        values.attributes = Object.entries(op.attributes)
          .map(([k, v]) => `${k} = ${attributeText(v)}`)
          .join("\n");
      }
    },
  },
  reason: {
    build: (values, _ctx, { op, errors }) => {
      const v = one(values, "reason");
      if (v.length > REASON_LIMIT) errors.reason = `keep it to ${REASON_LIMIT} characters (this is ${v.length})`;
      if (v) op.reason = v;
    },
    values: CHOSEN.values,
  },
  until: {
    build: (values, _ctx, { op, errors }) => {
      const v = one(values, "until");
      if (!v) return;
      const at = untilTimestamp(v);
      if (at) op.until = at;
      else errors.until = "enter a date such as 2027-03-31, or a time such as 2027-03-31T17:00:00Z";
    },
    values: CHOSEN.values,
  },
  // The PIN is checked by the server: it is not part of the operation, and is asked for again.
  pin: {
    build: (values, _ctx, { errors }) => {
      if (!/^\d{4,8}$/.test(one(values, "pin"))) errors.pin = "enter the PIN you received: 4 to 8 digits";
    },
    values: () => {},
  },
  rule: {
    build: (values, ctx, { op, errors }) => {
      const built = buildRule(values);
      if (!built.ok) Object.assign(errors, built.errors);
      else {
        op.scope = ctx.index.roots[0];
        op.rule = built.rule;
      }
    },
    values: (op, values) => {
      if (op.rule && typeof op.rule === "object") Object.assign(values, ruleToValues(op.rule));
    },
  },
  json: {
    build: (values, _ctx, { op, errors }) => {
      try {
        const parsed = JSON.parse(one(values, "json") || "{}");
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) errors.json = "write one JSON object";
        else Object.assign(op, parsed, { op: op.op });
      } catch (error) {
        errors.json = `not JSON: ${/** @type {Error} */ (error).message}`;
      }
    },
    values: (op, values) => {
      const { op: _kind, ...rest } = op;
      values.json = JSON.stringify(rest, null, 2);
    },
  },
};
