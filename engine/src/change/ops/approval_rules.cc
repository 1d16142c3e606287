// set_approval_rule and delete_approval_rule (docs/changes.md, "Approval rules").
// A rule holds on its `scopes` (and below), or everywhere: setting one needs the
// action where it will hold; replacing or deleting one, also where it held. A
// rule gates only requester roles strictly below its author.
#include <algorithm>

#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void ReadSet(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "rule", "scope"});
  r.Scope(op, p, true);
  const Json* rule = r.shape().Field(op, "rule", p, true);
  if (rule == nullptr) return;
  const std::string rp = PointerAppend(p, "rule");
  if (!rule->is_object()) {
    r.shape().Add("wrong_type", rp, "expected an approval rule object");
    return;
  }
  if (const std::string* id = r.shape().Id(*rule, "id", rp, true)) r.SetRule(*id);
  // Where the rule holds decides where setting it is checked: its scopes must
  // exist (the rest of the rule is judged as a load would).
  if (rule->contains("scopes") && (*rule)["scopes"].is_array()) {
    for (const IdAt& s : r.shape().IdList(*rule, "scopes", rp, false, r.limits().max_list)) {
      if (!r.model().scope_index.count(s.id)) {
        r.shape().Add("unknown_scope", s.pointer, "unknown scope " + Q(s.id));
      }
    }
  }
}

void ReadDelete(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "rule", "scope"});
  r.Scope(op, p, true);
  if (const std::string* id = r.shape().Id(op, "rule", p, true); id && !r.KnowsRule(*id)) {
    r.shape().Add("unknown_rule", PointerAppend(p, "rule"), "unknown approval rule " + Q(*id));
  }
}

// The scopes (ids) a set rule lists, as written.
std::vector<std::string> ListedScopes(const Operation& op) {
  std::vector<std::string> listed;
  if (!op.rule_definition) return listed;
  if (auto it = op.rule_definition->find("scopes");
      it != op.rule_definition->end() && it->is_array()) {
    for (const Json& s : *it) {
      if (s.is_string()) listed.push_back(s.get<std::string>());
    }
  }
  return listed;
}

// Checks the action where the rule will hold and where the rule it replaces held.
void Authorise(Context& cx, const std::string& action, const Operation& op, Outcome* out) {
  bool everywhere = false;
  std::vector<std::string> scopes;
  auto where = [&](const std::vector<std::string>& listed) {
    if (listed.empty()) everywhere = true;
    for (const std::string& s : listed) {
      if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
    }
  };
  if (op.rule_definition) where(ListedScopes(op));
  for (const ApprovalRule& r : cx.M().approval_rules) {
    if (r.id != op.rule) continue;
    std::vector<std::string> listed;
    for (Index s : r.scopes) listed.push_back(cx.M().scopes[s].id);
    where(listed);
  }
  if (scopes.empty()) everywhere = true;  // a rule not found: as an unscoped one
  if (everywhere) cx.CheckPolicyWide(action, op.attributes, out);
  for (const std::string& s : scopes) cx.Check(action, s, op.attributes, out);
}

// The scopes a rule holds on: those listed, or every root.
std::vector<Index> HoldsOn(const Model& m, const std::vector<Index>& listed) {
  if (!listed.empty()) return listed;
  std::vector<Index> roots;
  for (Index s = 0; s < m.scopes.size(); ++s) {
    if (m.scopes[s].parent == kNone) roots.push_back(s);
  }
  return roots;
}

// The rule stays below its author where it will hold; a rule it replaces or
// deletes must have been one the actor could set, where it held.
bool WithinAuthor(Context& cx, const Operation& op, Outcome* out) {
  const Model& m = cx.M();
  if (op.rule_definition) {
    std::vector<Index> listed;
    for (const std::string& s : ListedScopes(op)) {
      if (const Index* si = m.scope_index.Get(s)) listed.push_back(*si);
    }
    if (!cx.RuleWithinAuthor(op.rule, op.rule_definition->value("requesterRoles", Json::array()),
                             HoldsOn(m, listed), out)) {
      return false;
    }
  }
  for (const ApprovalRule& r : m.approval_rules) {
    if (r.id != op.rule) continue;
    Json gated = Json::array();
    for (Index q : r.requester_roles) gated.push_back(m.roles[q].id);
    if (!cx.RuleWithinAuthor(op.rule, gated, HoldsOn(m, r.scopes), out)) return false;
  }
  return true;
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& kind = op.name;
  const std::string* action = cx.ActionFor(kind, out);
  if (action == nullptr) return;
  Authorise(cx, *action, op, out);
  if (out->effect != Effect::kAllow) return;
  if (!WithinAuthor(cx, op, out)) return;
  if (kind == "set_approval_rule") cx.Judge(Context::Judged::kApprovalRuleSet, op.rule);
  Json& rules = e->List("approvalRules");
  e->changed = true;
  if (kind == "delete_approval_rule") {
    Json kept = Json::array();
    for (Json& r : rules) {
      if (r.value("id", "") != op.rule) kept.push_back(std::move(r));
    }
    rules = std::move(kept);
  } else if (Json* existing = Context::FindById(&rules, op.rule)) {
    *existing = *op.rule_definition;
  } else {
    rules.push_back(*op.rule_definition);
  }
  cx.Emit(out, i, "approval_rule_changed", cx.actor(), Json{{"rule", op.rule}});
}

// Both concern where the rule holds (and, set, where the new one does).
constexpr OpKind RuleKind(const char* name, decltype(OpKind::read) read) {
  OpKind k{name, false, false, nullptr, nullptr, read, Apply};
  k.concerns = Concerns::kRuleScopes;
  return k;
}

}  // namespace

extern const OpKind kSetApprovalRule = RuleKind("set_approval_rule", ReadSet);
extern const OpKind kDeleteApprovalRule = RuleKind("delete_approval_rule", ReadDelete);

}  // namespace internal
}  // namespace rolegate
