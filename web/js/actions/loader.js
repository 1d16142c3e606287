// @ts-check
// Loading a bundle into the app: the engine made from it, or its validation errors,
// and the state that starts afresh with it (or is kept: a what-if step, a new
// revision of the server's policy).
import { indexBundle } from "../logic/bundle-index.js";
import { emptyDraft } from "../logic/changeset.js";
import { createHistory } from "../logic/history.js";
import { readableErrors } from "../logic/errors.js";
import { isTimestamp } from "../logic/words.js";
import { loadEngineModule } from "../engine.js";
import { defaultActor } from "../state/selectors.js";
import { asText, refreshVisible, simulate, urlChanged } from "./context.js";

/**
 * @typedef {import("./context.js").AppContext} AppContext
 * @typedef {import("../state/app-state.js").AppState} AppState
 * @typedef {import("../state/app-state.js").Source} Source
 * @typedef {import("../state/app-state.js").ChainStep} ChainStep
 * @typedef {import("../state/app-state.js").Engine} Engine
 * @typedef {import("../state/app-state.js").Bundle} Bundle
 * @typedef {import("../logic/types.js").Operation} Operation
 * @typedef {{ now?: string | null, chain?: ChainStep[], resume?: { actor: string, now: string, operations: Operation[] }, message?: string, keepForms?: boolean, keepBuilderKind?: boolean }} LoadOptions
 *   `chain`: the what-if steps that led to this bundle (none: an original policy);
 *   `resume`: who acts, when, and the change to build on (a step of the chain gone back to);
 *   `keepBuilderKind`: the builder stays on the kind of operation it shows (a what-if step)
 */

/**
 * The state of a bundle the engine refused: its errors, and nothing of the one before.
 * @param {Source} source @param {string} text @param {import("../logic/types.js").EngineError[]} errors
 * @returns {Partial<AppState>}
 */
function invalidState(source, text, errors) {
  return {
    phase: "invalid",
    source,
    bundleText: text,
    bundle: null,
    index: null,
    engine: null,
    errors: readableErrors(errors, text),
    warnings: [],
    draft: emptyDraft(),
    chain: [],
    editing: null,
    simulation: null,
    changeSet: null,
    visible: new Map(),
    checks: [],
    analysis: null,
    focus: null,
  };
}

/**
 * Who acts and when on a bundle loaded: the member and time asked for (the page's,
 * on the first load; a step's, resumed), else the actor and time of before.
 * @param {AppContext} c @param {import("../logic/bundle-index.js").BundleIndex} index @param {LoadOptions} options
 */
function actorAndNow(c, index, options) {
  const { params, loads, get } = c;
  const wanted = options.resume ? options.resume.actor : loads.first ? params.actor : get().actor;
  const actor = wanted && index.members.has(wanted) ? wanted : defaultActor(index);
  let now = get().now;
  if (loads.first && params.now && isTimestamp(params.now)) now = params.now;
  else if (options.now && isTimestamp(options.now)) now = options.now;
  if (options.resume) now = options.resume.now;
  return { actor, now };
}

/**
 * The forms of a bundle loaded: a new revision of the same policy (signed in)
 * keeps what is being typed (the builder's form, the role editor, the members
 * filter); any other bundle starts them afresh.
 * @param {AppContext} c @param {LoadOptions} options
 * @returns {Partial<AppState>}
 */
function formsState(c, options) {
  const { get } = c;
  if (options.keepForms) return { editing: options.resume?.operations.length ? get().editing : null };
  return {
    editing: null,
    builderKind: options.keepBuilderKind ? get().builderKind : "",
    builderPrefill: null,
    builderEpoch: get().builderEpoch + 1,
    roleDraft: null,
    roleEpoch: get().roleEpoch + 1,
    memberFilter: {},
  };
}

/**
 * Loads a bundle (its text, or a file's bytes): a ready engine, or the
 * validation errors.
 * @param {AppContext} c
 * @param {string | Uint8Array} contents
 * @param {Source} source
 * @param {LoadOptions} [options]
 */
export async function loadBundleText(c, contents, source, options = {}) {
  const { store, get, loads } = c;
  const token = ++loads.token;
  store.set({ phase: "loading", message: options.message ?? `Loading ${source.label}…`, notice: null });
  const module = await loadEngineModule();
  const result = await module.createEngine(contents);
  const text = asText(contents);
  if (token !== loads.token) {
    if (result.ok) result.close();
    return;
  }
  const previous = get().engine;
  previous?.close();
  if (!result.ok) {
    store.set(invalidState(source, text, result.errors));
    return;
  }
  const engine = /** @type {Engine} */ (result);
  const bundle = /** @type {Bundle} */ (JSON.parse(text));
  const index = indexBundle(bundle);
  const { actor, now } = actorAndNow(c, index, options);
  loads.first = false;
  store.set({
    phase: "ready",
    message: "",
    source,
    bundleText: text,
    bundle,
    index,
    engine,
    errors: [],
    warnings: engine.warnings,
    actor,
    now,
    draft: options.resume ? createHistory(options.resume.operations) : emptyDraft(),
    chain: options.chain ?? [],
    ...formsState(c, options),
    checks: [],
    analysis: engine.analyze(),
    focus: null,
  });
  refreshVisible(c);
  simulate(c);
  urlChanged(c);
}
