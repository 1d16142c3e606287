// @ts-check
// Reading a form's values: the one definition every form builder uses.

/**
 * @typedef {Record<string, string | string[] | undefined>} FormValues
 */

/** The value of field `name`, trimmed; "" when absent or a list. @param {FormValues} values @param {string} name */
export function one(values, name) {
  const v = values[name];
  return typeof v === "string" ? v.trim() : "";
}

/** The values of field `name`: a list without empty entries. @param {FormValues} values @param {string} name @returns {string[]} */
export function many(values, name) {
  const v = values[name];
  if (Array.isArray(v)) return v.filter(Boolean);
  return typeof v === "string" && v ? [v] : [];
}
