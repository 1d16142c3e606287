// @ts-check
// `unblock`: unblocks a blocked member.
import { memberStatusKind } from "./member-status.js";

export const unblock = memberStatusKind("unblock", "Unblock a member", 9);
