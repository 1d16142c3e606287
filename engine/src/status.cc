#include "status.h"

#include <algorithm>
#include <vector>

namespace rolegate {
namespace internal {
namespace {

using S = MemberStatus;

// Where a move leads: a fixed status, the status the member had, or the status a
// suspension recorded.
enum class To { kFixed, kSame, kBlockedFrom, kDisabledFrom };

struct Move {
  const char* kind;
  const char* setup;  // activate_member only; "" for the others
  std::vector<S> from;
  To to;
  S status;  // with To::kFixed
};

// The state machine of status.h, as data: the only list of status moves.
const std::vector<Move>& Moves() {
  static const std::vector<Move> kMoves = {
      {"accept_invitation", "", {S::kInvited}, To::kFixed, S::kActive},
      {"activate_member", "assign_credentials", {S::kPending}, To::kFixed, S::kActive},
      {"activate_member", "send_invite", {S::kPending, S::kInvited}, To::kFixed, S::kInvited},
      {"activate_member", "activation_email", {S::kPending, S::kInvited}, To::kFixed, S::kInvited},
      {"activate_member", "activate_later", {S::kPending, S::kInvited}, To::kSame, S::kPending},
      {"resend_invitation", "", {S::kInvited}, To::kSame, S::kInvited},
      {"reset_password", "", {S::kActive, S::kInvited}, To::kSame, S::kActive},
      {"block", "", {S::kActive, S::kInvited, S::kPending, S::kDisabled}, To::kFixed, S::kBlocked},
      {"unblock", "", {S::kBlocked}, To::kBlockedFrom, S::kActive},
      {"disable", "", {S::kActive, S::kInvited, S::kPending}, To::kFixed, S::kDisabled},
      {"enable", "", {S::kDisabled}, To::kDisabledFrom, S::kActive},
      {"delete_member",
       "",
       {S::kActive, S::kInvited, S::kPending, S::kBlocked, S::kDisabled},
       To::kFixed,
       S::kRemoved},
  };
  return kMoves;
}

const Move* Find(const std::string& kind, const std::string& setup) {
  for (const Move& m : Moves()) {
    if (kind == m.kind && (std::string(m.setup).empty() || setup == m.setup)) return &m;
  }
  return nullptr;
}

// The status recorded under `field`, or active when none is (a bundle written
// before suspensions recorded it).
S Recorded(const Json& entry, const char* field) {
  auto it = entry.find(field);
  if (it == entry.end() || !it->is_string()) return S::kActive;
  return ParseStatus(it->get<std::string>()).value_or(S::kActive);
}

}  // namespace

std::optional<MemberStatus> NextStatus(const std::string& kind, const std::string& setup,
                                       MemberStatus from, const Json& entry, bool restore) {
  const Move* m = Find(kind, setup);
  if (m == nullptr) return std::nullopt;
  bool applies = false;
  for (S s : m->from) applies = applies || s == from;
  if (!applies) return std::nullopt;
  switch (m->to) {
    case To::kFixed:
      return m->status;
    case To::kSame:
      return from;
    case To::kBlockedFrom:
      return restore ? Recorded(entry, "blockedFrom") : S::kActive;
    case To::kDisabledFrom:
      return restore ? Recorded(entry, "disabledFrom") : S::kActive;
  }
  return std::nullopt;
}

std::string StatusesFrom(const std::string& kind, const std::string& setup) {
  const Move* m = Find(kind, setup);
  if (m == nullptr) return "";
  std::string out;
  for (size_t i = 0; i < m->from.size(); ++i) {
    if (i > 0) out += i + 1 == m->from.size() ? " or " : ", ";
    out += StatusName(m->from[i]);
  }
  return out;
}

std::vector<MemberStatus> StatusesOf(const std::string& kind) {
  std::vector<MemberStatus> out;
  for (const Move& m : Moves()) {
    if (kind != m.kind) continue;
    for (S s : m.from) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
  }
  return out;
}

void WriteStatus(const std::string& kind, MemberStatus from, MemberStatus to, Json* entry) {
  (*entry)["status"] = StatusName(to);
  if (kind == "block") (*entry)["blockedFrom"] = StatusName(from);
  if (kind == "disable") (*entry)["disabledFrom"] = StatusName(from);
  if (kind == "unblock" || kind == "delete_member") entry->erase("blockedFrom");
  if (kind == "enable" || kind == "delete_member") entry->erase("disabledFrom");
  // The invitation lasts while the member is invited, or suspended from it.
  if (to == S::kActive || to == S::kPending || to == S::kRemoved) entry->erase("invitation");
}

}  // namespace internal
}  // namespace rolegate
