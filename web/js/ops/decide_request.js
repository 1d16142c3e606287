// @ts-check
// `decide_request`: approves or rejects a request: an approval request, or a role
// request (decided by those who could give the role).
import { approvalRequestChoices, decidableRoleRequestChoices } from "./requests.js";

/** @type {import("./types.js").OpKind} */
export const decide_request = {
  name: "decide_request",
  label: "Approve or reject a request",
  group: "Approvals",
  fields: ["request", "decision"],
  fieldLabels: { request: "Request" },
  choices: { request: (_values, ctx) => [...approvalRequestChoices(ctx), ...decidableRoleRequestChoices(ctx)] },
  describe: (op, w) => {
    const { index } = w;
    const verb = op.decision === "reject" ? "Reject" : "Approve";
    const asked = index.roleRequests.get(op.request);
    if (asked) return `${verb} ${index.memberName(asked.requester)}'s request for ${index.roleName(asked.role)} on ${index.scopeName(asked.scope)}`;
    const request = index.approvalRequests.get(op.request);
    const about = request ? ` (${index.memberName(request.requester)}: “${index.permissionName(request.action)}” on ${index.scopeName(request.resource)})` : "";
    return `${verb} request ${op.request}${about}`;
  },
};
