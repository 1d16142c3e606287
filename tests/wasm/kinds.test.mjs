// operationKinds() of the JavaScript API: the engine's registry of operation
// kinds, the same list the bundle schema gives (schemas/bundle.schema.json,
// $defs.operationKind) in the same order, with each kind's flags.
// Run: node --test tests/wasm/
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, loadApi, missingBuild } from "./support.mjs";

const skip = missingBuild("wasm") ?? false;

test("operationKinds lists the schema's kinds, in order, with their flags", { skip }, async () => {
  const api = await loadApi();
  const answer = await api.operationKinds();
  assert.equal(answer.ok, true);
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", "bundle.schema.json"), "utf8"));
  assert.deepEqual(answer.kinds.map((k) => k.name), schema.$defs.operationKind.enum);
  const byName = Object.fromEntries(answer.kinds.map((k) => [k.name, k]));
  assert.deepEqual(byName.invite, { name: "invite", actsOnMember: true, givesRole: true, serverSends: "invitation_token" });
  assert.deepEqual(byName.complete_self_upgrade, {
    name: "complete_self_upgrade", actsOnMember: false, givesRole: true,
    checkedByServer: "pin", authorisedBy: "request_self_upgrade", entryOf: "request_self_upgrade",
  });
  assert.equal(byName.decide_request.everyPolicy, true);
  assert.equal(byName.block.concerns, "member_scopes");
  assert.equal(byName.accept_invitation.checkedByServer, "invitation_token");
  assert.equal(byName.block.actsOnMember, true);
  assert.equal(byName.define_role.actsOnMember, false);
});
