#include "rolegate/policy.h"

#include <algorithm>

#include "bundle.h"
#include "model.h"

namespace rolegate {
namespace internal {

const char* StatusName(MemberStatus status) {
  switch (status) {
    case MemberStatus::kPending:
      return "pending";
    case MemberStatus::kInvited:
      return "invited";
    case MemberStatus::kActive:
      return "active";
    case MemberStatus::kBlocked:
      return "blocked";
    case MemberStatus::kDisabled:
      return "disabled";
    case MemberStatus::kRemoved:
      return "removed";
  }
  return "unknown";
}

std::optional<MemberStatus> ParseStatus(const std::string& text) {
  static const std::pair<const char*, MemberStatus> kNames[] = {
      {"pending", MemberStatus::kPending},   {"invited", MemberStatus::kInvited},
      {"active", MemberStatus::kActive},     {"blocked", MemberStatus::kBlocked},
      {"disabled", MemberStatus::kDisabled}, {"removed", MemberStatus::kRemoved}};
  for (const auto& [name, status] : kNames) {
    if (text == name) return status;
  }
  return std::nullopt;
}

const char* OpName(Op op) {
  switch (op) {
    case Op::kEq:
      return "eq";
    case Op::kNe:
      return "ne";
    case Op::kLt:
      return "lt";
    case Op::kLe:
      return "le";
    case Op::kGt:
      return "gt";
    case Op::kGe:
      return "ge";
    case Op::kIn:
      return "in";
  }
  return "?";
}

namespace {

void BuildEulerTour(Model* m) {
  const size_t n = m->scopes.size();
  // Children lists in scope order (deterministic).
  std::vector<uint32_t> child_start(n + 1, 0), children(n);
  for (const Scope& s : m->scopes) {
    if (s.parent != kNone) ++child_start[s.parent + 1];
  }
  for (size_t i = 0; i < n; ++i) child_start[i + 1] += child_start[i];
  std::vector<uint32_t> fill(child_start.begin(), child_start.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    Index p = m->scopes[i].parent;
    if (p != kNone) children[fill[p]++] = static_cast<uint32_t>(i);
  }
  uint32_t clock = 0;
  m->preorder.clear();
  m->preorder.reserve(n);
  auto enter = [&](uint32_t s) {
    m->scopes[s].tin = clock++;
    m->scopes[s].pre = static_cast<uint32_t>(m->preorder.size());
    m->preorder.push_back(s);
  };
  std::vector<std::pair<uint32_t, uint32_t>> stack;  // scope, next child offset
  for (size_t root = 0; root < n; ++root) {
    if (m->scopes[root].parent != kNone) continue;
    enter(static_cast<uint32_t>(root));
    stack.push_back({static_cast<uint32_t>(root), child_start[root]});
    while (!stack.empty()) {
      auto& [s, next] = stack.back();
      if (next < child_start[s + 1]) {
        uint32_t c = children[next++];
        enter(c);
        stack.push_back({c, child_start[c]});
      } else {
        m->scopes[s].tout = clock++;
        m->scopes[s].subtree_end = static_cast<uint32_t>(m->preorder.size());
        stack.pop_back();
      }
    }
  }
}

void ExpandRolePermissions(Model* m) {
  const size_t bits = m->permissions.size();
  std::vector<uint8_t> done(m->roles.size(), 0);
  for (Role& r : m->roles) r.permissions = PermissionSet(bits);
  // Inheritance is acyclic (checked on load): expand depth-first, parents first.
  for (size_t start = 0; start < m->roles.size(); ++start) {
    if (done[start]) continue;
    std::vector<std::pair<Index, size_t>> stack{{static_cast<Index>(start), 0}};
    while (!stack.empty()) {
      auto& [role, next] = stack.back();
      Role& r = m->roles[role];
      if (next < r.inherits.size()) {
        Index parent = r.inherits[next++];
        if (!done[parent]) stack.push_back({parent, 0});
      } else {
        for (Index p : r.direct_permissions) r.permissions.Set(p);
        for (Index parent : r.inherits) r.permissions.Merge(m->roles[parent].permissions);
        r.sees_rules.clear();
        if (r.sees)
          r.sees_rules.push_back(SeesRule{r.sees_min_rank, r.sees_families, r.sees_email});
        for (Index parent : r.inherits) {
          for (const SeesRule& rule : m->roles[parent].sees_rules) {
            if (std::find(r.sees_rules.begin(), r.sees_rules.end(), rule) == r.sees_rules.end()) {
              r.sees_rules.push_back(rule);
            }
          }
        }
        done[role] = 1;
        stack.pop_back();
      }
    }
  }
}

void BuildCsr(size_t groups, const std::vector<Binding>& bindings, bool by_member,
              std::vector<uint32_t>* start, std::vector<uint32_t>* items) {
  start->assign(groups + 1, 0);
  for (const Binding& b : bindings) ++(*start)[(by_member ? b.member : b.scope) + 1];
  for (size_t i = 0; i < groups; ++i) (*start)[i + 1] += (*start)[i];
  items->resize(bindings.size());
  std::vector<uint32_t> fill(start->begin(), start->end() - 1);
  for (size_t i = 0; i < bindings.size(); ++i) {
    Index g = by_member ? bindings[i].member : bindings[i].scope;
    (*items)[fill[g]++] = static_cast<uint32_t>(i);
  }
}

}  // namespace

void BuildIndexes(Model* m) {
  BuildEulerTour(m);
  m->spans.resize(m->scopes.size());
  for (size_t i = 0; i < m->scopes.size(); ++i) {
    m->spans[i] = Model::Span{m->scopes[i].tin, m->scopes[i].tout};
  }
  m->binding_keys.resize(m->bindings.size());
  for (size_t i = 0; i < m->bindings.size(); ++i) {
    const Binding& b = m->bindings[i];
    m->binding_keys[i] = BindingKey{b.member, b.role, b.scope, b.expires_at.empty() ? 0u : 1u};
  }
  ExpandRolePermissions(m);
  BuildCsr(m->members.size(), m->bindings, true, &m->member_binding_start, &m->member_bindings);
  BuildCsr(m->scopes.size(), m->bindings, false, &m->scope_binding_start, &m->scope_bindings);
  m->approval_rules_by_permission.assign(m->permissions.size(), {});
  for (size_t i = 0; i < m->approval_rules.size(); ++i) {
    for (Index a : m->approval_rules[i].actions) {
      m->approval_rules_by_permission[a].push_back(static_cast<Index>(i));
    }
  }
  m->claims_by_action.clear();
  for (size_t i = 0; i < m->claims.size(); ++i) {
    m->claims_by_action[m->claims[i].action].push_back(static_cast<Index>(i));
  }
}

}  // namespace internal

LoadResult CompilePolicy(const Json& bundle, const Limits& limits) {
  LoadResult out;
  std::unique_ptr<internal::Model> model =
      internal::ReadBundle(bundle, limits, &out.errors, &out.warnings);
  if (model) out.policy = std::make_shared<const Policy>(std::move(model));
  return out;
}

LoadResult CompilePolicy(Json&& bundle, const Limits& limits) {
  LoadResult out;
  std::unique_ptr<internal::Model> model =
      internal::ReadBundle(std::move(bundle), limits, &out.errors, &out.warnings);
  if (model) out.policy = std::make_shared<const Policy>(std::move(model));
  return out;
}

LoadResult LoadPolicy(std::string_view bundle_text, const Limits& limits) {
  LoadResult out;
  std::unique_ptr<internal::Model> model =
      internal::ReadBundleText(bundle_text, limits, &out.errors, &out.warnings);
  if (model) out.policy = std::make_shared<const Policy>(std::move(model));
  return out;
}

Json ValidationToJson(const LoadResult& loaded) {
  if (!loaded.ok()) return ErrorsToJson(loaded.errors);
  Json warnings = Json::array();
  for (const Error& w : loaded.warnings) warnings.push_back(ErrorToJson(w));
  return Json{{"ok", true},
              {"revision", loaded.policy->revision()},
              {"summary", loaded.policy->Summary()},
              {"warnings", std::move(warnings)}};
}

Policy::Policy(std::unique_ptr<internal::Model> model) : model_(std::move(model)) {}
Policy::~Policy() = default;

const std::string& Policy::revision() const { return model_->revision; }

Json Policy::Summary() const {
  const internal::Model& m = *model_;
  return Json{{"ok", true},
              {"revision", m.revision},
              {"name", m.name},
              {"counts",
               {{"scopeTypes", m.scope_types.size()},
                {"scopes", m.scopes.size()},
                {"permissions", m.permissions.size()},
                {"roles", m.roles.size()},
                {"members", m.members.size()},
                {"bindings", m.bindings.size()},
                {"selfUpgrades", m.self_upgrades.size()},
                {"claims", m.claims.size()},
                {"approvalRules", m.approval_rules.size()},
                {"invariants", m.invariants.size()}}}};
}

}  // namespace rolegate
