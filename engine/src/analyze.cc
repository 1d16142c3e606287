// Policy::Analyze: runs every finding family and sorts what they find.
#include "analyze.h"

#include <algorithm>
#include <unordered_map>

#include "bundle.h"  // PointerLess
#include "rolegate/policy.h"

namespace rolegate {
namespace internal {

Analysis::Analysis(const Model& model) : m(model) {
  // Signatures, in preorder: a scope's ancestors' types are its parent's plus the
  // parent's own type.
  std::vector<uint64_t> above(m.scopes.size(), 0);
  signature_of.assign(m.scopes.size(), 0);
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_above;  // above -> signatures
  for (Index s : m.preorder) {
    const Scope& scope = m.scopes[s];
    existing_types |= uint64_t{1} << scope.type;
    if (scope.parent != kNone) {
      above[s] = above[scope.parent] | (uint64_t{1} << m.scopes[scope.parent].type);
    }
    std::vector<uint32_t>& candidates = by_above[above[s]];
    uint32_t found = static_cast<uint32_t>(signatures.size());
    for (uint32_t c : candidates) {
      if (signatures[c].type == scope.type) found = c;
    }
    if (found == signatures.size()) {
      signatures.push_back(Signature{scope.type, above[s]});
      candidates.push_back(found);
    }
    signature_of[s] = found;
  }
  reach_types.assign(m.roles.size(), 0);
  for (size_t r = 0; r < m.roles.size(); ++r) {
    for (const Signature& sig : signatures) {
      if (CanCover(m.roles[r], sig)) reach_types[r] |= uint64_t{1} << sig.type;
    }
  }
}

Index Analysis::OperationPermission(const std::string& kind) const {
  auto it = m.operation_rules.find(kind);
  if (it == m.operation_rules.end()) return kNone;
  const Index* p = m.permission_index.Get(it->second.action);
  return p == nullptr ? kNone : *p;
}

bool Analysis::KindsMeet(const Role& a, const Role& b) {
  if (a.member_kinds.empty() || b.member_kinds.empty()) return true;
  for (const std::string& k : a.member_kinds) {
    if (b.AllowsKind(k)) return true;
  }
  return false;
}

std::vector<std::string> Analysis::ScopeList(const std::vector<Index>& scopes) const {
  std::vector<std::string> ids;
  ids.reserve(scopes.size());
  for (Index s : scopes) ids.push_back(m.scopes[s].id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() > kMaxListedScopes) ids.resize(kMaxListedScopes);
  return ids;
}

Json Analyze(const Model& m) {
  const Analysis a(m);
  std::vector<Finding> findings;
  FindApprovalGaps(a, &findings);
  FindApprovalVetoes(a, &findings);
  FindEscalationPaths(a, &findings);
  FindLockoutRisks(a, &findings);
  FindUnreachableRoles(a, &findings);

  struct Keyed {
    const Finding* finding;
    std::string facts;  // canonical, for the order
  };
  std::vector<Keyed> keyed;
  keyed.reserve(findings.size());
  for (const Finding& f : findings) keyed.push_back(Keyed{&f, Canonical(f.facts)});
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& x, const Keyed& y) {
    if (x.finding->code != y.finding->code) return x.finding->code < y.finding->code;
    if (x.finding->pointer != y.finding->pointer) {
      return PointerLess(x.finding->pointer, y.finding->pointer);
    }
    return x.facts < y.facts;
  });
  Json list = Json::array();
  int64_t errors = 0, warnings = 0, infos = 0;
  for (const Keyed& k : keyed) {
    const Finding& f = *k.finding;
    (f.severity == "error" ? errors : f.severity == "warning" ? warnings : infos) += 1;
    list.push_back(Json{{"code", f.code},
                        {"severity", f.severity},
                        {"pointer", f.pointer},
                        {"message", f.message},
                        {"facts", f.facts}});
  }
  return Json{{"ok", true},
              {"findings", std::move(list)},
              {"summary", {{"error", errors}, {"warning", warnings}, {"info", infos}}}};
}

}  // namespace internal

Json Policy::Analyze() const { return internal::Analyze(*model_); }

}  // namespace rolegate
