// Types of the rolegate JavaScript API (rolegate.mjs). Formats: docs/format.md and
// docs/changes.md; JSON Schemas: schemas/.

/**
 * A document's bytes, exactly as read from a file: passed as they are, so that
 * invalid UTF-8 is refused (`parse_error`) just as the native build refuses it.
 * Every parameter that takes a document takes its text, its bytes or an object.
 */
export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView;

export interface RolegateError {
  code: string;
  pointer: string;
  message: string;
}

export interface Failure {
  ok: false;
  errors: RolegateError[];
}

export type Effect = "allow" | "deny" | "conditional";

export interface Request {
  actor: string;
  action: string;
  resource: string;
  now: string;
  attributes?: Record<string, string | number | boolean>;
}

export interface Reason {
  code: string;
  message: string;
  [fact: string]: unknown;
}

export interface Decision {
  ok: true;
  actor: string;
  action: string;
  resource: string;
  effect: Effect;
  reasons: Reason[];
  requirements: {
    approvals: { rule: string; approvers: string[]; quorum: number; expiresAfterDays?: number }[];
    verifications: { rule: string; method: string; validForDays: number }[];
  };
}

export interface Summary {
  ok: true;
  revision: string;
  name: string;
  counts: Record<string, number>;
}

export interface Validation {
  ok: true;
  revision: string;
  summary: Summary;
  warnings: RolegateError[];
}

/** A simulation result (docs/changes.md section 3). */
export interface Simulation {
  ok: true;
  baseRevision: string;
  revisionAfter: string;
  operations: {
    index: number;
    op: string;
    effect: Effect;
    checks: object[];
    reasons: Reason[];
    requirements: { approvals: object[]; verifications: object[] };
    /** On complete_self_upgrade and accept_invitation: the secret only the server of record checks. */
    checkedByServer?: ("pin" | "invitation_token")[];
    /** On an allowed request_role: the role request recorded and who may decide it (docs/changes.md, section 2b). */
    request?: { id: string; deciders: string[]; expiresAt?: string };
  }[];
  accessDiff: {
    members: {
      member: string;
      gained: { scope: string; permission: string }[];
      lost: { scope: string; permission: string }[];
      roles: { gained: { role: string; scope: string }[]; lost: { role: string; scope: string }[] };
      totals: { gained: number; lost: number; scopes: number };
    }[];
    totals: { gained: number; lost: number; members: number };
  };
  violations: { invariant: string; kind: string; severity: "error" | "warning"; message: string; [fact: string]: unknown }[];
  events: { event: string; to: string; channels: string[]; op: number; [fact: string]: unknown }[];
  summary: { allowed: number; denied: number; conditional: number; blocked: boolean };
  bundleAfter?: object;
}

export interface Verification {
  ok: true;
  match: boolean;
  /** The preview matches and nothing blocks the change: it may be committed as it stands. */
  committable: boolean;
  revision: string;
  differences: Difference[];
}

/**
 * A what-if chain verified step by step: `match` when every step matches,
 * `committable` when they do and the last step may be committed, `revision` the
 * last step's base, `differences` pointing into the chain (`/steps/<k>/preview/...`).
 */
export interface ChainVerification {
  ok: true;
  match: boolean;
  committable: boolean;
  revision: string;
  differences: Difference[];
  steps: Verification[];
}

/** A what-if chain document, as the admin app downloads it and `rolegate verify-chain` reads it. */
export interface Chain {
  format: "rolegate-changechain/1";
  baseRevision?: string;
  steps: { changeSet: object; preview: object }[];
}

/** A static finding about a bundle (docs/format.md, "Analysis"). */
export interface Finding {
  code:
    | "escalation_path"
    | "approval_veto"
    | "approval_unsatisfiable"
    | "self_approval_path"
    | "lockout_risk"
    | "unreachable_role";
  severity: "error" | "warning" | "info";
  /** A JSON Pointer into the bundle at what the finding names: "/roles/3". */
  pointer: string;
  message: string;
  facts: Record<string, unknown>;
}

export interface Analysis {
  ok: true;
  findings: Finding[];
  summary: { error: number; warning: number; info: number };
}

export declare class Engine {
  readonly ok: true;
  readonly revision: string;
  readonly summary: Summary;
  readonly warnings: RolegateError[];
  check(request: Request | string | Bytes): Decision | Failure;
  checkBatch(requests: Request[] | string | Bytes): (Decision | Failure)[] | Failure;
  effect(actor: string, action: string, resource: string, now: string): Effect | null;
  /** effect() for many requests at one time, in one crossing; one result per request, in order. */
  effects(
    requests: ReadonlyArray<readonly [string, string, string] | { actor: string; action: string; resource: string }>,
    now: string,
  ): (Effect | null)[];
  whatCan(member: string | object | Bytes, scope?: string, now?: string): object;
  whoCan(action: string | object | Bytes, scope?: string, now?: string): object;
  visibleMembers(actor: string | object | Bytes, scope?: string, now?: string): object;
  approvalStatus(request: string | object | Bytes, now?: string): object;
  /** What `actor` may do to `member` at `now` (docs/format.md, "Queries"). */
  memberAbilities(actor: string | object | Bytes, member?: string, now?: string): MemberAbilities | Failure;
  /** The attributes a check of `action` reads (docs/format.md, "Queries"), as `rolegate attributes`. */
  checkAttributes(action: string | object | Bytes): CheckAttributes | Failure;
  /** The roles `actor` could ask for at `now` (docs/format.md, "Queries"), as `rolegate requestable`. */
  requestableRoles(actor: string | object | Bytes, now?: string): RequestableRoles | Failure;
  simulate(changeSet: object | string | Bytes, options?: { bundleAfter?: boolean }): Simulation | Failure;
  /** The actor's self-upgrades waiting for their PIN once the change set is applied, as `rolegate verifications`. */
  openVerifications(changeSet: object | string | Bytes): OpenVerifications | Failure;
  verify(changeSet: object | string | Bytes, preview: object | string | Bytes): Verification | Failure;
  /** Verifies a what-if chain step by step from this policy, as `rolegate verify-chain` does. */
  verifyChain(chain: Chain | string | Bytes): ChainVerification | Failure;
  /** Static findings about the policy: escalation paths, approval gaps, lockout risks... */
  analyze(): Analysis | Failure;
  close(): void;
}

