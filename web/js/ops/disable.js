// @ts-check
// `disable`: disables a member.
import { memberStatusKind } from "./member-status.js";

export const disable = memberStatusKind("disable", "Disable a member", 10);
