// @ts-check
// The app's state and the actions that change it: loading bundles and change
// sets, the acting member, the change being built, checks and submission. Views
// read the state and call these actions; nothing here touches the DOM.
import { indexBundle } from "./logic/bundle-index.js";
import { appendOperations, buildChangeSet, emptyDraft, moveOperation, readChangeSet, removeOperation, replaceOperation, replaceOperations } from "./logic/changeset.js";
import { CHAIN_FORMAT, chainSteps } from "./logic/chain.js";
import { createHistory } from "./logic/history.js";
import { compareVerdict } from "./logic/compare.js";
import { readableErrors } from "./logic/errors.js";
import { canRedo, canUndo, redo, undo } from "./logic/history.js";
import { supportsPerform, visibleTo } from "./logic/queries.js";
import { createStore } from "./logic/store.js";
import { isTimestamp, toTimestamp } from "./logic/words.js";
import { loadEngineModule } from "./engine.js";
import { createConnection, emptyAudit, emptyInbox } from "./connected.js";
import { createServerClient } from "./logic/server.js";

/**
 * @typedef {import("./logic/bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("./logic/types.js").Bundle} Bundle
 * @typedef {import("./logic/types.js").Operation} Operation
 * @typedef {import("./logic/types.js").ChangeSet} ChangeSet
 * @typedef {import("./logic/types.js").Simulation} Simulation
 * @typedef {import("./logic/types.js").EngineError} EngineError
 * @typedef {import("./logic/errors.js").ReadableError} ReadableError
 * @typedef {import("./logic/members.js").VisibleMember} VisibleMember
 * @typedef {import("./logic/members.js").MemberFilter} MemberFilter
 * @typedef {import("./logic/changeset.js").Draft} Draft
 * @typedef {import("./logic/compare.js").Comparison} Comparison
 * @typedef {import("./logic/params.js").Params} Params
 * @typedef {import("./logic/chain.js").ChainStep} ChainStep
 * @typedef {import("../../wasm/rolegate.js").Engine} Engine
 * @typedef {{ name: string, title: string, changes: string[], requests: string[] }} ExampleInfo
 * @typedef {{ kind: "example" | "file" | "url" | "server", name: string, label: string }} Source
 * @typedef {"members" | "roles" | "access" | "changes" | "inbox" | "audit" | "findings" | "settings"} Tab
 * @typedef {ReturnType<typeof import("./logic/server.js").commitOutcome>} CommitOutcome
 * @typedef {{ status: "idle" } | { status: "sending" }
 *   | { status: "done", outcome: CommitOutcome, changeSet: ChangeSet | null, simulation: any }} CommitState
 * @typedef {{ status: "idle" | "loading" | "ready" | "failed", error: string, requested: any[], toDecide: any[],
 *   verifications: any[], messages: any[], results: Record<string, { kind: "request" | "verification" | "withdrawal", tone: string, text: string }>, busy: string | null, at: string }} Inbox
 * @typedef {{ status: "idle" | "loading" | "ready" | "failed" | "forbidden", error: string,
 *   filter: { member: string, scope: string }, entries: any[], next: number | null, before: number | null,
 *   pages: (number | null)[] }} Audit
 * @typedef {{ kind: "role" | "scope", id: string }} Focus what a finding's link showed
 * @typedef {{ status: "idle" } | { status: "sending", url: string }
 *   | { status: "done", url: string, answer: unknown, comparison: Comparison, submitted: unknown }
 *   | { status: "failed", url: string, error: string }} Submission
 * @typedef {{ kind: "check", request: object, result: any } | { kind: "whoCan", action: string, scope: string, result: any }
 *   | { kind: "whatCan", member: string, scope: string, result: any }} QueryResult
 * @typedef {{
 *   phase: "starting" | "loading" | "ready" | "invalid" | "failed",
 *   message: string,
 *   examples: ExampleInfo[],
 *   source: Source | null,
 *   bundleText: string,
 *   bundle: Bundle | null,
 *   index: BundleIndex | null,
 *   engine: Engine | null,
 *   errors: ReadableError[],
 *   warnings: EngineError[],
 *   features: { perform: boolean },
 *   actor: string,
 *   now: string,
 *   tab: Tab,
 *   visible: Map<string, VisibleMember>,
 *   draft: Draft,
 *   changeSet: ChangeSet | null,
 *   simulation: any,
 *   notice: { text: string, tone: "info" | "warning" | "error" } | null,
 *   builderKind: string,
 *   editing: number | null,
 *   chain: ChainStep[],
 *   builderPrefill: Record<string, string | string[]> | null,
 *   builderEpoch: number,
 *   roleDraft: Record<string, string | string[] | undefined> | null,
 *   roleEpoch: number,
 *   memberFilter: MemberFilter,
 *   membersLayout: "members" | "scopes",
 *   checks: QueryResult[],
 *   analysis: any,
 *   focus: Focus | null,
 *   backendUrl: string,
 *   submission: Submission,
 *   mode: "offline" | "signin" | "connected" | "inactive",
 *   server: { demo: boolean } | null,
 *   session: { member: string, status: "signed-out" | "signing-in" | "signed-in", error: string },
 *   clockOffset: number,
 *   headRevision: string,
 *   withheld: number,
 *   checkedByServer: string[],
 *   demoMembers: any[],
 *   commit: CommitState,
 *   inbox: Inbox,
 *   audit: Audit,
 * }} AppState
 */

