// @ts-check
// The backend's verdict side by side with the preview: match, or the list of
// differences, each with its JSON Pointer, as the engine lists them.

/**
 * @typedef {{ pointer: string, expected?: unknown, actual?: unknown }} Difference
 * @typedef {{ kind: "match", committable?: boolean } | { kind: "differences", differences: Difference[] }
 *   | { kind: "rejected", errors: { code: string, pointer: string, message: string }[] }
 *   | { kind: "unknown", reason: string }} Comparison
 */

/**
 * Reads a backend's answer to a submitted {changeSet, preview}: a verification
 * (`{ok, match, committable, differences}`, as `rolegate verify` and engine.verify give), a
 * simulation result (compared with the preview by the engine's `diff`, as `verify`
 * compares them), or an error list.
 * @param {unknown} answer
 * @param {unknown} preview
 * @param {{ diff: (expected: object, actual: object) => Promise<any> }} engine the engine's module
 * @returns {Promise<Comparison>}
 */
export async function compareVerdict(answer, preview, engine) {
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
    const answered = await engine.diff(/** @type {object} */ (preview), simulation);
    if (!answered.ok) return { kind: "unknown", reason: "the preview and the answer could not be compared" };
    const differences = /** @type {Difference[]} */ (answered.differences);
    return differences.length ? { kind: "differences", differences } : { kind: "match" };
  }
  return { kind: "unknown", reason: "the answer is neither a verification nor a simulation result" };
}
