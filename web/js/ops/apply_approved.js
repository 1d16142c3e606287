// @ts-check
// `apply_approved`: applies an approved request: what its operation does, as its requester's.

/** @type {import("./types.js").OpKind} */
export const apply_approved = {
  name: "apply_approved",
  label: "Apply an approved request",
  group: "Approvals",
  fields: ["request"],
  describe: (op, w) => {
    const { index } = w;
    const request = index.approvalRequests.get(op.request);
    if (!request) return `Apply approved request ${op.request}`;
    const stored = request.operation ? w.describe(request.operation, request.requester) : `“${index.permissionName(request.action)}” on ${index.scopeName(request.resource)}`;
    return `Apply approved request ${op.request}: ${stored}`;
  },
};
