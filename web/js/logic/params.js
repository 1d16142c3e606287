// @ts-check
// The page's query parameters: ?example=NAME, ?bundle=URL, ?backend=URL,
// ?actor=ID, ?now=TIMESTAMP, ?tab=NAME, ?offline (the examples, even when the page is
// served by a server of record).

export const TABS = /** @type {const} */ (["members", "roles", "access", "changes", "inbox", "audit", "findings", "settings"]);

/** The tabs only a signed-in member has: what the server of record keeps. */
export const CONNECTED_TABS = /** @type {readonly string[]} */ (["inbox", "audit"]);

/**
 * @typedef {{ example: string | null, bundle: string | null, backend: string | null,
 *   actor: string | null, now: string | null, tab: typeof TABS[number] | null, offline: boolean }} Params
 */

/**
 * @param {string} search location.search
 * @returns {Params}
 */
export function readParams(search) {
  const p = new URLSearchParams(search);
  const get = (/** @type {string} */ name) => {
    const v = p.get(name);
    return v === null || v.trim() === "" ? null : v.trim();
  };
  const tab = get("tab");
  return {
    example: get("example"),
    bundle: get("bundle"),
    backend: get("backend"),
    actor: get("actor"),
    now: get("now"),
    tab: tab && /** @type {readonly string[]} */ (TABS).includes(tab) ? /** @type {Params["tab"]} */ (tab) : null,
    offline: p.has("offline"),
  };
}

/**
 * The query string for a state worth sharing (what to load and who acts).
 * @param {{ example?: string | null, bundle?: string | null, actor?: string | null, tab?: string | null,
 *   backend?: string | null }} state
 */
export function writeParams(state) {
  const p = new URLSearchParams();
  if (state.example) p.set("example", state.example);
  else if (state.bundle) p.set("bundle", state.bundle);
  if (state.actor) p.set("actor", state.actor);
  if (state.tab) p.set("tab", state.tab);
  if (state.backend) p.set("backend", state.backend);
  const text = p.toString();
  return text ? `?${text}` : "";
}
