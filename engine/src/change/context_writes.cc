// Context's writes and records (context.h): what an operation changes in the
// state, the events it sends and the requests it leaves.
#include <algorithm>

#include "bundle.h"
#include "change/context.h"
#include "query/requests.h"
#include "shape.h"
#include "view.h"

namespace rolegate {
namespace internal {

void RereadMember(const Json& entry, Member* m) {
  m->status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
  m->registered = entry.value("registered", true);
  m->email = entry.value("email", "");
  m->name = entry.value("name", "");
  const Json inv = entry.value("invitation", Json::object());
  m->invitation_sent_at = inv.value("sentAt", "");
  m->invitation_expires_at = inv.value("expiresAt", "");
}

void Context::AddBinding(Edit* e, const std::string& member, const std::string& role,
                         const std::string& scope) {
  touching_.insert(member);
  e->changed = true;
  Json entry{{"member", member},
             {"role", role},
             {"scope", scope},
             {"grantedBy", actor_},
             {"grantedAt", now_}};
  if (e->json) {
    e->List("bindings").push_back(std::move(entry));
    return;
  }
  Binding b;
  b.member = *e->overlay.FindMember(member);  // the edit's state: it may add the member
  b.role = M().role_index.at(role);
  b.scope = M().scope_index.at(scope);
  b.id = member + "/" + role + "@" + scope;
  e->added.push_back(e->overlay.AddBinding(std::move(b), std::move(entry)));
}

void Context::AddMemberEntry(Edit* e, Json entry) {
  const std::string id = entry.value("id", "");
  touching_.insert(id);
  e->changed = true;
  // A member a load would report on (an e-mail that is malformed or may be
  // taken, the member limit reached) is added to the bundle itself, which is
  // then recompiled, so that the report is the load's own. Any other is added
  // to the overlay: adding many members costs in proportion to them, not to the
  // bundle times their number.
  const std::string email = entry.value("email", "");
  const std::string lower = Lower(email);  // as the load compares e-mails
  const size_t at = email.find('@');
  const bool malformed =
      !email.empty() && (at == std::string::npos || at == 0 || at + 1 == email.size());
  if (!e->json && (malformed || e->overlay.member_count() + 1 > Limits().max_members ||
                   (!lower.empty() && EmailMayBeTaken(e->overlay, lower)))) {
    e->J();
  }
  if (e->json) {
    e->List("members").push_back(std::move(entry));
    return;
  }
  Member m;
  m.id = id;
  m.email = email;
  m.name = entry.value("name", "");
  m.kind = entry.value("kind", "");
  m.branding_domain = entry.value("brandingDomain", "");
  m.language = entry.value("language", "");
  m.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
  m.registered = entry.value("registered", true);
  const Json inv = entry.value("invitation", Json::object());
  m.invitation_sent_at = inv.value("sentAt", "");
  m.invitation_expires_at = inv.value("expiresAt", "");
  if (entry.contains("addedTo"))
    m.added_to = M().scope_index.at(entry["addedTo"].get<std::string>());
  e->overlay.AddMember(std::move(m), std::move(entry), lower);
}

bool Context::EmailMayBeTaken(const Overlay& o, const std::string& lower) {
  if (emails_of_ != &M()) {
    checkpoint_emails_.clear();
    for (const Member& mb : M().members) {
      if (!mb.email.empty()) checkpoint_emails_.insert(Lower(mb.email));
    }
    emails_of_ = &M();
  }
  return checkpoint_emails_.count(lower) > 0 || o.AddedEmail(lower);
}

void Context::Emit(Outcome* out, size_t op, const char* event, const std::string& to, Json facts) {
  auto it = M().notification_rules.find(event);
  if (it == M().notification_rules.end()) return;
  const NotificationRule& rule = it->second;
  facts["event"] = event;
  facts["to"] = to;
  facts["op"] = static_cast<int64_t>(op);
  facts["channels"] = rule.channels;
  if (rule.reveal_actor || rule.reveal_actor_email) facts["by"] = actor_;
  if (rule.reveal_actor_email) {
    if (const Member* a = MemberById(actor_); a && !a->email.empty()) facts["byEmail"] = a->email;
  }
  if (rule.temporary_password) facts["temporaryPassword"] = true;
  out->events.push_back(std::move(facts));
}

void Context::Brand(Json* event) const {
  auto to = event->find("to");
  if (to == event->end() || !to->is_string()) return;
  const Member* mb = MemberById(to->get<std::string>());
  if (mb == nullptr) return;
  if (!mb->branding_domain.empty()) (*event)["brandingDomain"] = mb->branding_domain;
  if (!mb->language.empty()) (*event)["language"] = mb->language;
}

void Context::RequestApprovals(size_t index, const Json& op, Edit* e, Outcome* out) {
  Json& list = e->List("approvalRequests");
  e->changed = true;
  std::string group;
  for (const Json& a : out->approvals) {
    std::string id = NextId(list, "request-");
    if (group.empty()) group = id;
    Json attrs = OpAttributes(op);
    Json request{{"id", id},
                 {"group", group},
                 {"requester", actor_},
                 {"rule", a["rule"]},
                 {"action", a["action"]},
                 {"resource", a["resource"]},
                 {"attributes", attrs},
                 {"operation", WithoutProof(op)},
                 {"createdAt", now_},
                 {"decisions", Json::array()}};
    if (a.contains("expiresAfterDays")) {
      request["expiresAt"] = AddDays(now_, a["expiresAfterDays"].get<int64_t>());
    }
    list.push_back(request);
    for (const Json& approver : a["approvers"]) {
      Emit(out, index, "approval_requested", approver.get<std::string>(),
           Json{{"request", id},
                {"rule", a["rule"]},
                {"requester", actor_},
                {"action", a["action"]},
                {"scope", a["resource"]}});
    }
  }
}

Json Context::GrantOperation(const std::string& member, const std::string& role,
                             const std::string& scope) const {
  return RoleGrant(V(), member, role, scope);
}

std::vector<std::string> Context::Deciders(const std::string& requester, const Json& grant) const {
  return RoleDeciders(V(), requester, grant, now_);
}

bool Context::SeesEmail(const std::string& viewer, const std::string& target,
                        const std::string& scope_id) const {
  const Index* v = V().FindMember(viewer);
  const Index* t = V().FindMember(target);
  const Index* scope = M().scope_index.Get(scope_id);
  if (v == nullptr || t == nullptr || scope == nullptr) return false;
  if (V().member(*v).status != MemberStatus::kActive || V().member(*t).email.empty()) return false;
  const Model& m = M();
  const Scope& at = m.scopes[*scope];
  // The target's live roles on the scope, above it (reaching down) or below it.
  std::vector<const Role*> held;
  V().ForEachBindingOfMember(*t, [&](uint32_t b) {
    if (Model::Expired(V().binding(b), now_)) return;
    const BindingKey& k = V().key(b);
    const Scope& s = m.scopes[k.scope];
    if (Covers(V(), b, *scope) || (s.pre > at.pre && s.pre < at.subtree_end)) {
      held.push_back(&m.roles[k.role]);
    }
  });
  bool sees = false;
  V().ForEachBindingOfMember(*v, [&](uint32_t b) {
    if (sees || Model::Expired(V().binding(b), now_) || !Covers(V(), b, *scope)) return;
    for (const SeesRule& rule : m.roles[V().key(b).role].sees_rules) {
      if (!rule.email) continue;
      for (const Role* h : held) {
        if (h->rank >= rule.min_rank && std::find(rule.families.begin(), rule.families.end(),
                                                  h->family) != rule.families.end()) {
          sees = true;
        }
      }
    }
  });
  return sees;
}

Json Context::NewVerification(size_t op, const Json& v, const std::string& role,
                              const std::string& scope) const {
  return Json{{"id", VerificationId(op)},
              {"member", actor_},
              {"role", role},
              {"scope", scope},
              {"rule", v["rule"]},
              {"method", v["method"]},
              {"issuedAt", now_},
              {"expiresAt", AddDays(now_, v["validForDays"].get<int64_t>())}};
}

}  // namespace internal
}  // namespace rolegate
