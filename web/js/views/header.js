// @ts-check
// The top bar: which policy is loaded (examples, a file), who you act as, and the
// time the answers are for.
import { h } from "../lib/dom.js";
import { isTimestamp } from "../logic/words.js";
import { button, select } from "./controls.js";
import { actAs } from "./dialog.js";
import { serverNow } from "../logic/server.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 */

/**
 * @param {AppState} state
 * @param {App} app
 */
export function renderHeader(state, app) {
  if (state.mode === "connected") return renderConnectedHeader(state, app);
  if (state.mode === "inactive") {
    return h("div", { class: "topbar-inner" }, brand("Signed in; your membership is not active"), h("div", { class: "topbar-controls" }, h("span", { class: "mode-badge connected", id: "mode-badge" }, "Server of record")));
  }
  if (state.mode === "signin") {
    return h("div", { class: "topbar-inner" }, brand("Sign in to the server of record"), h("div", { class: "topbar-controls" }, h("span", { class: "mode-badge connected" }, "Server of record")));
  }
  const options = actorOptions(state);
  return h(
    "div",
    { class: "topbar-inner" },
    h(
      "div",
      { class: "brand" },
      h("h1", null, "rolegate ", h("span", { class: "brand-sub" }, "admin")),
      h("p", { class: "policy-name", title: state.index ? `revision ${state.engine?.revision ?? ""}` : undefined }, policyName(state)),
    ),
    h(
      "div",
      { class: "topbar-controls" },
      h(
        "div",
        { class: "control mode" },
        h("span", { class: "mode-badge simulation", id: "mode-badge", title: "Examples and files are explored in the page: nothing is committed anywhere." }, "Simulation: nothing is committed"),
        state.server ? button("Sign in", () => app.showSignIn(), { id: "go-sign-in", kind: "secondary" }) : null,
      ),
      exampleControl(state, app),
      fileControl(app),
      actorControl(state, options, app),
      timeControl(state, app),
    ),
  );
}

/**
 * The members one may act as, each with their highest role (and how many more
 * they hold), by name; a member the change registers, first.
 * @param {AppState} state
 */
function actorOptions(state) {
  const index = state.index;
  const options = index
    ? [...index.members.values()]
        .map((m) => {
          const held = index.bindingsByMember.get(m.id) ?? [];
          const top = [...held].sort((a, b) => (index.roles.get(b.role)?.rank ?? 0) - (index.roles.get(a.role)?.rank ?? 0))[0];
          const role = top ? ` — ${index.roleName(top.role)} on ${index.scopeName(top.scope)}${held.length > 1 ? ` +${held.length - 1}` : ""}` : " — no role";
          const status = m.status === "active" ? "" : ` (${m.status})`;
          return { value: m.id, label: `${m.name ?? m.id}${status}${role}` };
        })
        .sort((a, b) => a.label.localeCompare(b.label))
    : [];
  if (index && state.actor && !index.members.has(state.actor)) {
    options.unshift({ value: state.actor, label: `${state.actor} (new: registering)` });
  }
  return options;
}

/**
 * The policy loaded (and how far down a what-if chain), or why there is none.
 * @param {AppState} state
 */
function policyName(state) {
  const { index, source, chain } = state;
  if (index) return chain.length ? `${index.name} · what-if after ${chain.length === 1 ? "1 change" : `${chain.length} changes`}` : index.name;
  if (state.phase === "invalid") return `${source?.label ?? "Bundle"}: not valid`;
  const loading = state.phase === "starting" || state.phase === "loading";
  return loading ? state.message : "No policy loaded";
}

/**
 * The choice of example (a file or URL loaded shows as the first, empty choice).
 * @param {AppState} state @param {App} app
 */
function exampleControl(state, app) {
  const source = state.source;
  return h(
    "div",
    { class: "control" },
    h("label", { for: "example-select" }, "Example"),
    select({
      id: "example-select",
      options: state.examples.map((e) => ({ value: e.name, label: e.title })),
      value: source?.kind === "example" ? source.name : "",
      placeholder: source && source.kind !== "example" ? `(${source.label})` : "Choose an example…",
      onChange: (name) => name && app.loadExample(name),
    }),
  );
}