export declare function createEngine(bundle: object | string | Bytes): Promise<Engine | Failure>;
/** The bytes of the module's linear memory, which every engine lives in: it grows, never shrinks. */
export declare function memoryBytes(): Promise<number>;
/** An operation kind change sets may use (docs/changes.md, section 2). */
export interface OperationKind {
  name: string;
  /** Acts on another member: only a member who manages them may do it. */
  actsOnMember: boolean;
  /** The role it names is the one it leads to. */
  givesRole: boolean;
  /** The secret only the server of record checks. */
  checkedByServer?: "pin" | "invitation_token";
  /** The kind whose entry in the bundle's `operations` authorises it. */
  authorisedBy?: string;
  /**
   * How it reaches an existing member it acts on: every scope where they hold a role, the
   * scopes it names, or a scope where they hold a role it changes or takes.
   */
  onMember?: "every_scope" | "named_scope" | "held_scope";
  /** The statuses the member it acts on must have; absent: any. */
  memberStatuses?: MemberStatus[];
  /**
   * The secret the server of record sends when the operation leaves one to be proven: a PIN
   * by post for a verification it leaves open, an invitation token by e-mail for an
   * invitation it sends.
   */
  serverSends?: "pin" | "invitation_token";
  /**
   * The scopes it concerns beyond those it names (the audit log's subjects): the scopes of
   * the member it acts on, the actor's, every root scope, where the approval rule it sets or
   * deletes holds, or those of the approval request it decides or applies.
   */
  concerns?: "member_scopes" | "actor_scopes" | "every_root" | "rule_scopes" | "request";
  /**
   * Every policy supports it, mapped in its `operations` or not: its own conditions
   * authorise it (an invitation, being a decider, the approvals given, the action it names).
   */
  everyPolicy?: boolean;
  /** The kind whose entry in a policy's `operations` supports it, when not its own. */
  entryOf?: string;
}

export type MemberStatus = "active" | "invited" | "pending" | "blocked" | "disabled" | "removed";

/** A self-upgrade waiting for its PIN, as the bundle records it (`verifications`). */
export interface VerificationRecord {
  id: string;
  member: string;
  role: string;
  scope: string;
  rule: string;
  method: string;
  issuedAt: string;
  expiresAt: string;
}

/** The actor's self-upgrades waiting for their PIN once a change set is applied. */
export interface OpenVerifications {
  ok: true;
  actor: string;
  /** The actor's records in the state the change set leaves. */
  verifications: VerificationRecord[];
  /** The ids of those the change set itself made: they change with the operations before them. */
  made: string[];
}

/** What an actor may do to a member (`memberAbilities`). */
export interface MemberAbilities {
  ok: true;
  actor: string;
  member: string;
  status: MemberStatus;
  /** In the order of `operationKinds()`; a kind the actor may not do is left out. */
  abilities: { op: string; effect: "allow" | "conditional" }[];
}

/** The attributes a check of an action reads (`checkAttributes`). */
export interface CheckAttributes {
  ok: true;
  action: string;
  /** The role handed out, changed or wanted: a rankLimited permission, a self-upgrade, a claim. */
  role: boolean;
  /** The member acted on: a rankLimited permission. */
  target: boolean;
  /** The attributes the approval rules on the action compare, in the order they list them. */
  others: string[];
}

/** The roles a member could ask for (`requestableRoles`). */
export interface RequestableRoles {
  ok: true;
  actor: string;
  /** The scopes where they hold a role, in the order of the scope tree, each with the roles (bundle order). */
  scopes: { scope: string; roles: string[] }[];
}

/** A place where two JSON documents differ; a side that lacks the value has no key. */
export interface Difference {
  pointer: string;
  expected?: unknown;
  actual?: unknown;
}

/** Every place where two JSON documents differ, as `verify` lists a preview's differences. */
export declare function diff(
  expected: object | string | Bytes,
  actual: object | string | Bytes,
): Promise<{ ok: true; differences: Difference[] } | Failure>;

/** The operation kinds, in the order docs/changes.md lists them. */
export declare function operationKinds(): Promise<{ ok: true; kinds: OperationKind[] }>;

export declare function validate(bundle: object | string | Bytes): Promise<Validation | Failure>;
export declare function runScenario(
  scenario: object | string | Bytes,
  bundles?: Record<string, object | string | Bytes>,
): Promise<
  | { name: string; passed: boolean; errors: RolegateError[]; cases: { id: string; passed: boolean; failures: string[] }[] }
  | Failure
>;
