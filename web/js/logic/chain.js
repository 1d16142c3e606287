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

export const CHAIN_FORMAT = "rolegate-changechain/1";

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
 * Verifies a chain step by step, as a server applying it would: step 1 against
 * the original policy, each next step against the bundle after the one before
 * (which must carry the revision the next change set names).
 * @param {(bundle: object | string) => Promise<any>} createEngine
 * @param {object | string} bundle the original policy
 * @param {{ changeSet: ChangeSet, preview: any }[]} steps
 * @returns {Promise<{ step: number, ok: boolean, match: boolean, revision: string, differences: any[], errors: any[] }[]>}
 */
export async function verifyChain(createEngine, bundle, steps) {
  const out = [];
  let current = bundle;
  for (const [i, step] of steps.entries()) {
    const engine = await createEngine(current);
    if (!engine.ok) {
      out.push({ step: i + 1, ok: false, match: false, revision: "", differences: [], errors: engine.errors });
      break;
    }
    try {
      const verdict = engine.verify(step.changeSet, step.preview);
      out.push({
        step: i + 1,
        ok: verdict.ok,
        match: verdict.ok && verdict.match,
        revision: engine.revision,
        differences: verdict.ok ? verdict.differences : [],
        errors: verdict.ok ? [] : verdict.errors,
      });
      if (!verdict.ok || !verdict.match || i === steps.length - 1) break;
      const after = engine.simulate(step.changeSet, { bundleAfter: true });
      if (!after.ok || !after.bundleAfter) break;
      current = after.bundleAfter;
    } finally {
      engine.close();
    }
  }
  return out;
}

/**
 * Self-upgrades waiting for their PIN: the actor's verification records in the
 * policy (a request continued from) and those asked for earlier in the change,
 * less those the change completes.
 * @param {import("./types.js").Operation[]} operations
 * @param {{ member: string, role: string, scope: string }[]} records the policy's `verifications`
 * @param {string} actor
 * @returns {{ role: string, scope: string }[]}
 */
export function pendingUpgrades(operations, records, actor) {
  /** @type {{ role: string, scope: string }[]} */
  const pending = [];
  const add = (/** @type {string} */ role, /** @type {string} */ scope) => {
    if (!pending.some((p) => p.role === role && p.scope === scope)) pending.push({ role, scope });
  };
  for (const r of records) if (r.member === actor) add(r.role, r.scope);
  for (const op of operations) {
    if (op.op === "request_self_upgrade" || op.op === "resend_verification") add(op.role, op.scope);
    if (op.op === "complete_self_upgrade") {
      const i = pending.findIndex((p) => p.role === op.role && p.scope === op.scope);
      if (i >= 0) pending.splice(i, 1);
    }
  }
  return pending;
}