/** Opening a bundle file. @param {App} app */
function fileControl(app) {
  return h(
    "div",
    { class: "control file-control" },
    h("input", {
      type: "file",
      id: "file-input",
      class: "visually-hidden",
      accept: ".json,application/json",
      onChange: async (/** @type {Event} */ e) => {
        const input = /** @type {HTMLInputElement} */ (e.target);
        const file = input.files?.[0];
        if (!file) return;
        const bytes = new Uint8Array(await file.arrayBuffer());
        input.value = "";
        await app.openFile(bytes, file.name);
      },
    }),
    h("label", { for: "file-input", class: "btn secondary file-button" }, "Open file…"),
  );
}

/**
 * Who one acts as.
 * @param {AppState} state @param {{ value: string, label: string }[]} options @param {App} app
 */
function actorControl(state, options, app) {
  return h(
    "div",
    { class: "control" },
    h("label", { for: "actor-select" }, "Acting as"),
    select({
      id: "actor-select",
      options,
      value: state.actor,
      // With a change being built, asks first whether to keep it (views/dialog.js).
      onChange: (id) =>
        actAs(app, id, {
          returnFocus: "actor-select",
          onCancel: () => {
            const picker = document.getElementById("actor-select");
            if (picker instanceof HTMLSelectElement) picker.value = app.get().actor;
            else picker?.dispatchEvent(new CustomEvent("combo-reset", { detail: app.get().actor }));
          },
        }),
    }),
  );
}

/**
 * The time the answers are for, marked invalid until it is a timestamp.
 * @param {AppState} state @param {App} app
 */
function timeControl(state, app) {
  return h(
    "div",
    { class: "control" },
    h("label", { for: "now-input" }, "Time (UTC)"),
    h("input", {
      type: "text",
      id: "now-input",
      value: state.now,
      spellcheck: "false",
      autocomplete: "off",
      pattern: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z",
      title: "The time the answers are for, as 2026-12-01T09:00:00Z",
      onChange: (/** @type {Event} */ e) => {
        const input = /** @type {HTMLInputElement} */ (e.target);
        const value = input.value.trim();
        if (isTimestamp(value)) {
          input.removeAttribute("aria-invalid");
          app.setNow(value);
        } else {
          input.setAttribute("aria-invalid", "true");
        }
      },
    }),
  );
}

/** @param {string} subtitle */
function brand(subtitle) {
  return h("div", { class: "brand" }, h("h1", null, "rolegate ", h("span", { class: "brand-sub" }, "admin")), h("p", { class: "policy-name" }, subtitle));
}

/**
 * Signed in: the member acts as themselves only, on the server's policy, at the
 * server's time.
 * @param {AppState} state
 * @param {App} app
 */
function renderConnectedHeader(state, app) {
  const { index, session } = state;
  const member = index?.members.get(session.member);
  const held = index?.bindingsByMember.get(session.member) ?? [];
  const roles = held.map((b) => `${index?.roleName(b.role)} on ${index?.scopeName(b.scope)}`).join(", ");
  const stale = state.headRevision && state.engine && state.headRevision !== state.engine.revision;
  return h(
    "div",
    { class: "topbar-inner" },
    brand(index ? `${index.name} · revision ${state.engine?.revision ?? ""}${stale ? " (a newer one is on the server)" : ""}` : state.message || "Signing in…"),
    h(
      "div",
      { class: "topbar-controls" },
      h("div", { class: "control mode" }, h("span", { class: "mode-badge connected", id: "mode-badge", title: "Changes you submit are committed by the server of record." }, "Connected: changes are committed")),
      h(
        "div",
        { class: "control signed-in", id: "signed-in" },
        h("span", { class: "label" }, "Signed in as"),
        h("strong", { id: "signed-in-name" }, member?.name ?? session.member),
        roles ? h("span", { class: "muted small" }, roles) : null,
      ),
      h("div", { class: "control" }, h("span", { class: "label" }, "Server time (UTC)"), h("span", { id: "server-time" }, serverNow(state.clockOffset).replace("T", " ").replace("Z", ""))),
      button("Sign out", () => app.signOut(), { id: "sign-out", kind: "secondary" }),
    ),
  );
}
