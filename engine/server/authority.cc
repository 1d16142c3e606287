// The server of record (authority.h): who the caller is, what they hold, and the
// bundle and the checks as they may see them.
#include "authority.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "audit_subjects.h"
#include "authority_util.h"
#include "model.h"
#include "secrets.h"

namespace rolegate::server {

using internal::MemberStatus;
using namespace authority_detail;

Authority::Authority(Store& store, std::function<std::string()> clock)
    : store_(store), clock_(std::move(clock)) {}

std::string Authority::SeedIfEmpty(const std::string& bundle_text, std::string* error) {
  if (!store_.HeadRevision().empty()) return "kept";
  LoadResult loaded = LoadPolicy(bundle_text);
  if (!loaded.ok()) {
    *error = "the bundle is not valid: " + loaded.errors.front().pointer + ": " +
             loaded.errors.front().message;
    return "";
  }
  const std::string now = clock_();
  Json bundle = loaded.policy->model().Document();
  bundle["revision"] = loaded.policy->revision();
  StoredRevision first{0, loaded.policy->revision(), "", Canonical(bundle), now};
  AuditEntry audit{0, now, "", "seed", "", first.revision, Canonical(Json::object())};
  return store_.Seed(first, audit) ? "seeded" : "kept";
}

Authority::Head Authority::Current() {
  const std::string revision = store_.HeadRevision();
  {
    std::lock_guard<std::mutex> lock(head_mu_);
    if (head_.policy != nullptr && head_.revision == revision) return head_;
  }
  std::optional<StoredRevision> stored = store_.Head();
  if (!stored) throw StoreError("the store holds no bundle");
  LoadResult loaded = LoadPolicy(stored->bundle);
  if (!loaded.ok()) throw StoreError("the stored revision " + stored->revision + " does not load");
  Head head{stored->revision, loaded.policy};
  std::lock_guard<std::mutex> lock(head_mu_);
  head_ = head;
  return head;
}

std::optional<std::string> Authority::Authenticate(const std::string& authorization) {
  static const std::string kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() ||
      authorization.compare(0, kScheme.size(), kScheme) != 0) {
    return std::nullopt;
  }
  const std::string token = authorization.substr(kScheme.size());
  if (token.size() > 256) return std::nullopt;
  return store_.TokenMember(Sha256Hex(token));
}

std::string Authority::MintToken(const std::string& member, std::string* error) {
  Head head = Current();
  if (head.policy->MemberIndex(member) < 0) {
    *error = "no member `" + member + "` in revision " + head.revision;
    return "";
  }
  const std::string token = "rg_" + RandomHex(32);
  store_.AddToken(Sha256Hex(token), member, clock_());
  return token;
}

int64_t Authority::RevokeTokens(const std::string& member) {
  return store_.RevokeTokens(member, clock_());
}

bool Authority::ActiveMember(const Policy& policy, const std::string& member) const {
  const int32_t i = policy.MemberIndex(member);
  return i >= 0 && policy.model().members[static_cast<size_t>(i)].status == MemberStatus::kActive;
}

std::string Authority::ServerPermission(const Policy& policy, const char* key) const {
  auto it = policy.model().rest.find("server");
  if (it == policy.model().rest.end()) return "";
  return it->value(key, "");
}

bool Authority::HoldsAt(const Policy& policy, const std::string& member,
                        const std::string& permission, internal::Index scope,
                        const std::string& now) const {
  const internal::Model& m = policy.model();
  const int32_t p = policy.PermissionIndex(permission);
  if (p < 0 || scope >= m.scopes.size()) return false;
  Request r{member, permission, m.scopes[scope].id, now, Json::object()};
  auto allowed = [&] {
    DecideResult d = policy.Decide(r, false);
    return d.ok() && d.decision.effect == Effect::kAllow;
  };
  if (!m.permissions[static_cast<size_t>(p)].rank_limited) return allowed();
  // A rankLimited permission is asked about a role handed out (attributes.role):
  // held where the member may exercise it for at least one role, the way a
  // check of one of their operations would ask.
  const int32_t me = policy.MemberIndex(member);
  if (me < 0) return false;
  std::set<internal::Index> tried;
  bool held = false;
  m.ForEachBindingOfMember(static_cast<internal::Index>(me), [&](uint32_t b) {
    const internal::Binding& bd = m.bindings[b];
    const internal::Role& granting = m.roles[bd.role];
    if (held || !granting.manages || !granting.permissions.Test(static_cast<internal::Index>(p)) ||
        !m.BindingCovers(bd, scope) || internal::Model::Expired(bd, now)) {
      return;
    }
    for (internal::Index ri = 0; ri < m.roles.size() && !held; ++ri) {
      const internal::Role& given = m.roles[ri];
      if (given.rank > granting.ManagesUpTo(given.family) || !tried.insert(ri).second) {
        continue;
      }
      r.attributes = Json{{"role", given.id}};
      held = allowed();
    }
  });
  return held;
}

