// @ts-check
// Connected mode's actions on the change being built: previewing it again on the
// server's policy or at the server's time, and committing it.
import { commitOutcome, serverNow } from "../logic/server.js";
import { loadHead, lostSession, measureClock, notify, refreshInbox } from "./common.js";

/** @typedef {import("./common.js").Connection} Connection */

/** The policy as the server has it now, keeping the change being built. @param {Connection} c */
export async function repreview(c) {
  c.store.set({ commit: { status: "idle" } });
  await measureClock(c);
  const ok = await loadHead(c, { keepDraft: true, message: "Previewing again on the server's current policy…" });
  if (ok) notify(c, `Previewed again on revision ${c.get().engine?.revision}, at the server's time.`, "info");
}

/** Previews again at the server's time now (after an outcome that changed with time). @param {Connection} c */
export async function previewAtServerTime(c) {
  c.store.set({ commit: { status: "idle" } });
  await measureClock(c);
  c.setNow(serverNow(c.get().clockOffset));
}

/** Commits the change being built: previewed again at the server's time, then sent. @param {Connection} c */
export async function commit(c) {
  const { store, get } = c;
  if (get().commit.status === "sending") return;
  const { draft } = get();
  if (draft.present.length === 0) return;
  store.set({ commit: { status: "sending" } });
  await measureClock(c);
  c.setNow(serverNow(get().clockOffset));
  const { changeSet, simulation } = get();
  if (!changeSet || !simulation?.ok) {
    store.set({ commit: { status: "done", outcome: { kind: "refused", status: 0, errors: simulation?.errors ?? [] }, changeSet, simulation } });
    return;
  }
  const answer = await c.client.commit({ changeSet, preview: simulation });
  if (lostSession(c, answer)) return;
  const outcome = commitOutcome(answer);
  store.set({ commit: { status: "done", outcome, changeSet, simulation } });
  if (outcome.kind === "committed") {
    await loadHead(c, { keepDraft: false, message: "Committed: reading the new policy…" });
    await refreshInbox(c);
  }
}
