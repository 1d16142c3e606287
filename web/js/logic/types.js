// @ts-check
// Shapes of the documents the app reads (docs/format.md, docs/changes.md), as
// JSDoc types. The engine's own result types are in wasm/rolegate.d.ts.

/**
 * @typedef {{ id: string, label?: string, parents?: string[] }} ScopeType
 * @typedef {{ id: string, type: string, parent?: string, name?: string,
 *   attributes?: Record<string, string | number | boolean> }} Scope
 * @typedef {{ id: string, label?: string, description?: string, appliesTo: string[],
 *   rankLimited?: boolean }} Permission
 * @typedef {{ minRank?: number, families?: string[], fields?: string[] }} Sees
 * @typedef {{ upToRank: number, families?: string[] }} ManagesLimit
 * @typedef {ManagesLimit | ManagesLimit[]} Manages
 * @typedef {{ id: string, label?: string, description?: string, family: string, rank: number,
 *   permissions?: string[], inherits?: string[], assignableAt: string[], exclusive?: boolean,
 *   hasService?: boolean, custom?: boolean, appliesToDescendants?: boolean, sees?: Sees,
 *   manages?: Manages }} Role
 * @typedef {{ id: string, action: string, from?: string[], to: string[],
 *   unlessPresent?: { minRank: number }, verification?: { method: string, validForDays: number },
 *   onRegistration?: boolean }} SelfUpgrade
 * @typedef {{ id: string, action: string, holder: string[], grants: string, within: string }} Claim
 * @typedef {{ attribute: string, op: string, value: unknown }} Condition
 * @typedef {{ id: string, actions: string[], scopeTypes?: string[], requesterRoles?: string[],
 *   when?: Condition[], approvers: { permission?: string, roles?: string[] }, quorum?: number,
 *   expiresAfterDays?: number }} ApprovalRule
 * @typedef {{ id: string, kind: string, severity: "error" | "warning", [key: string]: unknown }} Invariant
 * @typedef {{ id: string, email?: string, name?: string, kind?: string, status: string,
 *   registered?: boolean, brandingDomain?: string, language?: string, addedTo?: string,
 *   invitation?: { sentAt: string, expiresAt: string } }} Member
 * @typedef {{ id?: string, member: string, role: string, scope: string, grantedBy?: string,
 *   grantedAt?: string, expiresAt?: string }} Binding
 * @typedef {{ action: string, invitationValidForDays?: number, requires?: Condition[],
 *   setups?: string[] }} OperationEntry
 * @typedef {{ event: string, channels: string[], revealActor?: boolean,
 *   revealActorEmail?: boolean, temporaryPassword?: boolean }} Notification
 * @typedef {{ id: string, requester: string, rule: string, action: string, resource: string,
 *   attributes?: Record<string, unknown>, operation?: Operation, createdAt: string,
 *   expiresAt?: string, decisions?: { member: string, decision: string, at: string }[] }} ApprovalRequest
 * @typedef {{ id: string, requester: string, role: string, scope: string, reason?: string,
 *   until?: string, createdAt: string, expiresAt?: string }} RoleRequest
 *   (an access request: a member asking for a role on a scope, docs/changes.md section 2b)
 * @typedef {{ id: string, member: string, role: string, scope: string, rule: string,
 *   method: string, issuedAt: string, expiresAt: string }} Verification
 * @typedef {{ format: string, revision?: string, name?: string, description?: string,
 *   scopeTypes?: ScopeType[], scopes?: Scope[], permissions?: Permission[], roles?: Role[],
 *   selfUpgrades?: SelfUpgrade[], claims?: Claim[], approvalRules?: ApprovalRule[],
 *   invariants?: Invariant[], members?: Member[], bindings?: Binding[],
 *   operations?: Record<string, OperationEntry>, notifications?: Notification[],
 *   verifications?: Verification[], approvalRequests?: ApprovalRequest[], roleRequests?: RoleRequest[] }} Bundle
 *
 * An operation of a change set: `op` and the fields of its kind.
 * @typedef {{ op: string, [field: string]: any }} Operation
 * @typedef {{ format: "rolegate-changeset/1", baseRevision: string, actor: string, now: string,
 *   operations: Operation[] }} ChangeSet
 *
 * @typedef {{ code: string, pointer: string, message: string }} EngineError
 * @typedef {{ code: string, message: string, [fact: string]: any }} Reason
 * @typedef {{ rule: string, approvers: string[], quorum: number, expiresAfterDays?: number,
 *   action?: string, resource?: string }} ApprovalRequirement
 * @typedef {{ rule: string, method: string, validForDays: number }} VerificationRequirement
 * @typedef {{ approvals: ApprovalRequirement[], verifications: VerificationRequirement[] }} Requirements
 * @typedef {{ ok: true, actor: string, action: string, resource: string,
 *   effect: "allow" | "deny" | "conditional", reasons: Reason[], requirements: Requirements,
 *   attributes?: Record<string, unknown> }} Decision
 * @typedef {{ scope: string, permission: string,
 *   approvals?: { rule: string, quorum: number, approvers: string[] }[] }} Access
 * @typedef {{ scope: string, family: string, from: number | null, to: number | null }} ManagesChange
 * @typedef {ManagesChange & { field: "name" | "email" }} SeesChange
 * @typedef {{ rule: string, role: string, scope: string }} SelfUpgradeOffer
 * @typedef {{ rule: string, role: string, within: string }} ClaimOffer
 * @typedef {{ manages: ManagesChange[], sees: SeesChange[],
 *   selfUpgrades: { gained: SelfUpgradeOffer[], lost: SelfUpgradeOffer[] },
 *   claims: { gained: ClaimOffer[], lost: ClaimOffer[] } }} PowerChange
 * @typedef {{ member: string, gained: Access[], lost: Access[],
 *   roles: { gained: { role: string, scope: string }[], lost: { role: string, scope: string }[] },
 *   power?: PowerChange,
 *   totals: { gained: number, lost: number, scopes: number } }} MemberDiff
 * @typedef {{ index: number, op: string, effect: "allow" | "deny" | "conditional",
 *   checks: Decision[], reasons: Reason[], requirements: Requirements,
 *   request?: { id: string, deciders: string[], expiresAt?: string } }} OperationResult
 *   (`request`: the role request a `request_role` recorded, with who may decide it)
 * @typedef {{ invariant: string, kind: string, severity: "error" | "warning", message: string,
 *   [fact: string]: any }} Violation
 * @typedef {{ event: string, to: string, channels: string[], op: number, [fact: string]: any }} NotificationEvent
 * @typedef {{ ok: true, baseRevision: string, revisionAfter: string,
 *   operations: OperationResult[],
 *   accessDiff: { members: MemberDiff[], totals: { gained: number, lost: number, members: number } },
 *   violations: Violation[], events: NotificationEvent[],
 *   summary: { allowed: number, denied: number, conditional: number, blocked: boolean },
 *   bundleAfter?: Bundle }} Simulation
 */

export {};
