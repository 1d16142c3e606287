// @ts-check
// `enable`: enables a disabled member.
import { memberStatusKind } from "./member-status.js";

export const enable = memberStatusKind("enable", "Enable a member", 11);
