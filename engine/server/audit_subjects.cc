#include "audit_subjects.h"

#include <map>
#include <utility>
#include <vector>

#include "kinds.h"

namespace rolegate::server {

namespace {

const std::string* String(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

class Collector {
 public:
  explicit Collector(const std::function<const Json*()>& bundle_before)
      : bundle_before_(bundle_before) {}

  AuditSubjects out;

  // Every member and scope `value` names, wherever it is.
  void Walk(const Json& value) {
    if (value.is_array()) {
      for (const Json& x : value) Walk(x);
      return;
    }
    if (!value.is_object()) return;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      const Json& x = it.value();
      if (key == "attributes") continue;  // free-form, for approval conditions
      if (key == "member" || key == "target" || key == "requester") {
        if (x.is_string()) out.members.insert(x.get<std::string>());
        if (const std::string* id = String(x, "id")) out.members.insert(*id);
      } else if (key == "members" && x.is_array()) {
        for (const Json& m : x) {
          if (m.is_string()) out.members.insert(m.get<std::string>());
          if (const std::string* id = String(m, "id")) out.members.insert(*id);
        }
      } else if ((key == "scope" || key == "resource" || key == "addedTo") && x.is_string()) {
        out.scopes.insert(x.get<std::string>());
      } else if (key == "scopes" && x.is_array()) {
        for (const Json& s : x) {
          if (s.is_string()) out.scopes.insert(s.get<std::string>());
        }
      }
      if (x.is_object() || x.is_array()) Walk(x);
    }
  }

  // The scopes `op` (by `actor`) concerns without naming them, as its kind says
  // (OperationKind::concerns).
  void Unnamed(const Json& op, const std::string& actor, int depth) {
    const OperationKind* kind = KindOf(op);
    if (kind == nullptr) return;
    const std::string& concerns = kind->concerns;
    if (concerns == "member_scopes") {
      if (const std::string* m = String(op, "member")) MemberScopes(*m);
    } else if (concerns == "actor_scopes") {
      MemberScopes(actor);
    } else if (concerns == "every_root") {
      EveryRoot();
    } else if (concerns == "rule_scopes") {
      auto rule = op.find("rule");
      if (rule == op.end()) return;
      if (rule->is_object()) RuleScopes(*rule);  // the rule set
      const std::string* id = rule->is_object()   ? String(*rule, "id")
                              : rule->is_string() ? &rule->get_ref<const std::string&>()
                                                  : nullptr;
      if (id == nullptr) return;
      if (!Index()) return EveryRoot();
      auto found = rules_.find(*id);
      if (found != rules_.end()) {
        RuleScopes(*found->second);  // the rule replaced or deleted
      } else if (!rule->is_object()) {
        EveryRoot();  // deleted but not found: cannot say where it held
      }
    } else if (concerns == "request") {
      const std::string* id = String(op, "request");
      if (id == nullptr) return;
      if (!Index()) return EveryRoot();
      auto found = requests_.find(*id);
      if (found == requests_.end()) return EveryRoot();
      const Json& request = *found->second;
      Walk(request);
      if (depth == 0 && request.contains("operation")) {
        const std::string* requester = String(request, "requester");
        Unnamed(request["operation"], requester ? *requester : "", depth + 1);
      }
    }
  }

 private:
  // Builds the indexes of the bundle before the change; false when it is not known.
  bool Index() {
    if (indexed_) return bundle_ != nullptr;
    indexed_ = true;
    bundle_ = bundle_before_ ? bundle_before_() : nullptr;
    if (bundle_ == nullptr || !bundle_->is_object()) {
      bundle_ = nullptr;
      return false;
    }
    auto list = [&](const char* key) -> const Json& {
      static const Json kEmpty = Json::array();
      auto it = bundle_->find(key);
      return it != bundle_->end() && it->is_array() ? *it : kEmpty;
    };
    for (const Json& s : list("scopes")) {
      const std::string* id = String(s, "id");
      const bool root = !s.contains("parent") || s["parent"].is_null();
      if (id != nullptr && root) roots_.push_back(*id);
    }
    for (const Json& b : list("bindings")) {
      const std::string* m = String(b, "member");
      const std::string* s = String(b, "scope");
      if (m != nullptr && s != nullptr) member_scopes_[*m].push_back(*s);
    }
    for (const Json& m : list("members")) {
      const std::string* id = String(m, "id");
      const std::string* added = String(m, "addedTo");
      if (id != nullptr && added != nullptr) member_scopes_[*id].push_back(*added);
    }
    for (const Json& r : list("approvalRequests")) {
      if (const std::string* id = String(r, "id")) requests_[*id] = &r;
    }
    for (const Json& r : list("approvalRules")) {
      if (const std::string* id = String(r, "id")) rules_[*id] = &r;
    }
    return true;
  }

  void EveryRoot() {
    if (!Index()) {
      out.scopes.insert("");
      return;
    }
    out.scopes.insert(roots_.begin(), roots_.end());
  }

  void MemberScopes(const std::string& member) {
    if (member.empty()) return;
    if (!Index()) {
      out.scopes.insert("");
      return;
    }
    auto it = member_scopes_.find(member);
    if (it != member_scopes_.end()) out.scopes.insert(it->second.begin(), it->second.end());
  }

  // An approval rule holds on its `scopes`, or everywhere without them.
  void RuleScopes(const Json& rule) {
    auto it = rule.find("scopes");
    if (it == rule.end() || !it->is_array() || it->empty()) return EveryRoot();
    for (const Json& s : *it) {
      if (s.is_string()) out.scopes.insert(s.get<std::string>());
    }
  }

  const std::function<const Json*()>& bundle_before_;
  bool indexed_ = false;
  const Json* bundle_ = nullptr;
  std::vector<std::string> roots_;
  std::map<std::string, std::vector<std::string>> member_scopes_;
  std::map<std::string, const Json*> requests_, rules_;
};

}  // namespace

AuditSubjects SubjectsOfEntry(const std::string& actor, const Json& detail,
                              const std::function<const Json*()>& bundle_before) {
  Collector c(bundle_before);
  if (!actor.empty()) c.out.members.insert(actor);
  c.Walk(detail);
  if (detail.is_object()) {
    auto cs = detail.find("changeSet");
    if (cs != detail.end() && cs->is_object()) {
      auto ops = cs->find("operations");
      if (ops != cs->end() && ops->is_array()) {
        for (const Json& op : *ops) c.Unnamed(op, actor, 0);
      }
    }
  }
  return std::move(c.out);
}

}  // namespace rolegate::server