namespace {

// HeldScopes' marks, by preorder position: kSingle, held there through a role
// that does not apply to descendants; kTop, held there through one that does, and
// so on its whole subtree; kInside, within such a subtree (the top included).
constexpr uint8_t kSingle = 1, kTop = 2, kInside = 4;

}  // namespace

Authority::Holding Authority::HeldScopes(const Policy& policy, const std::string& member,
                                         const std::string& permission,
                                         const std::string& now) const {
  Holding out;
  const internal::Model& m = policy.model();
  const size_t n = m.preorder.size();
  out.held.assign(n, 0);
  const int32_t me = policy.MemberIndex(member);
  const int32_t p = policy.PermissionIndex(permission);
  if (permission.empty() || me < 0 || p < 0) return out;
  const bool rank_limited = m.permissions[static_cast<size_t>(p)].rank_limited;
  std::vector<uint8_t> mark(n, 0);
  Request r{member, permission, "", now, Json::object()};
  auto allowed = [&](internal::Index scope) {
    r.resource = m.scopes[scope].id;
    DecideResult d = policy.Decide(r, false);
    return d.ok() && d.decision.effect == Effect::kAllow;
  };
  m.ForEachBindingOfMember(static_cast<internal::Index>(me), [&](uint32_t b) {
    const internal::Binding& bd = m.bindings[b];
    const internal::Role& role = m.roles[bd.role];
    if (!role.permissions.Test(static_cast<internal::Index>(p)) ||
        internal::Model::Expired(bd, now)) {
      return;
    }
    // A rankLimited permission is asked about a role handed out (attributes.role):
    // held through this binding where the member may exercise it for at least one
    // role it manages, the way a check of one of their operations would ask.
    std::vector<std::string> given;
    if (rank_limited) {
      if (!role.manages) return;
      for (const internal::Role& g : m.roles) {
        if (g.rank <= role.ManagesUpTo(g.family)) given.push_back(g.id);
      }
      if (given.empty()) return;
    }
    auto holds = [&](internal::Index scope) {
      if (!rank_limited) {
        r.attributes = Json::object();
        return allowed(scope);
      }
      for (const std::string& id : given) {
        r.attributes = Json{{"role", id}};
        if (allowed(scope)) return true;
      }
      return false;
    };
    const internal::Scope& top = m.scopes[bd.scope];
    if (!role.descendants) {
      if (!(mark[top.pre] & (kSingle | kInside)) && holds(bd.scope)) mark[top.pre] |= kSingle;
      return;
    }
    // Top down through what the binding covers, skipping what lies in a subtree
    // already held (each scope is decided at most once per binding).
    for (uint32_t i = top.pre; i < top.subtree_end;) {
      const internal::Index s = m.preorder[i];
      const uint32_t end = m.scopes[s].subtree_end;
      if (mark[i] & kInside) {
        i = end;
      } else if (holds(s)) {
        mark[i] |= kTop;
        for (uint32_t j = i; j < end; ++j) mark[j] |= kInside;
        i = end;
      } else {
        ++i;
      }
    }
  });
  Gather(m, mark, &out);
  return out;
}

void Authority::Gather(const internal::Model& m, const std::vector<uint8_t>& mark, Holding* out) {
  const size_t n = m.preorder.size();
  for (uint32_t i = 0; i < n;) {
    const internal::Index s = m.preorder[i];
    if (mark[i] & kTop) {
      out->scopes.push_back(Holding::At{s, true});
      const uint32_t end = m.scopes[s].subtree_end;
      std::fill(out->held.begin() + i, out->held.begin() + end, uint8_t{1});
      out->count += end - i;
      i = end;
    } else {
      if (mark[i] & kSingle) {
        out->scopes.push_back(Holding::At{s, false});
        out->held[i] = 1;
        ++out->count;
      }
      ++i;
    }
  }
}

