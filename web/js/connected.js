// @ts-check
// Connected mode: the app signed in to the server of record (docs/server.md). The
// policy is the server's head bundle as the signed-in member may see it; previews run
// in the page at the server's time; Submit commits through POST /v1/changes; the
// inbox and the audit log come from the server. Nothing the page says is trusted by
// the server: it recomputes everything with its own clock and its own record.
// The actions are in connected/: the session, the change committed, the inbox.
import { bindAll } from "./actions/bind.js";
import * as commitActions from "./connected/commit-actions.js";
import * as inboxActions from "./connected/inbox-actions.js";
import * as sessionActions from "./connected/session-actions.js";

export { emptyAudit, emptyInbox } from "./connected/common.js";

/**
 * @typedef {import("./connected/common.js").Connection} Connection
 */

/**
 * @param {Omit<Connection, "get" | "pollMs" | "timer" | "epoch"> & { pollMs?: number }} options
 */
export function createConnection({ store, client, session, loadServerBundle, setNow, pollMs = 3000 }) {
  /** @type {Connection} */
  const c = { store, get: store.get, client, session, loadServerBundle, setNow, pollMs, timer: null, epoch: 0 };
  return { ...bindAll(c, sessionActions), ...bindAll(c, commitActions), ...bindAll(c, inboxActions) };
}