/** @returns {AppState} */
export function initialState() {
  return {
    phase: "starting",
    message: "Starting the engine…",
    examples: [],
    source: null,
    bundleText: "",
    bundle: null,
    index: null,
    engine: null,
    errors: [],
    warnings: [],
    features: { perform: false },
    actor: "",
    now: toTimestamp(new Date()),
    tab: "members",
    visible: new Map(),
    draft: emptyDraft(),
    changeSet: null,
    simulation: null,
    notice: null,
    builderKind: "",
    editing: null,
    chain: [],
    builderPrefill: null,
    builderEpoch: 0,
    roleDraft: null,
    roleEpoch: 0,
    memberFilter: {},
    membersLayout: "members",
    checks: [],
    analysis: null,
    focus: null,
    backendUrl: "",
    submission: { status: "idle" },
    mode: "offline",
    server: null,
    session: { member: "", status: "signed-out", error: "" },
    clockOffset: 0,
    headRevision: "",
    withheld: 0,
    checkedByServer: [],
    demoMembers: [],
    commit: { status: "idle" },
    inbox: emptyInbox(),
    audit: emptyAudit(),
  };
}

/**
 * The member to act as when none is asked for: the first active member holding
 * the highest rank, else the first member.
 * @param {BundleIndex} index
 */
export function defaultActor(index) {
  let best = "";
  let bestRank = -1;
  for (const m of index.members.values()) {
    if (m.status !== "active") continue;
    const rank = Math.max(-1, ...(index.bindingsByMember.get(m.id) ?? []).map((b) => index.roles.get(b.role)?.rank ?? -1));
    if (rank > bestRank) {
      best = m.id;
      bestRank = rank;
    }
  }
  return best || (index.members.keys().next().value ?? "");
}

/**
 * A file's bytes, as served: the engine reads them as the native build reads a
 * file, so bytes that are not UTF-8 are refused rather than mended.
 * @param {string} url
 */
