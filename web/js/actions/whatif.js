// @ts-check
// What-if chains: the bundle after the change previewed becomes the policy, step
// after step; going back along the chain; the chain verified in the page.
import { CHAIN_FORMAT, chainSteps } from "../logic/chain.js";
import { loadEngineModule } from "../engine.js";
import { loadBundleText } from "./loader.js";

/** @typedef {import("./context.js").AppContext} AppContext */

/**
 * What-if: the bundle after the change previewed becomes the policy, so that
 * later steps (an approval decided, a PIN entered) are previewed on it. The
 * change and its preview are kept as a step of the chain.
 * @param {AppContext} c
 */
export async function continueFromResult(c) {
  const { store, get } = c;
  const { engine, changeSet, simulation, source, bundleText, chain, actor, now } = get();
  if (get().mode === "connected") return; // what-if chains are for the offline simulation
  if (!engine || !changeSet || !simulation?.ok || changeSet.operations.length === 0 || !source) return;
  const full = engine.simulate(changeSet, { bundleAfter: true });
  if (!full.ok || !full.bundleAfter) {
    store.set({ notice: { text: "The engine gave no bundle after this change, so it cannot be continued from.", tone: "error" } });
    return;
  }
  const step = { changeSet, preview: simulation, bundleText };
  const text = JSON.stringify(full.bundleAfter);
  // The builder stays on its kind of operation: after asking for a self-upgrade, its
  // PIN step (offered from the verification the step recorded) is still where it was.
  await loadBundleText(c, text, source, { chain: [...chain, step], resume: { actor, now, operations: [] }, message: "Continuing from the result of the change…", keepBuilderKind: true });
  const steps = get().chain.length;
  store.set({
    tab: "changes",
    notice: { text: `What-if: the policy is now as it would be after change ${steps} (revision ${full.revisionAfter}). Build the next step on it; the original is one click away.`, tone: "info" },
  });
}

/**
 * Goes back along the chain: 0 is the original policy. The change that was
 * continued from there comes back into the builder.
 * @param {AppContext} c @param {number} k
 */
export async function backTo(c, k) {
  const { chain, source } = c.get();
  if (!source || k < 0 || k >= chain.length) return;
  const step = chain[k];
  await loadBundleText(c, step.bundleText, source, {
    message: k === 0 ? "Going back to the original policy…" : `Going back to the policy after change ${k}…`,
    chain: chain.slice(0, k),
    resume: { actor: step.changeSet.actor, now: step.changeSet.now, operations: step.changeSet.operations },
  });
  c.store.set({
    tab: "changes",
    notice: { text: k === 0 ? "Back to the original policy, with change 1 as it was." : `Back to the policy after change ${k}, with change ${k + 1} as it was.`, tone: "info" },
  });
}

/**
 * The in-page verification of a what-if chain by the engine (`verifyChain`, as
 * `rolegate verify-chain` and a server do it): step by step from the original
 * policy, each on the bundle the step before leaves.
 * @param {AppContext} c
 */
export async function verifyChainHere(c) {
  const { chain, changeSet, simulation } = c.get();
  if (chain.length === 0) return null;
  const module = await loadEngineModule();
  const original = await module.createEngine(chain[0].bundleText);
  if (!original.ok) return original;
  try {
    return original.verifyChain({ format: CHAIN_FORMAT, steps: chainSteps(chain, changeSet, simulation) });
  } finally {
    original.close();
  }
}
