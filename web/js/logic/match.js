// @ts-check
// Finding options by what one types: the search boxes that stand in for selects
// of many options (views/controls.js, combobox).

/** @typedef {{ value: string, label: string }} Option */

/**
 * What a search looks in: the option's label and value, in lower case (a NUL
 * between them, so that no query spans the two).
 * @param {Option} option
 */
export function searchText(option) {
  return `${option.label}\u0000${option.value}`.toLowerCase();
}

/**
 * The options whose label or value holds `query` (case aside; all of them for a
 * blank query), in their order: the first `limit` of them, and how many match.
 * @param {Option[]} options
 * @param {string[]} haystack searchText of each option
 * @param {string} query
 * @param {number} limit
 */
export function matchOptions(options, haystack, query, limit) {
  const q = query.trim().toLowerCase();
  /** @type {Option[]} */
  const shown = [];
  let total = 0;
  for (let i = 0; i < options.length; i++) {
    if (q && !haystack[i].includes(q)) continue;
    total++;
    if (shown.length < limit) shown.push(options[i]);
  }
  return { shown, total };
}