async function fetchBytes(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

// For showing bytes: what is not UTF-8 shows as U+FFFD (the engine has refused it).
const decoder = new TextDecoder();

/** @param {string | Uint8Array} contents */
const asText = (contents) => (typeof contents === "string" ? contents : decoder.decode(contents));

/** The example's own files, read by the app itself (its index, change sets, requests). @param {string} url */
const fetchText = async (url) => asText(await fetchBytes(url));

/**
 * Creates the app: its store and its actions.
 * @param {{ params: Params, storage?: Storage | null, session?: Storage | null, onUrlChange?: (state: AppState) => void,
 *   client?: ReturnType<typeof createServerClient>, pollMs?: number }} options
 *   storage: kept settings; session: the sign-in of this tab; client: the server of record's API
 */
export function createApp({ params, storage = null, session = null, onUrlChange, client = createServerClient(), pollMs = 3000 }) {
  const store = createStore(initialState());
  const savedBackend = storage?.getItem("rolegate.backendUrl") ?? "";
  store.set({ backendUrl: params.backend ?? savedBackend, tab: params.tab ?? "members" });
  let firstLoad = true;
  let loadToken = 0;

  const get = store.get;

  /** Recomputes what depends on the bundle, the actor and the time. */
  function refreshVisible() {
    const { engine, index, actor, now } = get();
    if (!engine || !index) return;
    store.set({ visible: visibleTo(engine, index, actor, now) });
  }

  /** Simulates the change being built; the preview reads the result. */
  function simulate() {
    const { engine, actor, now, draft } = get();
    if (!engine) {
      store.set({ simulation: null, changeSet: null });
      return;
    }
    const changeSet = buildChangeSet({ revision: engine.revision, actor, now, operations: draft.present });
    const simulation = engine.simulate(changeSet);
    store.set({ changeSet, simulation, submission: { status: "idle" } });
  }

  /**
   * Loads a bundle (its text, or a file's bytes): a ready engine, or the
   * validation errors.
   * @param {string | Uint8Array} contents
   * @param {Source} source
   * @param {{ now?: string | null, chain?: ChainStep[], resume?: { actor: string, now: string, operations: import("./logic/types.js").Operation[] }, message?: string, keepForms?: boolean, keepBuilderKind?: boolean }} [options]
   *   `chain`: the what-if steps that led to this bundle (none: an original policy);
   *   `resume`: who acts, when, and the change to build on (a step of the chain gone back to);
   *   `keepBuilderKind`: the builder stays on the kind of operation it shows (a what-if step)
   */
  async function loadBundleText(contents, source, options = {}) {
    const token = ++loadToken;
    store.set({ phase: "loading", message: options.message ?? `Loading ${source.label}…`, notice: null });
    const module = await loadEngineModule();
    const result = await module.createEngine(contents);
    const text = asText(contents);
    if (token !== loadToken) {
      if (result.ok) result.close();
      return;
    }
    const previous = get().engine;
    if (!result.ok) {
      previous?.close();
      store.set({
        phase: "invalid",
        source,
        bundleText: text,
        bundle: null,
        index: null,
        engine: null,
        errors: readableErrors(result.errors, text),
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
      });
      return;
    }
    const engine = /** @type {Engine} */ (result);
    previous?.close();
    const bundle = /** @type {Bundle} */ (JSON.parse(text));
    const index = indexBundle(bundle);
    const wanted = options.resume ? options.resume.actor : firstLoad ? params.actor : get().actor;
    const actor = wanted && index.members.has(wanted) ? wanted : defaultActor(index);
    let now = get().now;
    if (firstLoad && params.now && isTimestamp(params.now)) now = params.now;
    else if (options.now && isTimestamp(options.now)) now = options.now;
    if (options.resume) now = options.resume.now;
    firstLoad = false;
    const chain = options.chain ?? [];
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
      features: { perform: supportsPerform(engine, index, now) },
      actor,
      now,
      draft: options.resume ? createHistory(options.resume.operations) : emptyDraft(),
      chain,
      // A new revision of the same policy (signed in) keeps what is being typed: the
      // builder's form, the role editor, the members filter.
      ...(options.keepForms
        ? { editing: options.resume?.operations.length ? get().editing : null }
        : {
            editing: null,
            builderKind: options.keepBuilderKind ? get().builderKind : "",
            builderPrefill: null,
            builderEpoch: get().builderEpoch + 1,
            roleDraft: null,
            roleEpoch: get().roleEpoch + 1,
            memberFilter: {},
          }),
      checks: [],
      analysis: engine.analyze(),
      focus: null,
    });
    refreshVisible();
    simulate();
    onUrlChange?.(get());
  }

  /**
   * The change moved under an operation being edited (undo, a removal…): the edit
   * is given up and the form starts afresh.
   * @returns {Partial<AppState>}
   */
  function stopEditing() {
    return get().editing === null ? {} : { editing: null, builderPrefill: null, builderEpoch: get().builderEpoch + 1 };
  }

  /** @param {string} message */
  function fail(message) {
    store.set({ phase: "failed", message });
  }

  /**
   * The time an example's scenario happens at: its first change set's `now`, else
   * its first request's.
   * @param {ExampleInfo} example
   */
  async function exampleNow(example) {
    const files = [...example.changes.map((f) => `changes/${f}`), ...example.requests.map((f) => `requests/${f}`)];
    for (const file of files.slice(0, 2)) {
      try {
        const doc = JSON.parse(await fetchText(`examples/${example.name}/${file}`));
        if (typeof doc.now === "string") return doc.now;
      } catch {
        // No time from this file; try the next.
      }
    }
    return null;
  }

  /** @type {ReturnType<typeof createConnection>} */
  let connection;

  const actions = {
    store,
    get,

    /** Fetches the list of examples (build-web writes it). */
    async loadExamples() {
      try {
        const list = JSON.parse(await fetchText("examples/index.json"));
        store.set({ examples: Array.isArray(list) ? list : [] });
      } catch {
        store.set({ examples: [] });
      }
    },

    /** @param {string} name */
    async loadExample(name) {
      const example = get().examples.find((e) => e.name === name);
      if (!example) {
        fail(`There is no example called “${name}”.`);
        return;
      }
      try {
        store.set({ phase: "loading", message: `Loading ${example.title}…` });
        const [bytes, now] = await Promise.all([fetchBytes(`examples/${name}/bundle.json`), exampleNow(example)]);
        await loadBundleText(bytes, { kind: "example", name, label: example.title }, { now });
      } catch (error) {
        fail(`Could not load the example “${name}”: ${/** @type {Error} */ (error).message}`);
      }
    },

    /** @param {string} url */
    async loadUrl(url) {
      try {
        store.set({ phase: "loading", message: `Loading ${url}…` });
        const bytes = await fetchBytes(url);
        await loadBundleText(bytes, { kind: "url", name: url, label: url });
      } catch (error) {
        fail(`Could not load the bundle at ${url}: ${/** @type {Error} */ (error).message}`);
      }
    },

    /**
     * A file chosen or dropped (its bytes, or text): a change set goes into the
     * builder, anything else is read as a bundle. The engine reads the bytes, so a
     * file that is not UTF-8 is refused here as everywhere else.
     * @param {string | Uint8Array} contents @param {string} name
     */
    async openFile(contents, name) {
      const text = asText(contents);
      let format = null;
      try {
        format = JSON.parse(text)?.format ?? null;
      } catch {
        // Not JSON: the bundle loader reports the parse error.
      }
      const engine = get().engine;
      if (format === "rolegate-changeset/1" && engine) {
        // What the builder reads is text; bytes that are not UTF-8 get the engine's answer.
        const refused = typeof contents === "string" ? null : engine.simulate(contents);
        if (refused && !refused.ok && refused.errors.some((e) => e.code === "parse_error")) {
          store.set({ notice: { text: `${name}: ${refused.errors[0].message}`, tone: "error" } });
          return;
        }
        actions.loadChangeSetText(text, name);
        return;
      }
      await loadBundleText(contents, { kind: "file", name, label: name });
    },

    /** @param {Tab} tab */
    setTab(tab) {
      store.set({ tab });
      onUrlChange?.(get());
    },

    /**
     * A finding's link to a role: the Roles view, with the role's row shown.
     * @param {string} id
     */
    showRole(id) {
      store.set({ tab: "roles", focus: { kind: "role", id } });
      onUrlChange?.(get());
    },

    /**
     * A finding's link to a scope: the Members view, filtered to that scope.
     * @param {string} id
     */
    showScope(id) {
      const { index, visible, actor } = get();
      // The members view shows whom the acting member may see: say so when that is nobody there.
      const below = index ? index.subtree(id) : new Set([id]);
      const seen =
        [...visible.values()].some((v) => v.roles.some((r) => below.has(r.scope))) ||
        (index?.bindingsByMember.get(actor) ?? []).some((b) => below.has(b.scope));
      const notice = seen || !index
        ? null
        : { text: `Acting as ${index.memberName(actor)}, you see nobody on ${index.scopeName(id)}: act as a member there to see who is.`, tone: /** @type {const} */ ("info") };
      store.set({ tab: "members", focus: { kind: "scope", id }, memberFilter: { scope: id }, notice });
      onUrlChange?.(get());
    },

    /**
     * Acts as another member. The change being built is kept (its operations are then
     * the new member's), or, with `draft: "fresh"`, cleared (undo brings it back): the
     * page asks which first (logic/actor-change.js).
     * @param {string} actor
     * @param {{ draft?: import("./logic/actor-change.js").DraftChoice }} [options]
     */
    setActor(actor, { draft = "keep" } = {}) {
      if (actor === get().actor || get().mode === "connected") return; // signed in: always the member
      const fresh = draft === "fresh" && get().draft.present.length > 0;
      store.set({
        actor,
        checks: [],
        roleEpoch: get().roleEpoch + 1,
        builderEpoch: get().builderEpoch + 1,
        ...(fresh ? { draft: replaceOperations(get().draft, []), editing: null, builderPrefill: null } : {}),
      });
      refreshVisible();
      simulate();
      onUrlChange?.(get());
    },

    /** @param {string} now */
    setNow(now) {
      if (!isTimestamp(now) || now === get().now) return;
      store.set({ now, checks: [] });
      refreshVisible();
      simulate();
    },

    /**
     * Appends operations to the change; an operation that makes someone new the
     * actor (register) switches the acting member.
     * @param {Operation[]} ops @param {string} [actor]
     */
    addOperations(ops, actor) {
      store.set({ draft: appendOperations(get().draft, ops), notice: null, ...stopEditing() });
      if (actor && actor !== get().actor && get().mode !== "connected") {
        store.set({ actor });
        refreshVisible();
      }
      simulate();
    },

    /**
     * Opens the operation at `i` in its form, filled in, to edit it in place.
     * @param {number} i
     */
    editOperation(i) {
      const op = get().draft.present[i];
      if (!op) return;
      store.set({ editing: i, builderKind: op.op, builderPrefill: null, builderEpoch: get().builderEpoch + 1, tab: "changes" });
    },

    /**
     * Saves the operation being edited: it replaces the one at its position (one undo step).
     * @param {Operation} op @param {string} [actor] the new member's id, when a register is edited
     */
    saveEdit(op, actor) {
      const i = get().editing;
      if (i === null) return;
      if (JSON.stringify(get().draft.present[i]) === JSON.stringify(op)) {
        actions.cancelEdit(); // saved unchanged: no undo step
        return;
      }
      store.set({ draft: replaceOperation(get().draft, i, op), editing: null, builderPrefill: null, builderEpoch: get().builderEpoch + 1, notice: null });
      if (actor && actor !== get().actor) {
        store.set({ actor });
        refreshVisible();
      }
      simulate();
    },

    /** Leaves the operation being edited as it was. */
    cancelEdit() {
      if (get().editing === null) return;
      store.set({ editing: null, builderPrefill: null, builderEpoch: get().builderEpoch + 1 });
    },

    /**
     * What-if: the bundle after the change previewed becomes the policy, so that
     * later steps (an approval decided, a PIN entered) are previewed on it. The
     * change and its preview are kept as a step of the chain.
     */
    async continueFromResult() {
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
      await loadBundleText(text, source, { chain: [...chain, step], resume: { actor, now, operations: [] }, message: "Continuing from the result of the change…", keepBuilderKind: true });
      const steps = get().chain.length;
      store.set({
        tab: "changes",
        notice: { text: `What-if: the policy is now as it would be after change ${steps} (revision ${full.revisionAfter}). Build the next step on it; the original is one click away.`, tone: "info" },
      });
    },

    /**
     * Goes back along the chain: 0 is the original policy. The change that was
     * continued from there comes back into the builder.
     * @param {number} k
     */
    async backTo(k) {
      const { chain, source } = get();
      if (!source || k < 0 || k >= chain.length) return;
      const step = chain[k];
      await loadBundleText(step.bundleText, source, {
        message: k === 0 ? "Going back to the original policy…" : `Going back to the policy after change ${k}…`,
        chain: chain.slice(0, k),
        resume: { actor: step.changeSet.actor, now: step.changeSet.now, operations: step.changeSet.operations },
      });
      store.set({
        tab: "changes",
        notice: { text: k === 0 ? "Back to the original policy, with change 1 as it was." : `Back to the policy after change ${k}, with change ${k + 1} as it was.`, tone: "info" },
      });
    },

    /** @param {number} i */
    removeOperation(i) {
      store.set({ draft: removeOperation(get().draft, i), ...stopEditing() });
      simulate();
    },

    /** @param {number} i @param {-1 | 1} by */
    moveOperation(i, by) {
      store.set({ draft: moveOperation(get().draft, i, by), ...stopEditing() });
      simulate();
    },

    clearOperations() {
      if (get().draft.present.length === 0) return;
      store.set({ draft: replaceOperations(get().draft, []), ...stopEditing() });
      simulate();
    },

    undo() {
      if (!canUndo(get().draft)) return;
      store.set({ draft: undo(get().draft), ...stopEditing() });
      simulate();
    },

    redo() {
      if (!canRedo(get().draft)) return;
      store.set({ draft: redo(get().draft), ...stopEditing() });
      simulate();
    },

    /**
     * Loads a change set into the builder: its actor acts, its time is used, and
     * its operations replace the change being built (undo brings it back).
     * @param {string} text @param {string} label
     */
    loadChangeSetText(text, label) {
      const { engine, index } = get();
      if (!engine || !index) return;
      const read = readChangeSet(text, engine.revision);
      if (!read.ok) {
        store.set({ notice: { text: `${label}: ${read.error}`, tone: "error" } });
        return;
      }
      const patch = /** @type {Partial<AppState>} */ ({
        ...stopEditing(),
        draft: replaceOperations(get().draft, read.operations),
        tab: "changes",
        notice: {
          text: read.rebasedFrom
            ? `Loaded ${label}. It was written for revision ${read.rebasedFrom}; it is previewed against this bundle's revision ${engine.revision}.`
            : `Loaded ${label}.`,
          tone: read.rebasedFrom ? "warning" : "info",
        },
      });
      if (read.now && isTimestamp(read.now)) patch.now = read.now;
      patch.actor = read.actor;
      store.set(patch);
      refreshVisible();
      simulate();
      onUrlChange?.(get());
    },

    /** @param {string} name an example's change set file */
    async loadExampleChangeSet(name) {
      const source = get().source;
      if (source?.kind !== "example") return;
      try {
        const text = await fetchText(`examples/${source.name}/changes/${name}`);
        actions.loadChangeSetText(text, `changes/${name}`);
      } catch (error) {
        store.set({ notice: { text: `Could not load changes/${name}: ${/** @type {Error} */ (error).message}`, tone: "error" } });
      }
    },

    /** @param {string} name an example's request file @returns {Promise<object | null>} */
    async exampleRequest(name) {
      const source = get().source;
      if (source?.kind !== "example") return null;
      try {
        return JSON.parse(await fetchText(`examples/${source.name}/requests/${name}`));
      } catch (error) {
        store.set({ notice: { text: `Could not load requests/${name}: ${/** @type {Error} */ (error).message}`, tone: "error" } });
        return null;
      }
    },

    /**
     * Opens the builder on a kind, optionally with values filled in.
     * @param {string} kind @param {Record<string, string | string[]> | null} [prefill]
     */
    openBuilder(kind, prefill = null) {
      store.set({ builderKind: kind, builderPrefill: prefill, builderEpoch: get().builderEpoch + 1, tab: "changes", editing: null });
      onUrlChange?.(get());
    },

    /** @param {string} kind */
    setBuilderKind(kind) {
      store.set({ builderKind: kind, builderPrefill: null, builderEpoch: get().builderEpoch + 1 });
    },

    /** @param {Record<string, string | string[] | undefined> | null} draft a role editor draft; null closes it */
    openRoleEditor(draft) {
      store.set({ roleDraft: draft, roleEpoch: get().roleEpoch + 1, tab: "roles" });
    },

    /** @param {Record<string, string | string[] | undefined>} draft the editor's values as typed */
    updateRoleDraft(draft) {
      if (JSON.stringify(draft) === JSON.stringify(get().roleDraft)) return;
      store.set({ roleDraft: draft });
    },

    /** @param {Partial<MemberFilter>} patch */
    setMemberFilter(patch) {
      store.set({ memberFilter: { ...get().memberFilter, ...patch } });
    },

    /** @param {"members" | "scopes"} layout */
    setMembersLayout(layout) {
      store.set({ membersLayout: layout });
    },

    /** @param {{ actor: string, action: string, resource: string, attributes?: Record<string, string | number | boolean> }} request */
    check(request) {
      const { engine, now } = get();
      if (!engine) return;
      const full = { ...request, now };
      const result = engine.check(full);
      store.set({ checks: [{ kind: "check", request: full, result }, ...get().checks.filter((c) => c.kind !== "check")] });
    },

    /** @param {string} action @param {string} scope */
    whoCan(action, scope) {
      const { engine, now } = get();
      if (!engine) return;
      const result = engine.whoCan(action, scope, now);
      store.set({ checks: [...get().checks.filter((c) => c.kind !== "whoCan"), { kind: "whoCan", action, scope, result }] });
    },

    /** @param {string} member @param {string} scope */
    whatCan(member, scope) {
      const { engine, now } = get();
      if (!engine) return;
      const result = engine.whatCan(member, scope, now);
      store.set({ checks: [...get().checks.filter((c) => c.kind !== "whatCan"), { kind: "whatCan", member, scope, result }] });
    },

    /**
     * A separate simulation for the role editor's preview (not the change being built).
     * @param {Operation[]} ops
     */
    simulateOperations(ops) {
      const { engine, actor, now } = get();
      if (!engine) return null;
      const changeSet = buildChangeSet({ revision: engine.revision, actor, now, operations: ops });
      return { changeSet, simulation: /** @type {any} */ (engine.simulate(changeSet)) };
    },

    /** @param {string} url */
    setBackendUrl(url) {
      const trimmed = url.trim();
      store.set({ backendUrl: trimmed });
      if (storage) {
        if (trimmed) storage.setItem("rolegate.backendUrl", trimmed);
        else storage.removeItem("rolegate.backendUrl");
      }
    },

    /** POSTs {changeSet, preview} to the backend and compares its verdict with the preview. */
    async submit() {
      const { backendUrl, changeSet, simulation } = get();
      if (!backendUrl || !changeSet || !simulation?.ok) return;
      const { chain } = get();
      /** @type {Record<string, unknown>} */
      const submitted = { changeSet, preview: simulation };
      if (chain.length) submitted.chain = chainSteps(chain, changeSet, simulation);
      store.set({ submission: { status: "sending", url: backendUrl } });
      try {
        const response = await fetch(backendUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(submitted),
        });
        const text = await response.text();
        let answer;
        try {
          answer = JSON.parse(text);
        } catch {
          throw new Error(`the backend answered ${response.status} with something that is not JSON`);
        }
        if (get().changeSet !== changeSet) return; // the change moved on meanwhile
        store.set({ submission: { status: "done", url: backendUrl, answer, comparison: compareVerdict(answer, simulation), submitted } });
      } catch (error) {
        store.set({ submission: { status: "failed", url: backendUrl, error: /** @type {Error} */ (error).message } });
      }
    },

    /** The in-page verification of the preview (what a server runs natively). */
    verifyHere() {
      const { engine, changeSet, simulation } = get();
      if (!engine || !changeSet || !simulation?.ok) return null;
      return engine.verify(changeSet, simulation);
    },

    /**
     * The in-page verification of a what-if chain by the engine (`verifyChain`, as
     * `rolegate verify-chain` and a server do it): step by step from the original
     * policy, each on the bundle the step before leaves.
     */
    async verifyChainHere() {
      const { chain, changeSet, simulation } = get();
      if (chain.length === 0) return null;
      const module = await loadEngineModule();
      const original = await module.createEngine(chain[0].bundleText);
      if (!original.ok) return original;
      try {
        return original.verifyChain({ format: CHAIN_FORMAT, steps: chainSteps(chain, changeSet, simulation) });
      } finally {
        original.close();
      }
    },

    /** @param {{ text: string, tone: "info" | "warning" | "error" } | null} notice */
    setNotice(notice) {
      store.set({ notice });
    },

    /** @param {string} message */
    fail,

    /** Opens what the page asks for (?bundle, ?example), else the BT Business example. */
    async openDefault() {
      if (params.bundle) {
        await actions.loadUrl(params.bundle);
        return;
      }
      const examples = get().examples;
      const name = params.example ?? (examples.some((e) => e.name === "bt-business") ? "bt-business" : examples[0]?.name);
      if (name) await actions.loadExample(name);
      else fail("There is no example to open: open a bundle file, drop one onto the page, or use ?bundle=URL.");
    },

    /** From the sign-in page to the examples: a simulation, nothing is committed. */
    async exploreOffline() {
      connection.goOffline();
      const { source } = get();
      if (source && source.kind !== "server" && get().index) {
        store.set({ phase: "ready" });
        return;
      }
      await actions.openDefault();
    },
  };

  connection = createConnection({
    store,
    client,
    session,
    pollMs,
    setNow: (now) => {
      if (!isTimestamp(now)) return;
      store.set({ now });
      refreshVisible();
      simulate();
    },
    loadServerBundle: (text, { actor, now, operations, message }) =>
      loadBundleText(text, { kind: "server", name: "server", label: "the server of record" }, { resume: { actor, now, operations }, message, keepForms: true }),
  });
  return { ...actions, ...connection };
}

/** @typedef {ReturnType<typeof createApp>} App */
