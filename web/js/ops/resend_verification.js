// @ts-check
// `resend_verification`: a new PIN for a self-upgrade asked for.
import { SELF_UPGRADE_CHOICES } from "./self-upgrade.js";

/** @type {import("./types.js").OpKind} */
export const resend_verification = {
  name: "resend_verification",
  label: "Send a new PIN",
  group: "Yourself",
  fields: ["scope", "role"],
  choices: SELF_UPGRADE_CHOICES,
  describe: (_op, w) => `${w.you} asks for a new PIN for ${w.role()} on ${w.scope()}`,
};