bool Authority::HoldsEverywhere(const Policy& policy, const std::string& member,
                                const std::string& permission, const std::string& now) const {
  if (permission.empty()) return false;
  const internal::Model& m = policy.model();
  bool any = false;
  for (internal::Index s = 0; s < m.scopes.size(); ++s) {
    if (m.scopes[s].parent != internal::kNone) continue;
    any = true;
    if (!HoldsAt(policy, member, permission, s, now)) return false;
  }
  return any;
}

Json Authority::NewChangeSet(const Head& head, const std::string& actor, Json operations) const {
  return Json{{"format", "rolegate-changeset/1"},
              {"baseRevision", head.revision},
              {"actor", actor},
              {"now", clock_()},
              {"operations", std::move(operations)}};
}

Reply Authority::Health(int64_t uptime_seconds) {
  Json body{{"ok", true}, {"uptimeSeconds", uptime_seconds}, {"now", clock_()}};
  if (demo_) body["demo"] = true;
  try {
    body["revision"] = store_.HeadRevision();
    body["database"] = "ok";
  } catch (const StoreError& e) {
    return Reply{503, Json{{"ok", false},
                           {"database", "unavailable"},
                           {"errors", ErrorBody("store_unavailable", "", e.what())["errors"]}}};
  }
  return Reply{200, std::move(body)};
}

Authority::Withheld Authority::WithheldFrom(const Policy& policy, const std::string& caller,
                                            const std::string& now) const {
  const internal::Model& m = policy.model();
  std::set<std::string> names{caller}, emails{caller};
  std::set<std::string> scopes;
  const int32_t me = policy.MemberIndex(caller);
  if (me >= 0) {
    m.ForEachBindingOfMember(static_cast<internal::Index>(me),
                             [&](uint32_t b) { scopes.insert(m.scopes[m.bindings[b].scope].id); });
  }
  for (const std::string& scope : scopes) {
    Json seen = policy.VisibleMembers(Json{{"actor", caller}, {"scope", scope}, {"now", now}});
    for (const Json& e : seen.value("members", Json::array())) {
      names.insert(e.value("member", ""));
      if (e.contains("email")) emails.insert(e.value("member", ""));
    }
  }
  Withheld w;
  for (const internal::Member& mb : m.members) {
    if (!mb.name.empty() && !names.count(mb.id)) w.names.insert(mb.id);
    if (!mb.email.empty() && !emails.count(mb.id)) {
      w.emails.insert(mb.id);
    }
  }
  w.names_seen = std::move(names);
  w.emails_seen = std::move(emails);
  return w;
}

Reply Authority::ForCaller(const std::string& caller, Reply reply) {
  // What the caller may see is worked out only for an answer that names the
  // owner of a taken e-mail, not for every simulation and commit.
  if (!NamesAnOwner(reply.body)) return reply;
  Head head = Current();
  const Withheld w = WithheldFrom(*head.policy, caller, clock_());
  if (!w.emails.empty()) Scrub(&reply.body, w.emails);
  return reply;
}

