// @ts-check
// `request_self_upgrade`: step 1 of upgrading yourself: asks, and a PIN is sent.
import { SELF_UPGRADE_CHOICES } from "./self-upgrade.js";

/** @type {import("./types.js").OpKind} */
export const request_self_upgrade = {
  name: "request_self_upgrade",
  label: "Upgrade yourself (with a PIN)",
  group: "Yourself",
  help: "Step 1 asks for the upgrade and sends a PIN; step 2 completes it with the PIN.",
  fields: ["scope", "role"],
  submitLabel: "Step 1: ask for the upgrade",
  choices: SELF_UPGRADE_CHOICES,
  describe: (_op, w) => `${w.you} asks to upgrade to ${w.role()} on ${w.scope()}`,
};
