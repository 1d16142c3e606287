// @ts-check
// `block`: blocks a member.
import { memberStatusKind } from "./member-status.js";

export const block = memberStatusKind("block", "Block a member", 8);
