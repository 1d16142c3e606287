// Findings about approval rules: approval_veto (a rule gates members above
// everyone who may set or delete it), approval_unsatisfiable (too few possible
// approvers somewhere the rule applies) and self_approval_path (enough approvers
// only if a requester approved their own request). docs/format.md, "Analysis".
#include <algorithm>

#include "analyze.h"
#include "base/text.h"
#include "view.h"

namespace rolegate {
namespace internal {
namespace {

std::string QuotedList(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + Q(id);
  return out;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool Approves(const Role& role, Index r, const ApprovalRule& rule) {
  if (rule.approver_permission != kNone) return role.permissions.Test(rule.approver_permission);
  return std::find(rule.approver_roles.begin(), rule.approver_roles.end(), r) !=
         rule.approver_roles.end();
}

// Whether role `r` may request under `rule` an action of it that means something
// on scopes of type `type`.
bool Requests(const Model& m, Index r, const ApprovalRule& rule, Index type) {
  if (!rule.requester_roles.empty() &&
      std::find(rule.requester_roles.begin(), rule.requester_roles.end(), r) ==
          rule.requester_roles.end()) {
    return false;
  }
  for (Index action : rule.actions) {
    if (m.roles[r].permissions.Test(action) &&
        ((m.permissions[action].applies_mask >> type) & 1u)) {
      return true;
    }
  }
  return false;
}

// Per scope preorder position: whether the rule holds there (its `scopes`, or
// everywhere).
std::vector<char> Inside(const Model& m, const ApprovalRule& rule) {
  if (rule.scopes.empty()) return std::vector<char>(m.scopes.size(), 1);
  std::vector<int> diff(m.scopes.size() + 1, 0);
  for (Index s : rule.scopes) {
    ++diff[m.scopes[s].pre];
    --diff[m.scopes[s].subtree_end];
  }
  std::vector<char> inside(m.scopes.size(), 0);
  int depth = 0;
  for (size_t i = 0; i < m.scopes.size(); ++i) {
    depth += diff[i];
    inside[i] = depth > 0;
  }
  return inside;
}

// The scopes where a rule applies and a requester could exist: in its domain,
// of one of its types, where one of its actions means something, and coverable
// by a role that may request there. Indexed by scope.
std::vector<char> Applies(const Analysis& a, const ApprovalRule& rule) {
  const Model& m = a.m;
  const std::vector<char> inside = Inside(m, rule);
  std::vector<int8_t> by_signature(a.signatures.size(), -1);
  std::vector<char> applies(m.scopes.size(), 0);
  for (Index s = 0; s < m.scopes.size(); ++s) {
    const Scope& scope = m.scopes[s];
    if (!inside[scope.pre]) continue;
    if (rule.scope_mask != 0 && !((rule.scope_mask >> scope.type) & 1u)) continue;
    int8_t& known = by_signature[a.signature_of[s]];
    if (known < 0) {
      known = 0;
      const Analysis::Signature& sig = a.signatures[a.signature_of[s]];
      for (Index r = 0; r < m.roles.size() && !known; ++r) {
        if (Requests(m, r, rule, sig.type) && a.CanCover(m.roles[r], sig)) known = 1;
      }
    }
    applies[s] = known == 1;
  }
  return applies;
}

// Whether `member` holds, through a standing binding that applies on `scope`, a
// role that may request under `rule` there.
bool MayRequest(const Analysis& a, Index member, const ApprovalRule& rule, Index scope) {
  const Model& m = a.m;
  bool found = false;
  m.ForEachBindingOfMember(member, [&](uint32_t b) {
    if (found || !a.Standing(b) || !Covers(m, b, scope)) return;
    found = Requests(m, m.binding_keys[b].role, rule, m.scopes[scope].type);
  });
  return found;
}

std::vector<std::string> MemberIds(const Model& m, const std::vector<Index>& members) {
  std::vector<std::string> ids;
  for (Index i : members) ids.push_back(m.members[i].id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The scopes a finding names: every one counted, and the first by id with what
// was seen there.
struct Shortfall {
  std::vector<Index> scopes;
  Index first = kNone;
  std::vector<std::string> approvers, requesters;
  void Add(const Model& m, Index s, const std::vector<Index>& held,
           const std::vector<Index>& stuck) {
    scopes.push_back(s);
    if (first != kNone && !(m.scopes[s].id < m.scopes[first].id)) return;
    first = s;
    approvers = MemberIds(m, held);
    requesters = MemberIds(m, stuck);
  }
};

}  // namespace

void FindApprovalGaps(const Analysis& a, std::vector<Finding>* out) {
  const Model& m = a.m;
  for (Index ri = 0; ri < m.approval_rules.size(); ++ri) {
    const ApprovalRule& rule = m.approval_rules[ri];
    const std::vector<char> applies = Applies(a, rule);
    if (std::find(applies.begin(), applies.end(), 1) == applies.end()) continue;
    std::vector<char> qualifies(m.roles.size(), 0);
    for (Index r = 0; r < m.roles.size(); ++r) qualifies[r] = Approves(m.roles[r], r, rule);
    const size_t quorum = static_cast<size_t>(std::max<int64_t>(rule.quorum, 0));
    Shortfall unsatisfiable, self;
    std::vector<Index> stuck;
    WalkCovering(
        a, [&](uint32_t b) { return qualifies[m.binding_keys[b].role] != 0; },
        [&](Index s, const CoverSet& set) {
          if (!applies[s]) return;
          if (set.size() < quorum) {
            unsatisfiable.Add(m, s, set.members(), {});
          } else if (set.size() == quorum) {
            stuck.clear();
            for (Index member : set.members()) {
              if (MayRequest(a, member, rule, s)) stuck.push_back(member);
            }
            if (!stuck.empty()) self.Add(m, s, set.members(), stuck);
          }
        });
    const std::string pointer = "/approvalRules/" + std::to_string(ri);
    const std::string needs =
        "rule " + Q(rule.id) + " needs " + Plural(quorum, "approval", "approvals");
    if (!unsatisfiable.scopes.empty()) {
      const Shortfall& u = unsatisfiable;
      Finding f;
      f.code = "approval_unsatisfiable";
      f.severity = "error";
      f.pointer = pointer;
      f.message =
          needs + ", but at " + Q(m.scopes[u.first].id) + " " +
          (u.approvers.empty() ? std::string("nobody could ever approve")
                               : "only " + QuotedList(u.approvers) + " could ever approve") +
          " (" + Plural(u.scopes.size(), "scope falls", "scopes fall") + " short)";
      f.facts = Json{{"rule", rule.id},
                     {"quorum", rule.quorum},
                     {"scope", m.scopes[u.first].id},
                     {"approvers", u.approvers},
                     {"scopes", a.ScopeList(u.scopes)},
                     {"count", u.scopes.size()}};
      out->push_back(std::move(f));
    }
    if (!self.scopes.empty()) {
      Finding f;
      f.code = "self_approval_path";
      f.severity = "warning";
      f.pointer = pointer;
      f.message = needs + ", and at " + Q(m.scopes[self.first].id) + " the only possible " +
                  (self.approvers.size() == 1 ? "approver is " : "approvers are ") +
                  QuotedList(self.approvers) +
                  ": nobody approves their own request, so a request by " +
                  QuotedList(self.requesters) + " can never be approved there (" +
                  Plural(self.scopes.size(), "scope", "scopes") + " like this)";
      f.facts = Json{{"rule", rule.id},
                     {"quorum", rule.quorum},
                     {"scope", m.scopes[self.first].id},
                     {"approvers", self.approvers},
                     {"requesters", self.requesters},
                     {"scopes", a.ScopeList(self.scopes)},
                     {"count", self.scopes.size()}};
      out->push_back(std::move(f));
    }
  }
}

namespace {

// The roles around an approval rule: who may set or delete it (on its scopes, or
// every root), whom it gates, who may approve.
struct RuleRoles {
  std::vector<Index> authors, gated, approvers;
};

// Whether `role` may set or delete `rule` wherever that is checked (`needed`, by
// signature).
bool Authors(const Analysis& a, const Role& role, const std::vector<char>& needed,
             const std::vector<Index>& checked_on, Index set, Index del) {
  const Model& m = a.m;
  bool author = false;
  for (Index p : {set, del}) {
    if (checked_on.empty()) break;  // no scope to authorise it on
    if (p == kNone || !role.permissions.Test(p) || author) continue;
    author = true;
    for (size_t g = 0; g < needed.size(); ++g) {
      const Analysis::Signature& sig = a.signatures[g];
      if (needed[g] &&
          (!((m.permissions[p].applies_mask >> sig.type) & 1u) || !a.CanCover(role, sig))) {
        author = false;
      }
    }
  }
  return author;
}

RuleRoles RolesAround(const Analysis& a, const ApprovalRule& rule, const std::vector<Index>& roots,
                      Index set, Index del) {
  const Model& m = a.m;
  // Where setting or deleting it is checked: its scopes, or every root.
  std::vector<char> needed(a.signatures.size(), 0);
  const std::vector<Index>& checked_on = rule.scopes.empty() ? roots : rule.scopes;
  for (Index s : checked_on) needed[a.signature_of[s]] = 1;
  // Its domain's signatures.
  std::vector<char> domain(a.signatures.size(), 0);
  const std::vector<char> inside = Inside(m, rule);
  for (Index s = 0; s < m.scopes.size(); ++s) {
    if (inside[m.scopes[s].pre]) domain[a.signature_of[s]] = 1;
  }
  RuleRoles out;
  for (Index r = 0; r < m.roles.size(); ++r) {
    const Role& role = m.roles[r];
    if (Approves(role, r, rule)) out.approvers.push_back(r);
    if (Authors(a, role, needed, checked_on, set, del)) out.authors.push_back(r);
    for (size_t g = 0; g < domain.size(); ++g) {
      const Analysis::Signature& sig = a.signatures[g];
      if (!domain[g] || (rule.scope_mask != 0 && !((rule.scope_mask >> sig.type) & 1u))) continue;
      if (Requests(m, r, rule, sig.type) && a.CanCover(role, sig)) {
        out.gated.push_back(r);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> RoleIds(const Model& m, const std::vector<Index>& roles) {
  std::vector<std::string> out_ids;
  for (Index r : roles) out_ids.push_back(m.roles[r].id);
  std::sort(out_ids.begin(), out_ids.end());
  return out_ids;
}

// A rule some may set or delete: a warning when it gates roles above them.
bool AuthoredVeto(const Model& m, const ApprovalRule& rule, const RuleRoles& roles, Finding* f) {
  auto outranks = [&](Index g, Index au) {
    return m.roles[g].family == m.roles[au].family && m.roles[g].rank > m.roles[au].rank;
  };
  const std::vector<Index>& authors = roles.authors;
  std::vector<Index> above_all, above_some;
  for (Index g : roles.gated) {
    if (std::all_of(authors.begin(), authors.end(), [&](Index au) { return outranks(g, au); })) {
      above_all.push_back(g);
    }
    if (std::any_of(authors.begin(), authors.end(), [&](Index au) { return outranks(g, au); })) {
      above_some.push_back(g);
    }
  }
  f->severity = "warning";
  const std::vector<std::string> author_ids = RoleIds(m, authors);
  if (!above_all.empty()) {
    f->message = "rule " + Q(rule.id) + " gates " + QuotedList(RoleIds(m, above_all)) +
                 ", who outrank everyone who may set or delete it (" + QuotedList(author_ids) +
                 "): a veto held by their juniors";
    f->facts = Json{{"rule", rule.id}, {"gated", RoleIds(m, above_all)}, {"authors", author_ids}};
    return true;
  }
  if (rule.requester_roles.empty() && !above_some.empty()) {
    f->message = "rule " + Q(rule.id) + " gates every requester, " +
                 QuotedList(RoleIds(m, above_some)) +
                 " included, and some who may set or delete it rank below them (" +
                 QuotedList(author_ids) + ")";
    f->facts = Json{{"rule", rule.id}, {"gated", RoleIds(m, above_some)}, {"authors", author_ids}};
    return true;
  }
  return false;
}

// A rule nobody may set or delete, fixed by whoever writes the bundle: worth a
// note only when the top role of a family must ask roles all below it.
bool FixedVeto(const Model& m, const ApprovalRule& rule, const RuleRoles& roles,
               const std::vector<int64_t>& top, Finding* f) {
  std::vector<Index> tops;
  for (Index g : roles.gated) {
    const Role& held = m.roles[g];
    if (held.rank != top[held.family] || roles.approvers.empty()) continue;
    if (std::all_of(roles.approvers.begin(), roles.approvers.end(), [&](Index ap) {
          return m.roles[ap].family == held.family && m.roles[ap].rank < held.rank;
        })) {
      tops.push_back(g);
    }
  }
  if (tops.empty()) return false;
  f->severity = "info";
  f->message = "rule " + Q(rule.id) + " makes " + QuotedList(RoleIds(m, tops)) +
               (tops.size() == 1 ? ", the highest role of its family, ask"
                                 : ", the highest roles of their families, ask") +
               " for approval from lower-ranked roles only (" +
               QuotedList(RoleIds(m, roles.approvers)) +
               "); the bundle fixes it, as nobody may set or delete approval rules";
  f->facts = Json{
      {"rule", rule.id}, {"gated", RoleIds(m, tops)}, {"approvers", RoleIds(m, roles.approvers)}};
  return true;
}

}  // namespace

void FindApprovalVetoes(const Analysis& a, std::vector<Finding>* out) {
  const Model& m = a.m;
  const Index set = a.OperationPermission("set_approval_rule");
  const Index del = a.OperationPermission("delete_approval_rule");
  // The highest rank of each family.
  std::vector<int64_t> top(m.families.size(), -1);
  for (const Role& r : m.roles) top[r.family] = std::max(top[r.family], r.rank);
  std::vector<Index> roots;
  for (Index s = 0; s < m.scopes.size(); ++s) {
    if (m.scopes[s].parent == kNone) roots.push_back(s);
  }
  for (Index ri = 0; ri < m.approval_rules.size(); ++ri) {
    const ApprovalRule& rule = m.approval_rules[ri];
    const RuleRoles roles = RolesAround(a, rule, roots, set, del);
    Finding f;
    f.code = "approval_veto";
    f.pointer = "/approvalRules/" + std::to_string(ri);
    const bool found = roles.authors.empty() ? FixedVeto(m, rule, roles, top, &f)
                                             : AuthoredVeto(m, rule, roles, &f);
    if (found) out->push_back(std::move(f));
  }
}

}  // namespace internal
}  // namespace rolegate
