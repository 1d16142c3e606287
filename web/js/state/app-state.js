// @ts-check
// The app's state: one object in a store (logic/store.js), changed by the actions
// (actions/) and read by the views. Its shape, and the state a new app starts in.
import { emptyAudit, emptyInbox } from "../connected/common.js";
import { emptyDraft } from "../logic/changeset.js";
import { toTimestamp } from "../logic/words.js";

/**
 * @typedef {import("../logic/bundle-index.js").BundleIndex} BundleIndex
 * @typedef {import("../logic/types.js").Bundle} Bundle
 * @typedef {import("../logic/types.js").Operation} Operation
 * @typedef {import("../logic/types.js").ChangeSet} ChangeSet
 * @typedef {import("../logic/types.js").Simulation} Simulation
 * @typedef {import("../logic/types.js").EngineError} EngineError
 * @typedef {import("../logic/errors.js").ReadableError} ReadableError
 * @typedef {import("../logic/members.js").VisibleMember} VisibleMember
 * @typedef {import("../logic/members.js").MemberFilter} MemberFilter
 * @typedef {import("../logic/changeset.js").Draft} Draft
 * @typedef {import("../logic/compare.js").Comparison} Comparison
 * @typedef {import("../logic/params.js").Params} Params
 * @typedef {import("../logic/chain.js").ChainStep} ChainStep
 * @typedef {import("../../../wasm/rolegate.js").Engine} Engine
 * @typedef {{ name: string, title: string, changes: string[], requests: string[] }} ExampleInfo
 * @typedef {{ kind: "example" | "file" | "url" | "server", name: string, label: string }} Source
 * @typedef {"members" | "roles" | "access" | "changes" | "inbox" | "audit" | "findings" | "settings"} Tab
 * @typedef {ReturnType<typeof import("../logic/server.js").commitOutcome>} CommitOutcome
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

