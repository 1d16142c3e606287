#include "test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace rolegate {
namespace testing {

Json TinyBundle() {
  return Json::parse(R"({
  "format": "rolegate/1",
  "revision": "tiny-1",
  "scopeTypes": [
    {"id": "org"},
    {"id": "team", "parents": ["org"]},
    {"id": "repo", "parents": ["team"]}
  ],
  "scopes": [
    {"id": "org-1", "type": "org", "name": "Org One"},
    {"id": "team-a", "type": "team", "parent": "org-1"},
    {"id": "team-b", "type": "team", "parent": "org-1"},
    {"id": "repo-x", "type": "repo", "parent": "team-a"},
    {"id": "repo-y", "type": "repo", "parent": "team-a"},
    {"id": "repo-z", "type": "repo", "parent": "team-b"}
  ],
  "permissions": [
    {"id": "code.read", "appliesTo": ["repo"]},
    {"id": "code.push", "appliesTo": ["repo"]},
    {"id": "code.approve", "appliesTo": ["repo"]},
    {"id": "members.manage", "appliesTo": ["org", "team", "repo"], "rankLimited": true},
    {"id": "billing.pay", "appliesTo": ["org"]}
  ],
  "roles": [
    {"id": "dev.member", "label": "Member", "family": "dev", "rank": 10,
     "permissions": ["code.read", "code.push"], "assignableAt": ["org", "team", "repo"],
     "exclusive": true, "sees": {"minRank": 20, "fields": ["email"]}},
    {"id": "dev.maintainer", "label": "Maintainer", "family": "dev", "rank": 20,
     "permissions": ["code.approve", "members.manage"], "inherits": ["dev.member"],
     "assignableAt": ["team", "repo"], "exclusive": true,
     "sees": {"minRank": 0, "fields": ["email"]}, "manages": {"upToRank": 20}},
    {"id": "dev.owner", "label": "Owner", "family": "dev", "rank": 30,
     "permissions": ["billing.pay"], "inherits": ["dev.maintainer"],
     "assignableAt": ["org"], "exclusive": true,
     "sees": {"minRank": 0, "fields": ["email"]}, "manages": {"upToRank": 30}},
    {"id": "ops.viewer", "label": "Viewer", "family": "ops", "rank": 5,
     "permissions": ["code.read"], "assignableAt": ["repo"], "appliesToDescendants": false}
  ],
  "selfUpgrades": [
    {"id": "up.member", "action": "roles.self_upgrade", "from": ["dev.member"],
     "to": ["dev.maintainer"], "unlessPresent": {"minRank": 20},
     "verification": {"method": "postal_pin", "validForDays": 28}}
  ],
  "claims": [
    {"id": "owner.claims.ops", "action": "roles.claim", "holder": ["dev.owner"],
     "grants": "ops.viewer", "within": "org"}
  ],
  "approvalRules": [
    {"id": "protected.push", "actions": ["code.push"], "requesterRoles": ["dev.member"],
     "when": [{"attribute": "branch", "op": "eq", "value": "main"}],
     "approvers": {"permission": "code.approve"}, "quorum": 1, "expiresAfterDays": 7}
  ],
  "operations": {
    "invite": {"action": "members.manage", "invitationValidForDays": 7},
    "resend_invitation": {"action": "members.manage"},
    "assign_role": {"action": "members.manage"},
    "change_role": {"action": "members.manage"},
    "revoke_role": {"action": "members.manage"},
    "remove_role": {"action": "members.manage"},
    "remove_member": {"action": "members.manage"},
    "delete_member": {"action": "members.manage"},
    "block": {"action": "members.manage"},
    "unblock": {"action": "members.manage"},
    "edit_member": {"action": "members.manage"},
    "add_members": {"action": "members.manage"},
    "activate_member": {"action": "members.manage"},
    "request_self_upgrade": {"action": "roles.self_upgrade"},
    "claim_role": {"action": "roles.claim"},
    "define_role": {"action": "billing.pay"},
    "edit_role": {"action": "billing.pay"},
    "delete_role": {"action": "billing.pay"},
    "set_approval_rule": {"action": "billing.pay"}
  },
  "notifications": [
    {"event": "member_invited", "channels": ["email"]},
    {"event": "role_upgraded", "channels": ["email"]},
    {"event": "role_downgraded", "channels": ["in_app"], "revealActor": true},
    {"event": "member_removed", "channels": ["in_app"], "revealActor": true,
     "revealActorEmail": true},
    {"event": "verification_sent", "channels": ["post"]},
    {"event": "verification_resent", "channels": ["post"]},
    {"event": "approval_requested", "channels": ["in_app"]},
    {"event": "activation_email", "channels": ["email"], "temporaryPassword": true}
  ],
  "invariants": [
    {"id": "one-owner", "kind": "min_holders", "family": "dev", "minRank": 30,
     "scopeType": "org", "count": 1, "severity": "error"},
    {"id": "unique-email", "kind": "unique_email", "severity": "error"}
  ],
  "members": [
    {"id": "olga", "name": "Olga Owner", "email": "olga@example.org", "status": "active"},
    {"id": "mia", "name": "Mia Maintainer", "email": "mia@example.org", "status": "active"},
    {"id": "dan", "name": "Dan Dev", "email": "dan@example.org", "status": "active"},
    {"id": "ben", "name": "Ben Blocked", "email": "ben@example.org", "status": "blocked"},
    {"id": "eve", "name": "Eve Expired", "email": "eve@example.org", "status": "active"},
    {"id": "vic", "name": "Vic Viewer", "email": "vic@example.org", "status": "active"},
    {"id": "zed", "name": "Zed Zero", "email": "zed@example.org", "status": "active"}
  ],
  "bindings": [
    {"id": "b-olga", "member": "olga", "role": "dev.owner", "scope": "org-1"},
    {"id": "b-mia", "member": "mia", "role": "dev.maintainer", "scope": "team-a"},
    {"id": "b-dan", "member": "dan", "role": "dev.member", "scope": "repo-x"},
    {"id": "b-dan-z", "member": "dan", "role": "dev.member", "scope": "repo-z"},
    {"id": "b-ben", "member": "ben", "role": "dev.maintainer", "scope": "team-a"},
    {"id": "b-eve", "member": "eve", "role": "dev.member", "scope": "repo-x",
     "expiresAt": "2026-06-01T00:00:00Z"},
    {"id": "b-vic", "member": "vic", "role": "ops.viewer", "scope": "repo-y"}
  ]
})");
}

std::shared_ptr<const Policy> MustLoad(const Json& bundle) {
  LoadResult r = CompilePolicy(bundle);
  if (!r.ok()) {
    ADD_FAILURE() << "bundle did not load: " << Canonical(ErrorsToJson(r.errors));
    return nullptr;
  }
  return r.policy;
}

std::vector<std::string> ErrorKeys(const Json& bundle) {
  LoadResult r = CompilePolicy(bundle);
  std::vector<std::string> keys;
  for (const Error& e : r.errors) keys.push_back(e.code + "@" + e.pointer);
  std::sort(keys.begin(), keys.end());
  return keys;
}

Request MakeRequest(const std::string& actor, const std::string& action,
                    const std::string& resource, Json attributes) {
  Request r;
  r.actor = actor;
  r.action = action;
  r.resource = resource;
  r.now = kNow;
  r.attributes = std::move(attributes);
  return r;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace testing
}  // namespace rolegate
