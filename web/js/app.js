// @ts-check
// The app: its state (state/) and the actions that change it (actions/): loading
// bundles and change sets, the acting member, the change being built, checks and
// submission, and connected mode's (connected.js). Views read the state and call
// these actions; nothing here touches the DOM.
import { bindAll } from "./actions/bind.js";
import * as checkActions from "./actions/checks.js";
import { refreshVisible, simulate } from "./actions/context.js";
import * as draftActions from "./actions/draft.js";
import * as loadActions from "./actions/load.js";
import { loadBundleText } from "./actions/loader.js";
import * as submitActions from "./actions/submit.js";
import * as viewActions from "./actions/view.js";
import * as whatIfActions from "./actions/whatif.js";
import { createConnection } from "./connected.js";
import { createServerClient } from "./logic/server.js";
import { createStore } from "./logic/store.js";
import { isTimestamp } from "./logic/words.js";
import { initialState } from "./state/app-state.js";

export { initialState } from "./state/app-state.js";
export { defaultActor } from "./state/selectors.js";

/**
 * @typedef {import("./state/app-state.js").AppState} AppState
 * @typedef {import("./state/app-state.js").Tab} Tab
 * @typedef {import("./actions/context.js").AppContext} AppContext
 */

/**
 * Creates the app: its store and its actions.
 * @param {{ params: import("./logic/params.js").Params, storage?: Storage | null, session?: Storage | null, onUrlChange?: (state: AppState) => void,
 *   client?: ReturnType<typeof createServerClient>, pollMs?: number }} options
 *   storage: kept settings; session: the sign-in of this tab; client: the server of record's API
 */
export function createApp({ params, storage = null, session = null, onUrlChange, client = createServerClient(), pollMs = 3000 }) {
  const store = createStore(initialState());
  const savedBackend = storage?.getItem("rolegate.backendUrl") ?? "";
  store.set({ backendUrl: params.backend ?? savedBackend, tab: params.tab ?? "members" });
  /** @type {AppContext} */
  const c = { store, get: store.get, params, storage, onUrlChange, loads: { first: true, token: 0 }, connection: null };
  const connection = createConnection({
    store,
    client,
    session,
    pollMs,
    setNow: (now) => {
      if (!isTimestamp(now)) return;
      store.set({ now });
      refreshVisible(c);
      simulate(c);
    },
    loadServerBundle: (text, { actor, now, operations, message }) =>
      loadBundleText(c, text, { kind: "server", name: "server", label: "the server of record" }, { resume: { actor, now, operations }, message, keepForms: true }),
  });
  c.connection = connection;
  const actions = {
    store,
    get: store.get,
    ...bindAll(c, loadActions),
    ...bindAll(c, viewActions),
    ...bindAll(c, draftActions),
    ...bindAll(c, whatIfActions),
    ...bindAll(c, checkActions),
    ...bindAll(c, submitActions),
  };
  return { ...actions, ...connection };
}

/** @typedef {ReturnType<typeof createApp>} App */
