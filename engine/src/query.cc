// Queries over a compiled policy: what a member can do on a scope and who can do an
// action on a scope (which members an actor may see: query/visible.cc).
#include <algorithm>
#include <map>
#include <set>

#include "base/text.h"
#include "bundle.h"
#include "model.h"
#include "rolegate/policy.h"
#include "shape.h"
#include "view.h"

namespace rolegate {
namespace {

using internal::Binding;
using internal::Index;
using internal::kNone;
using internal::MemberStatus;
using internal::Model;
using internal::Q;

// Reads {<a>, <b>, "now"?} naming a member/permission and a scope.
struct QueryArgs {
  Index first = kNone, scope = kNone;
  std::string now;
};

Errors ReadQuery(const Model& m, const Json& q, const char* first_key,
                 const internal::IdIndex& first_index, const char* first_code,
                 const char* first_what, QueryArgs* out) {
  Errors errors;
  internal::Shape shape(&errors);
  if (!shape.Object(q, "", {first_key, "scope", "now"})) return errors;
  if (const std::string* id = shape.Id(q, first_key, "", true)) {
    if (const Index* i = m.Find(first_index, *id)) {
      out->first = *i;
    } else {
      errors.push_back({first_code, std::string("/") + first_key,
                        std::string("unknown ") + first_what + " " + Q(*id)});
    }
  }
  if (const std::string* id = shape.Id(q, "scope", "", true)) {
    if (const Index* i = m.Find(m.scope_index, *id)) {
      out->scope = *i;
    } else {
      errors.push_back({"unknown_scope", "/scope", "unknown scope " + Q(*id)});
    }
  }
  if (const std::string* now = shape.Timestamp(q, "now", "", false)) out->now = *now;
  internal::SortErrors(&errors);
  return errors;
}

Json Source(const Model& m, const Binding& b, Index scope) {
  Json s{{"binding", b.id}, {"role", m.roles[b.role].id}, {"scope", m.scopes[b.scope].id}};
  if (b.scope != scope) s["inheritedFrom"] = m.scopes[b.scope].id;
  return s;
}

bool ById(const Json& a, const Json& b, const char* key) { return a[key] < b[key]; }

}  // namespace

Json Policy::WhatCan(const Json& query) const {
  const Model& m = *model_;
  QueryArgs args;
  Errors errors = ReadQuery(m, query, "member", m.member_index, "unknown_member", "member", &args);
  if (!errors.empty()) return ErrorsToJson(errors);
  const internal::Member& mb = m.members[args.first];
  const internal::Scope& scope = m.scopes[args.scope];
  std::map<std::string, Json> perms;  // permission id -> sources
  Json roles = Json::array();
  if (mb.status == MemberStatus::kActive) {
    m.ForEachBindingOfMember(args.first, [&](uint32_t bi) {
      const Binding& b = m.bindings[bi];
      if (!m.BindingCovers(b, args.scope) || Model::Expired(b, args.now)) return;
      roles.push_back(Source(m, b, args.scope));
      const internal::Role& r = m.roles[b.role];
      for (size_t p = 0; p < m.permissions.size(); ++p) {
        if (!r.permissions.Test(static_cast<Index>(p))) continue;
        if (!((m.permissions[p].applies_mask >> scope.type) & 1u)) continue;
        Json& list = perms[m.permissions[p].id];
        if (list.is_null()) list = Json::array();
        list.push_back(Source(m, b, args.scope));
      }
    });
  }
  Json out_perms = Json::array();
  for (auto& [id, sources] : perms) {
    std::sort(sources.begin(), sources.end(),
              [](const Json& a, const Json& b) { return ById(a, b, "binding"); });
    out_perms.push_back(Json{{"permission", id}, {"sources", std::move(sources)}});
  }
  std::sort(roles.begin(), roles.end(),
            [](const Json& a, const Json& b) { return ById(a, b, "binding"); });
  return Json{{"ok", true},
              {"member", mb.id},
              {"scope", scope.id},
              {"status", internal::StatusName(mb.status)},
              {"roles", std::move(roles)},
              {"permissions", std::move(out_perms)}};
}

Json Policy::WhoCan(const Json& query) const {
  const Model& m = *model_;
  QueryArgs args;
  Errors errors =
      ReadQuery(m, query, "action", m.permission_index, "unknown_action", "action", &args);
  if (!errors.empty()) return ErrorsToJson(errors);
  const internal::Permission& perm = m.permissions[args.first];
  const internal::Scope& scope = m.scopes[args.scope];
  std::map<std::string, Json> members;
  bool applies = (perm.applies_mask >> scope.type) & 1u;
  if (applies) {
    internal::ForEachBindingCovering(m, args.scope, [&](uint32_t bi) {
      const Binding& b = m.bindings[bi];
      if (Model::Expired(b, args.now)) return;
      if (m.members[b.member].status != MemberStatus::kActive) return;
      if (!m.roles[b.role].permissions.Test(args.first)) return;
      Json& list = members[m.members[b.member].id];
      if (list.is_null()) list = Json::array();
      list.push_back(Source(m, b, args.scope));
    });
  }
  Json out = Json::array();
  for (auto& [id, bindings] : members) {
    std::sort(bindings.begin(), bindings.end(),
              [](const Json& a, const Json& b) { return ById(a, b, "binding"); });
    out.push_back(Json{{"member", id}, {"bindings", std::move(bindings)}});
  }
  Json result{{"ok", true}, {"action", perm.id}, {"scope", scope.id}, {"members", out}};
  if (!applies) result["applies"] = false;
  return result;
}

}  // namespace rolegate
