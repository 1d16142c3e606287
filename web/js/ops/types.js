// @ts-check
// The shape of an operation kind's module (ops/<kind>.js): what the app knows
// about one kind of change-set operation (docs/changes.md section 2), in one place.

/**
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("../logic/types.js").Operation} Operation
 * @typedef {import("../logic/op-form.js").FormContext} FormContext
 * @typedef {import("../logic/op-form.js").FormValues} FormValues
 * @typedef {import("../logic/op-form.js").Option} Option
 *
 * The words an operation is described with, its names taken from the bundle and
 * from the change it belongs to (logic/operations.js builds them).
 * @typedef {{
 *   index: BundleIndex,
 *   you: string,
 *   member: () => string,
 *   role: () => string,
 *   scope: () => string,
 *   scopes: () => string,
 *   attributes: string,
 *   memberWords: (member: unknown) => string,
 *   describe: (op: Operation, actor: string) => string,
 * }} Words
 *   (`you`: the actor's name, or "you"; `attributes`: " (a = 1, b = 2)" or "";
 *   `describe`: another operation in words, as `actor`'s)
 *
 * The choices of one of the kind's fields, given the fields filled before it.
 * @typedef {(values: FormValues, ctx: FormContext) => Option[]} Choices
 *
 * @typedef {"Members" | "Transactions" | "Yourself" | "Policy" | "Approvals"} Group
 *
 * @typedef {{
 *   name: string,
 *   label: string,
 *   shortLabel?: string,
 *   group: Group,
 *   help?: string,
 *   fields: string[] | null,
 *   fieldLabels?: Record<string, string>,
 *   noPlaceholder?: string[],
 *   attributesOfAction?: boolean,
 *   roleEditor?: "new" | "existing",
 *   submitLabel?: string,
 *   choices?: Record<string, Choices>,
 *   offersNewMembers?: boolean,
 *   memberMenu?: number,
 *   check?: (op: Operation, errors: Record<string, string>, ctx: FormContext, options: { asJson?: boolean }) => void,
 *   newMembers?: (op: Operation) => any[],
 *   newRoles?: (op: Operation) => any[],
 *   describe: (op: Operation, w: Words) => string,
 * }} OpKind
 *   `name`: the kind, as change sets spell it (`op`); `label`, `group`, `help`: how the
 *   builder lists it; `shortLabel`: its button's label on the members view; `fields`: the
 *   fields of its form, in the order they are filled (a later field's choices depend on
 *   earlier ones; a name ending in `?` is optional), or null when it has no form of its own (written as JSON, or made in the role editor);
 *   `fieldLabels`: labels of its fields other than the usual ones; `noPlaceholder`: fields
 *   whose list has no "Choose…" entry (their choices say what none means);
 *   `attributesOfAction`: the attributes its form suggests are those the action chosen in
 *   the form looks at (else those of the bundle's entry for the kind); `roleEditor`: it is
 *   made in the role editor, which the builder opens for it, on a new role ("new") or on
 *   a custom role chosen first ("existing"); `submitLabel`: the label of the builder's
 *   button that adds it to the change, when not "Add to the change"; `choices`: the choices
 *   of its fields that differ from the usual ones (logic/op-form.js `fieldOptions`);
 *   `offersNewMembers`: its member field offers the members the change creates even
 *   though the engine names statuses it applies from (`engineKind(name).memberStatuses`:
 *   what the engine says of a kind, its statuses and how it reaches a member, is the
 *   engine's alone);
 *   `memberMenu`: its place in a member's menu on the members view, when it is offered
 *   there (whether the actor may do it is the engine's `memberAbilities`);
 *   (which bundles offer it is the engine's: `everyPolicy`, `entryOf`); `check`: what the form's values must satisfy together, beyond each field;
 *   `newMembers`: the members it creates (as written: objects with `id`, maybe `name`);
 *   `newRoles`: the roles it creates (as written: objects with `id`, maybe `label`);
 *   `describe`: the operation in words.
 */

export {};