// The bundle as the caller may see it: a member whom none of the caller's `sees`
// rules reveals keeps their id, status and roles, but their name and e-mail are
// replaced by placeholders that stay the same from one call to the next (and
// keep the e-mail's domain, so rules on it still hold). An approval request
// shows the member its operation would create or edit only to its requester and
// its eligible approvers; a role request shows its reason only to its requester
// and the members who may decide it.
Reply Authority::Bundle(const std::string& caller) {
  Head head = Current();
  const Policy& policy = *head.policy;
  if (!ActiveMember(policy, caller)) return NotActive(caller);
  const std::string now = clock_();
  const Withheld w = WithheldFrom(policy, caller, now);
  Json bundle = policy.model().Document();
  bundle["revision"] = head.revision;
  int64_t withheld = 0;
  if (auto it = bundle.find("members"); it != bundle.end()) {
    for (Json& member : *it) {
      const std::string id = member.value("id", "");
      if (Withhold(&member, id, w.names.count(id) > 0, w.emails.count(id) > 0)) ++withheld;
    }
  }
  if (auto it = bundle.find("approvalRequests"); it != bundle.end()) {
    for (Json& request : *it) {
      if (request.value("requester", "") == caller) continue;
      Json status = policy.ApprovalStatus(Json{{"request", request.value("id", "")}, {"now", now}});
      const Json eligible = status.value("eligible", Json::array());
      if (std::find(eligible.begin(), eligible.end(), Json(caller)) != eligible.end()) continue;
      if (auto op = request.find("operation"); op != request.end()) RedactOperation(&*op);
    }
  }
  // A role request's reason is for its requester and the members who may decide it.
  if (auto it = bundle.find("roleRequests"); it != bundle.end()) {
    for (Json& request : *it) {
      if (request.value("requester", "") == caller || !request.contains("reason")) continue;
      Json status = policy.ApprovalStatus(Json{{"request", request.value("id", "")}, {"now", now}});
      const Json eligible = status.value("eligible", Json::array());
      if (std::find(eligible.begin(), eligible.end(), Json(caller)) != eligible.end()) continue;
      request.erase("reason");
    }
  }
  return Reply{200, Json{{"ok", true},
                         {"revision", head.revision},
                         {"member", caller},
                         {"now", now},
                         {"bundle", std::move(bundle)},
                         {"withheld", withheld},
                         {"checkedByServer", Json::array({"unique_email", "member_field"})}}};
}

Reply Authority::Check(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object()) return Fail(400, "wrong_type", "", "expected a request object");
  Json request = body;
  const std::string now = clock_();
  if (!request.contains("actor")) request["actor"] = caller;
  if (request["actor"] != caller &&
      !HoldsEverywhere(*head.policy, caller, ServerPermission(*head.policy, "decisionsPermission"),
                       now)) {
    return Fail(403, "forbidden", "/actor",
                "only a member holding the bundle's `server.decisionsPermission` on every root "
                "scope may ask for another member's decisions");
  }
  request["now"] = now;  // the server's time, whatever the request said
  Json result = head.policy->Check(request);
  return Reply{Failed(result) ? 400 : 200, std::move(result)};
}

Reply Authority::CheckBatch(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array()) {
    return Fail(400, "missing_field", "/requests", "expected {\"requests\": [...]}");
  }
  const Json& requests = body["requests"];
  if (requests.size() > kMaxBatch) {
    return Fail(413, "too_many_items", "/requests",
                "at most " + std::to_string(kMaxBatch) + " requests a batch");
  }
  const std::string now = clock_();
  const bool others = HoldsEverywhere(*head.policy, caller,
                                      ServerPermission(*head.policy, "decisionsPermission"), now);
  Json results = Json::array();
  for (size_t i = 0; i < requests.size(); ++i) {
    Json request = requests[i];
    const std::string pointer = "/requests/" + std::to_string(i);
    if (!request.is_object()) {
      results.push_back(ErrorBody("wrong_type", pointer, "expected a request object"));
      continue;
    }
    if (!request.contains("actor")) request["actor"] = caller;
    if (request["actor"] != caller && !others) {
      results.push_back(ErrorBody("forbidden", pointer + "/actor",
                                  "another member's decisions need the bundle's "
                                  "`server.decisionsPermission`"));
      continue;
    }
    request["now"] = now;
    results.push_back(Under(head.policy->Check(request), pointer));
  }
  return Reply{200, Json{{"ok", true}, {"now", now}, {"results", std::move(results)}}};
}

Reply Authority::Simulate(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object()) return Fail(400, "wrong_type", "", "expected a change set");
  if (body.value("actor", Json()) != caller) {
    return Fail(403, "actor_not_caller", "/actor",
                "a change set's actor must be the member the token belongs to");
  }
  Json change_set = body;
  change_set["now"] = clock_();
  if (change_set.value("baseRevision", Json()) != head.revision) {
    return Fail(409, "stale_revision", "/baseRevision",
                "the change set is built on another revision than the head",
                Json{{"revision", head.revision}});
  }
  Json result = head.policy->Simulate(change_set);
  if (Failed(result)) return Reply{400, std::move(result)};
  result["now"] = change_set["now"];
  return Reply{200, std::move(result)};
}

}  // namespace rolegate::server
