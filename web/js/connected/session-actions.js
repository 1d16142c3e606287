// @ts-check
// Connected mode's actions on the session: finding the server, signing in (a token,
// a demo member, an invitation), signing out, and leaving for the examples.
import { answerError } from "../logic/server.js";
import { measureClock, notify, signInWith, signOutLocally, stopPolling, TOKEN_KEY } from "./common.js";

/** @typedef {import("./common.js").Connection} Connection */

/**
 * Whether the page's origin is a server of record: its health answers a revision.
 * @param {Connection} c
 * @returns {Promise<{ available: boolean, demo: boolean }>}
 */
export async function probe(c) {
  const health = await measureClock(c);
  const available = health.status === 200 && health.body?.ok === true && typeof health.body.revision === "string";
  const demo = available && health.body.demo === true;
  c.store.set({ server: available ? { demo } : null });
  return { available, demo };
}

/**
 * At start, with a server: an invitation link (#invitation=TOKEN) is accepted; a
 * session kept in this tab resumes; otherwise the sign-in page.
 * @param {Connection} c @param {string} invitation
 */
export async function start(c, invitation) {
  if (invitation) {
    await acceptInvitation(c, invitation);
    return;
  }
  let token = "";
  try {
    token = c.session?.getItem(TOKEN_KEY) ?? "";
  } catch {
    token = "";
  }
  if (token && (await signInWith(c, token))) return;
  await showSignIn(c);
}

/** @param {Connection} c */
export async function showSignIn(c) {
  c.epoch += 1;
  stopPolling(c);
  c.store.set({ mode: "signin", phase: "ready" });
  if (c.get().server?.demo) {
    const answer = await c.client.demoMembers();
    c.store.set({ demoMembers: answer.status === 200 ? answer.body.members ?? [] : [] });
  }
}

/** @param {Connection} c @param {string} member */
export async function signInDemo(c, member) {
  const answer = await c.client.demoSignIn(member);
  if (answer.status !== 200) {
    c.store.set({ session: { member: "", status: "signed-out", error: answerError(answer) } });
    return false;
  }
  return signInWith(c, answer.body.token);
}

/** @param {Connection} c @param {string} token a bearer token, as `rolegate token` printed it */
export async function signInWithToken(c, token) {
  const { store, get } = c;
  const trimmed = token.trim();
  if (!/^rg_[0-9a-f]{64}$/.test(trimmed)) {
    store.set({ session: { member: "", status: "signed-out", error: "A token is rg_ followed by 64 hexadecimal digits, as `rolegate token` prints it." } });
    return false;
  }
  const ok = await signInWith(c, trimmed);
  if (!ok) store.set({ session: { ...get().session, error: get().session.error || "The server did not accept this token." } });
  return ok;
}

/** @param {Connection} c @param {string} invitation the token of an invitation e-mail */
export async function acceptInvitation(c, invitation) {
  const answer = await c.client.acceptInvitation(invitation.trim());
  if (answer.status !== 200 || !answer.body?.ok) {
    await showSignIn(c);
    c.store.set({ session: { member: "", status: "signed-out", error: `The invitation could not be accepted: ${answerError(answer)}` } });
    return false;
  }
  const ok = await signInWith(c, answer.body.token);
  if (ok) notify(c, "Welcome: you accepted the invitation and are signed in.", "info");
  return ok;
}

/** @param {Connection} c */
export function signOut(c) {
  signOutLocally(c, "");
  c.store.set({ session: { member: "", status: "signed-out", error: "" } });
  showSignIn(c);
}

/** Leaves the server for the examples: a simulation, nothing is committed. @param {Connection} c */
export function goOffline(c) {
  c.epoch += 1;
  stopPolling(c);
  c.store.set({ mode: "offline" });
}
