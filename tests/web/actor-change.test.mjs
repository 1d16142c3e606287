// Acting as another member while a change is being built: the app asks first, and
// then keeps the draft (now the new member's) or starts afresh (undo brings it back).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createApp } from "../../web/js/app.js";
import { actorChangeWords, asksBeforeActing } from "../../web/js/logic/actor-change.js";
import { visibleTo } from "../../web/js/logic/queries.js";
import { NOW, example } from "./helpers.mjs";

test("it asks only in the simulation, for another member, with a change being built", () => {
  const op = [{ op: "block", member: "m-uma" }];
  assert.equal(asksBeforeActing({ mode: "offline", actor: "m-olivia", next: "m-raj", operations: op }), true);
  assert.equal(asksBeforeActing({ mode: "offline", actor: "m-olivia", next: "m-raj", operations: [] }), false, "nothing to lose");
  assert.equal(asksBeforeActing({ mode: "offline", actor: "m-olivia", next: "m-olivia", operations: op }), false, "the same member");
  assert.equal(asksBeforeActing({ mode: "connected", actor: "m-olivia", next: "m-raj", operations: op }), false, "signed in, you act as yourself");
});

test("the question names both members and says what keeping the draft means", async () => {
  const { index } = await example("bt-business");
  const words = actorChangeWords(index, "m-olivia", "m-raj", 3);
  assert.equal(words.title, "Act as Raj Patel?");
  assert.equal(words.keep, "Keep the draft, acting as Raj Patel");
  assert.equal(words.fresh, "Start afresh as Raj Patel");
  assert.equal(words.cancel, "Go on as Olivia Hart");
  assert.match(words.text, /^The change being built has 3 operations, made as Olivia Hart\. Kept, they are previewed as Raj Patel's/);
  assert.match(actorChangeWords(index, "m-olivia", "m-raj", 1).text, /has 1 operation, made as Olivia Hart\. Kept, it is previewed/);
});

/** The app with an example loaded, acting as `actor` (what loading a bundle leaves). */
async function loaded(name, actor) {
  const { bundle, index, engine } = await example(name);
  const app = createApp({ params: {}, pollMs: 0 });
  app.store.set({ phase: "ready", bundle, index, engine, actor, now: NOW, visible: visibleTo(engine, index, actor, NOW) });
  return app;
}

test("keeping the draft: the same operations, now previewed as the new member's", async () => {
  const app = await loaded("bt-business", "m-olivia");
  app.addOperations([{ op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" }]);
  assert.equal(app.get().simulation.operations[0].effect, "allow", "Olivia, a super admin, may");
  app.setActor("m-uma", { draft: "keep" });
  assert.equal(app.get().actor, "m-uma");
  assert.equal(app.get().draft.present.length, 1);
  assert.equal(app.get().changeSet?.actor, "m-uma");
  assert.equal(app.get().simulation.operations[0].effect, "deny", "Uma, a billing user, may not");
});

test("starting afresh: the draft is cleared as the new member acts, and undo brings it back", async () => {
  const app = await loaded("bt-business", "m-olivia");
  const op = { op: "change_role", member: "m-alex", scope: "acc-1001", role: "billing.user" };
  app.addOperations([op]);
  app.setActor("m-raj", { draft: "fresh" });
  assert.equal(app.get().actor, "m-raj");
  assert.deepEqual(app.get().draft.present, []);
  assert.equal(app.get().simulation.operations.length, 0);
  app.undo();
  assert.deepEqual(app.get().draft.present, [op]);
  assert.equal(app.get().actor, "m-raj");
});
