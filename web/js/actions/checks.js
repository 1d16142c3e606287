// @ts-check
// Questions put to the engine from the page: a check, who can, what can, a
// separate simulation (the role editor's), and the preview verified in the page.
import { buildChangeSet } from "../logic/changeset.js";

/**
 * @typedef {import("./context.js").AppContext} AppContext
 * @typedef {import("../logic/types.js").Operation} Operation
 */

/** @param {AppContext} c @param {{ actor: string, action: string, resource: string, attributes?: Record<string, string | number | boolean> }} request */
export function check(c, request) {
  const { engine, now } = c.get();
  if (!engine) return;
  const full = { ...request, now };
  const result = engine.check(full);
  c.store.set({ checks: [{ kind: "check", request: full, result }, ...c.get().checks.filter((q) => q.kind !== "check")] });
}

/** @param {AppContext} c @param {string} action @param {string} scope */
export function whoCan(c, action, scope) {
  const { engine, now } = c.get();
  if (!engine) return;
  const result = engine.whoCan(action, scope, now);
  c.store.set({ checks: [...c.get().checks.filter((q) => q.kind !== "whoCan"), { kind: "whoCan", action, scope, result }] });
}

/** @param {AppContext} c @param {string} member @param {string} scope */
export function whatCan(c, member, scope) {
  const { engine, now } = c.get();
  if (!engine) return;
  const result = engine.whatCan(member, scope, now);
  c.store.set({ checks: [...c.get().checks.filter((q) => q.kind !== "whatCan"), { kind: "whatCan", member, scope, result }] });
}

/**
 * A separate simulation for the role editor's preview (not the change being built).
 * @param {AppContext} c @param {Operation[]} ops
 */
export function simulateOperations(c, ops) {
  const { engine, actor, now } = c.get();
  if (!engine) return null;
  const changeSet = buildChangeSet({ revision: engine.revision, actor, now, operations: ops });
  return { changeSet, simulation: /** @type {any} */ (engine.simulate(changeSet)) };
}

/** The in-page verification of the preview (what a server runs natively). @param {AppContext} c */
export function verifyHere(c) {
  const { engine, changeSet, simulation } = c.get();
  if (!engine || !changeSet || !simulation?.ok) return null;
  return engine.verify(changeSet, simulation);
}
