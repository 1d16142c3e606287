// The operations a bundle allows, the server section and notifications
// (docs/changes.md, section 1).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "base/text.h"
#include "change/events.h"
#include "change/registry.h"
#include "load/reader.h"
#include "member_fields.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {

void BundleReader::ReadOperations() {
  const Json* ops = shape_.Field(*doc_, "operations", "", false);
  if (ops == nullptr) return;
  if (!ops->is_object()) {
    shape_.Add("wrong_type", "/operations", "expected an object of operation kinds");
    return;
  }
  for (auto it = ops->begin(); it != ops->end(); ++it) {
    std::string p = PointerAppend("/operations", it.key());
    if (FindOpKind(it.key()) == nullptr) {
      shape_.Add("unknown_operation", p, "unknown operation kind " + Q(it.key()));
      continue;
    }
    const OpKind& kind = *FindOpKind(it.key());
    if (kind.no_entry != nullptr) {
      shape_.Add("invalid_value", p, Q(it.key()) + " " + kind.no_entry);
      continue;
    }
    // The fields the kind's entry may hold (OpKind::entry_fields).
    std::vector<std::string_view> fields = {"action", "requires"};
    if (kind.entry_fields & kInvitationValidForDays) fields.push_back("invitationValidForDays");
    if (kind.entry_fields & kRequestValidForDays) fields.push_back("requestValidForDays");
    if (kind.entry_fields & kSetups) fields.push_back("setups");
    if (!shape_.Object(it.value(), p, fields)) continue;
    OperationRule rule;
    if (const std::string* a = shape_.Id(it.value(), "action", p, true)) {
      rule.action = *a;
      if (!IsAction(*a)) {
        shape_.Add("unknown_action", PointerAppend(p, "action"), "unknown action " + Q(*a));
      } else if (kind.acts_on_member) {
        // An operation on another member is limited by rank: only a member who
        // manages the target (and the role handed out) may do it (docs/changes.md,
        // section 2a, I2).
        const Index* perm = m_->permission_index.Get(*a);
        if (perm == nullptr || !m_->permissions[*perm].rank_limited) {
          shape_.Add("invalid_value", PointerAppend(p, "action"),
                     Q(it.key()) +
                         " acts on a member, so its action must be a "
                         "rankLimited permission, and " +
                         Q(*a) + " is not one");
        }
      }
    }
    rule.invitation_valid_for_days =
        shape_.Integer(it.value(), "invitationValidForDays", p, false, 1, kMaxDays).value_or(0);
    rule.request_valid_for_days =
        shape_.Integer(it.value(), "requestValidForDays", p, false, 1, kMaxDays).value_or(0);
    rule.preconditions = ReadConditions(it.value(), "requires", p);
    for (const IdAt& setup : shape_.IdList(it.value(), "setups", p, false, 4, true)) {
      if (setup.id != "send_invite" && setup.id != "activation_email" &&
          setup.id != "assign_credentials" && setup.id != "activate_later") {
        shape_.Add("invalid_value", setup.pointer,
                   "unknown set-up option " + Q(setup.id) +
                       ": expected send_invite, activation_email, assign_credentials or "
                       "activate_later");
      } else if (std::find(rule.setups.begin(), rule.setups.end(), setup.id) != rule.setups.end()) {
        shape_.Add("invalid_value", setup.pointer,
                   "set-up option " + Q(setup.id) + " is listed twice");
      } else {
        rule.setups.push_back(setup.id);
      }
    }
    m_->operation_rules[it.key()] = std::move(rule);
  }
}

// "server": what the server of record asks of a caller for what only it serves
// (docs/server.md): a permission id each.

void BundleReader::ReadServer() {
  const Json* server = shape_.Field(*doc_, "server", "", false);
  if (server == nullptr) return;
  if (!shape_.Object(*server, "/server", {"auditPermission", "decisionsPermission"})) return;
  for (const char* key : {"auditPermission", "decisionsPermission"}) {
    if (const std::string* a = shape_.Id(*server, key, "/server", false)) {
      if (m_->permission_index.Get(*a) == nullptr) {
        shape_.Add("unknown_permission", PointerAppend("/server", key),
                   "unknown permission " + Q(*a));
      }
    }
  }
}

void BundleReader::ReadNotifications() {
  const Json* list = shape_.Array(*doc_, "notifications", "", false, limits_.max_rules);
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/notifications", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(
            item, p,
            {"event", "channels", "revealActor", "revealActorEmail", "temporaryPassword"})) {
      continue;
    }
    NotificationRule rule;
    const std::string* event = shape_.Id(item, "event", p, true);
    for (const IdAt& c : shape_.IdList(item, "channels", p, true, 16, true)) {
      rule.channels.push_back(c.id);
    }
    std::sort(rule.channels.begin(), rule.channels.end());
    rule.reveal_actor = shape_.Bool(item, "revealActor", p).value_or(false);
    rule.reveal_actor_email = shape_.Bool(item, "revealActorEmail", p).value_or(false);
    rule.temporary_password = shape_.Bool(item, "temporaryPassword", p).value_or(false);
    if (event == nullptr) continue;
    if (!InVocabulary(kEventKinds, *event)) {
      shape_.Add("invalid_value", PointerAppend(p, "event"), "unknown event " + Q(*event));
    } else if (!m_->notification_rules.emplace(*event, std::move(rule)).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "event"),
                 "event " + Q(*event) + " is configured twice");
    }
  }
}

}  // namespace internal
}  // namespace rolegate
