// @ts-check
// The backend's verdict side by side with the preview: match, or the list of
// differences, each with its JSON Pointer.

/**
 * @typedef {{ pointer: string, expected?: unknown, actual?: unknown }} Difference
 * @typedef {{ kind: "match", committable?: boolean } | { kind: "differences", differences: Difference[] }
 *   | { kind: "rejected", errors: { code: string, pointer: string, message: string }[] }
 *   | { kind: "unknown", reason: string }} Comparison
 */

/** @param {string} token */
function escapeToken(token) {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Every place where two JSON values differ, as pointers: `expected` is the
 * first value's, `actual` the second's (absent when that side lacks it).
 * @param {unknown} expected
 * @param {unknown} actual
 * @param {string} [pointer]
 * @returns {Difference[]}
 */
export function jsonDiff(expected, actual, pointer = "") {
  if (Object.is(expected, actual)) return [];
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects =
    expected !== null && actual !== null && typeof expected === "object" && typeof actual === "object" &&
    !Array.isArray(expected) && !Array.isArray(actual);
  if (bothArrays) {
    const a = /** @type {unknown[]} */ (expected), b = /** @type {unknown[]} */ (actual);
    /** @type {Difference[]} */
    const out = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = `${pointer}/${i}`;
      if (i >= a.length) out.push({ pointer: p, actual: b[i] });
      else if (i >= b.length) out.push({ pointer: p, expected: a[i] });
      else out.push(...jsonDiff(a[i], b[i], p));
    }
    return out;
  }
  if (bothObjects) {
    const a = /** @type {Record<string, unknown>} */ (expected), b = /** @type {Record<string, unknown>} */ (actual);
    /** @type {Difference[]} */
    const out = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const p = `${pointer}/${escapeToken(key)}`;
      if (!(key in b)) out.push({ pointer: p, expected: a[key] });
      else if (!(key in a)) out.push({ pointer: p, actual: b[key] });
      else out.push(...jsonDiff(a[key], b[key], p));
    }
    return out;
  }
  return [{ pointer, expected, actual }];
}

/**
 * Reads a backend's answer to a submitted {changeSet, preview}: a verification
 * (`{ok, match, committable, differences}`, as `rolegate verify` and engine.verify give), a
 * simulation result (compared here with the preview), or an error list.
 * @param {unknown} answer
 * @param {unknown} preview
 * @returns {Comparison}
 */
export function compareVerdict(answer, preview) {
  if (!answer || typeof answer !== "object" || Array.isArray(answer)) {
    return { kind: "unknown", reason: "the backend's answer is not a JSON object" };
  }
  const a = /** @type {Record<string, any>} */ (answer);
  const verdict = a.verification && typeof a.verification === "object" ? a.verification : a;
  if (verdict.ok === false && Array.isArray(verdict.errors)) return { kind: "rejected", errors: verdict.errors };
  if (typeof verdict.match === "boolean") {
    // A verification says whether the change may be committed as it stands: a
    // matching preview of a blocked change may not.
    if (verdict.match) return typeof verdict.committable === "boolean" ? { kind: "match", committable: verdict.committable } : { kind: "match" };
    return { kind: "differences", differences: Array.isArray(verdict.differences) ? verdict.differences : [] };
  }
  const simulation = a.simulation && typeof a.simulation === "object" ? a.simulation : a;
  if (Array.isArray(simulation.operations) && simulation.summary) {
    const differences = jsonDiff(preview, simulation);
    return differences.length ? { kind: "differences", differences } : { kind: "match" };
  }
  return { kind: "unknown", reason: "the answer is neither a verification nor a simulation result" };
}
