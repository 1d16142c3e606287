// @ts-check
// Actions are plain functions of a context and their arguments; an app (or a
// connection) hands them out bound to its context.

/**
 * A module of actions, each bound to a context: `f(ctx, ...args)` becomes `f(...args)`.
 * @template M
 * @typedef {{ [K in keyof M]: M[K] extends (ctx: any, ...args: infer A) => infer R ? (...args: A) => R : never }} Bound
 */

/**
 * @template C
 * @template {Record<string, (ctx: C, ...args: any[]) => any>} M
 * @param {C} ctx @param {M} actions a module of actions (`import * as`)
 * @returns {Bound<M>}
 */
export function bindAll(ctx, actions) {
  return /** @type {any} */ (Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, (/** @type {any[]} */ ...args) => action(ctx, ...args)])));
}
