// @ts-check
// `withdraw_request`: the actor takes back a role request of theirs. A policy that
// lets members ask for a role lets them take the request back.
import { ownRoleRequestChoices } from "./requests.js";

/** @type {import("./types.js").OpKind} */
export const withdraw_request = {
  name: "withdraw_request",
  label: "Withdraw your request for a role",
  group: "Yourself",
  fields: ["request"],
  fieldLabels: { request: "Your request" },
  choices: { request: (_values, ctx) => ownRoleRequestChoices(ctx) },
  describe: (op, w) => {
    const request = w.index.roleRequests.get(op.request);
    if (!request) return `${w.you} withdraws request ${op.request ?? ""}`.trimEnd();
    return `${w.you} withdraws the request for ${w.index.roleName(request.role)} on ${w.index.scopeName(request.scope)}`;
  },
};
