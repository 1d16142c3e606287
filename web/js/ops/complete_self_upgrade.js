// @ts-check
// `complete_self_upgrade`: step 2 of upgrading yourself, with the PIN (which only
// the server checks: it is not part of the operation).
import { SELF_UPGRADE_CHOICES } from "./self-upgrade.js";

/** @type {import("./types.js").OpKind} */
export const complete_self_upgrade = {
  name: "complete_self_upgrade",
  label: "Complete your upgrade with the PIN",
  group: "Yourself",
  fields: ["scope", "role", "pin"],
  choices: SELF_UPGRADE_CHOICES,
  describe: (_op, w) => `${w.you} completes the upgrade to ${w.role()} on ${w.scope()} with the PIN`,
};
