// @ts-check
// The sign-in page of connected mode: a bearer token pasted, an invitation's token,
// and, for the local demo only (a server started with --demo), every member of the
// example with one click, under a banner that says loudly what that means.
import { formValues, h } from "../lib/dom.js";
import { button, field, input } from "./controls.js";

/**
 * @typedef {import("../app.js").AppState} AppState
 * @typedef {import("../app.js").App} App
 */

/** @param {any} m a member of GET /v1/demo/members */
function memberRoles(m) {
  const roles = Array.isArray(m.roles) ? m.roles : [];
  if (roles.length === 0) return "no role";
  return roles.map((/** @type {any} */ r) => `${r.roleName ?? r.role} on ${r.scopeName ?? r.scope}`).join(", ");
}

/**
 * A form of one labelled field (named `value`) and its submit button.
 * @param {{ id: string, control: HTMLElement, label: string, hint: string, submit: HTMLElement, onValue: (value: string) => void }} props
 */
function oneFieldForm({ id, control, label, hint, submit, onValue }) {
  return h(
    "form",
    {
      class: "stack",
      id,
      onSubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        onValue(String(formValues(/** @type {HTMLFormElement} */ (e.target)).value ?? ""));
      },
    },
    field({ label, control, hint }),
    submit,
  );
}

/** @param {AppState} state @param {App} app */
export function renderSignIn(state, app) {
  const { session, server, demoMembers } = state;
  const busy = session.status === "signing-in";
  const demo = server?.demo
    ? h(
        "section",
        { class: "card demo-signin", "aria-labelledby": "demo-title" },
        h(
          "div",
          { class: "demo-banner", role: "note", id: "demo-banner" },
          h("strong", null, "Demo mode. "),
          "This server was started with --demo: anyone who can reach it may sign in as any member, and the outbox shows the PINs that letters carry. It listens on this machine only. Never use it for real data; without --demo (the default) none of this exists.",
        ),
        h("h2", { id: "demo-title" }, "Sign in as a member of the example"),
        h(
          "ul",
          { class: "demo-members", id: "demo-members" },
          demoMembers.map((m) =>
            h(
              "li",
              null,
              h(
                "button",
                {
                  type: "button",
                  class: "btn secondary demo-member",
                  "data-member": m.member,
                  disabled: busy,
                  onClick: () => app.signInDemo(m.member),
                },
                h("strong", null, m.name ?? m.member),
                m.status && m.status !== "active" ? h("span", { class: "muted" }, ` (${m.status})`) : null,
                h("span", { class: "muted small demo-roles" }, memberRoles(m)),
              ),
            ),
          ),
        ),
      )
    : null;

  const tokenForm = oneFieldForm({
    id: "token-form",
    control: input({ name: "value", id: "token-input", type: "password", autocomplete: "off", placeholder: "rg_…" }),
    label: "Bearer token",
    hint: "An administrator mints one with `rolegate token --db FILE MEMBER`. It is kept in this tab only, until you sign out or close it.",
    submit: button("Sign in", () => {}, { type: "submit", kind: "primary", id: "token-sign-in", disabled: busy }),
    onValue: (value) => app.signInWithToken(value),
  });
  const invitationForm = oneFieldForm({
    id: "invitation-form",
    control: input({ name: "value", id: "invitation-input", autocomplete: "off", placeholder: "inv-…" }),
    label: "Invitation token",
    hint: "The token of your invitation e-mail (its link opens this page with it filled in). Accepting it signs you in.",
    submit: button("Accept the invitation", () => {}, { type: "submit", kind: "secondary", id: "accept-invitation", disabled: busy }),
    onValue: (value) => app.acceptInvitation(value),
  });

  return h(
    "div",
    { class: "signin", id: "signin" },
    h("h2", { class: "signin-title" }, "Sign in"),
    h("p", { class: "lead" }, "Signed in, you act as yourself on the server's current policy: what you submit is checked again and committed by the server, and your inbox shows the approvals and PINs waiting for you."),
    session.error ? h("p", { class: "field-error", role: "alert", id: "signin-error" }, session.error) : null,
    busy ? h("p", { role: "status" }, "Signing in…") : null,
    demo,
    h("div", { class: "two-columns" }, h("section", { class: "card" }, h("h2", null, "With a token"), tokenForm), h("section", { class: "card" }, h("h2", null, "With an invitation"), invitationForm)),
    h(
      "section",
      { class: "card" },
      h("h2", null, "Or explore without signing in"),
      h("p", null, "The examples and your own bundle files, acting as anyone, at any time: a simulation in this page. Nothing is committed."),
      button("Explore the examples (simulation)", () => app.exploreOffline(), { id: "explore-offline" }),
    ),
  );
}
