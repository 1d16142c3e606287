// @ts-check
// `perform`: a domain action (placing an order…), checked with its attributes.
// Every policy supports it (the engine's `everyPolicy`).
import { actorReach, allScopes, scopeOptions } from "./choices.js";

/** @type {import("./types.js").OpKind} */
export const perform = {
  name: "perform",
  label: "Do a transaction (place an order…)",
  group: "Transactions",
  help: "A domain action, such as placing an order, checked with its attributes.",
  fields: ["scope", "action", "attributes?"],
  attributesOfAction: true,
  choices: {
    scope: (_values, ctx) => {
      const reach = actorReach(ctx);
      return scopeOptions(ctx.index, reach.length ? reach : allScopes(ctx));
    },
  },
  describe: (op, w) => `${w.you}: “${w.index.permissionName(op.action)}” on ${w.scope()}${w.attributes}`,
};
