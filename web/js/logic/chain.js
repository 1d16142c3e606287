// @ts-check
// What-if chains: a change previewed, then continued from (its bundle after
// becomes the policy the next change is built on), step by step. Each step keeps
// its change set (whose baseRevision is the revision before it) and its preview,
// so the chain can be downloaded and verified one step after the other, as a
// server would apply it.

/**
 * @typedef {import("./types.js").ChangeSet} ChangeSet
 * @typedef {{ changeSet: ChangeSet, preview: any, bundleText: string }} ChainStep
 *   (`bundleText`: the policy the step was built on)
 * @typedef {{ label: string, revision: string, current: boolean }} Crumb
 */

export const CHAIN_FORMAT = /** @type {const} */ ("rolegate-changechain/1");

/**
 * The breadcrumb of a chain: the original policy, then each state after a change.
 * @param {ChainStep[]} steps @param {string} revision the revision now loaded
 * @returns {Crumb[]}
 */
export function breadcrumb(steps, revision) {
  if (steps.length === 0) return [];
  /** @type {Crumb[]} */
  const out = [{ label: "Original", revision: steps[0].changeSet.baseRevision, current: false }];
  steps.forEach((step, i) => {
    const next = steps[i + 1];
    out.push({ label: `After change ${i + 1}`, revision: next ? next.changeSet.baseRevision : revision, current: !next });
  });
  return out;
}

/**
 * The steps of a chain with the change being built as the last one (when it has
 * operations): what downloads and a backend receive.
 * @param {ChainStep[]} steps @param {ChangeSet | null} changeSet @param {any} preview
 * @returns {{ changeSet: ChangeSet, preview: any }[]}
 */
export function chainSteps(steps, changeSet, preview) {
  const out = steps.map((s) => ({ changeSet: s.changeSet, preview: s.preview }));
  if (changeSet && changeSet.operations.length > 0 && preview?.ok) out.push({ changeSet, preview });
  return out;
}

/**
 * The chain as one document: each change set with its base revision and its
 * preview, in order; step 1's baseRevision is the original policy's.
 * @param {{ changeSet: ChangeSet, preview: any }[]} steps
 * @param {"changeSets" | "previews" | "both"} what
 */
export function chainDocument(steps, what) {
  const baseRevision = steps[0]?.changeSet.baseRevision ?? "";
  if (what === "changeSets") return { format: CHAIN_FORMAT, baseRevision, changeSets: steps.map((s) => s.changeSet) };
  if (what === "previews") return { format: CHAIN_FORMAT, baseRevision, previews: steps.map((s) => s.preview) };
  return { format: CHAIN_FORMAT, baseRevision, steps: steps.map((s) => ({ changeSet: s.changeSet, preview: s.preview })) };
}

/**
 * The engine's verification of a chain (`engine.verifyChain`, as `rolegate
 * verify-chain` and a server recompute it) in words: each step's verdict, or the
 * step that could not be verified and why.
 * @param {any} result a ChainVerification or a Failure
 * @returns {string}
 */
export function describeChainVerification(result) {
  if (!result.ok) {
    const errors = /** @type {{ pointer: string, message: string }[]} */ (result.errors);
    const at = /^\/steps\/(\d+)/.exec(errors[0]?.pointer ?? "");
    const where = at ? `step ${Number(at[1]) + 1} cannot be verified` : "The chain cannot be verified";
    return `${at ? "Not every step matches: " : ""}${where} (${errors.map((e) => e.message).join("; ")}).`;
  }
  const steps = /** @type {{ match: boolean, differences: unknown[] }[]} */ (result.steps);
  const each = steps
    .map((v, i) => `step ${i + 1} ${v.match ? "matches" : `differs in ${v.differences.length} ${v.differences.length === 1 ? "place" : "places"}`}`)
    .join(", ");
  const blocked = result.match && !result.committable ? " The last step is blocked as it stands, so the chain cannot be committed yet." : "";
  return `${result.match ? "Every step matches" : "Not every step matches"}: ${each} (each on the policy the step before left, as a server would apply them).${blocked}`;
}

/**
 * Self-upgrades waiting for their PIN once the change is applied, as the engine says
 * (`openVerifications`, docs/changes.md section 3a): the actor's records in the state the
 * change leaves. One the change itself made is offered without its id, which changes with
 * the operations before it (a completion in the same change is matched by role and
 * scope); one of the policy (a request continued from) names its record.
 * @param {import("../../../wasm/rolegate.js").Engine | null} engine
 * @param {object | null} changeSet the change as built (state.changeSet)
 * @returns {{ role: string, scope: string, verification?: string }[]}
 */
export function pendingUpgrades(engine, changeSet) {
  if (!engine || !changeSet) return [];
  const answer = /** @type {any} */ (engine.openVerifications(changeSet));
  if (!answer.ok) return [];
  const made = new Set(answer.made);
  return answer.verifications.map((/** @type {{ id: string, role: string, scope: string }} */ r) =>
    made.has(r.id) ? { role: r.role, scope: r.scope } : { role: r.role, scope: r.scope, verification: r.id },
  );
}
