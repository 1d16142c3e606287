#include "status.h"

#include <algorithm>
#include <vector>

#include "change/operation.h"

namespace rolegate {
namespace internal {
namespace {

using S = MemberStatus;
using To = StatusMove::To;

const StatusMove* Find(const OpKind& kind, const std::string& setup) {
  if (kind.moves == nullptr) return nullptr;
  for (const StatusMove& m : *kind.moves) {
    if (std::string(m.setup).empty() || setup == m.setup) return &m;
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

std::optional<MemberStatus> NextStatus(const OpKind& kind, const std::string& setup,
                                       MemberStatus from, const Json& entry, bool restore) {
  const StatusMove* m = Find(kind, setup);
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

std::string StatusesFrom(const OpKind& kind, const std::string& setup) {
  const StatusMove* m = Find(kind, setup);
  if (m == nullptr) return "";
  std::string out;
  for (size_t i = 0; i < m->from.size(); ++i) {
    if (i > 0) out += i + 1 == m->from.size() ? " or " : ", ";
    out += StatusName(m->from[i]);
  }
  return out;
}

std::vector<MemberStatus> StatusesOf(const OpKind& kind) {
  std::vector<MemberStatus> out;
  if (kind.moves == nullptr) return out;
  for (const StatusMove& m : *kind.moves) {
    for (S s : m.from) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
  }
  return out;
}

void WriteStatus(const OpKind& kind, const std::string& setup, MemberStatus from, MemberStatus to,
                 Json* entry) {
  (*entry)["status"] = StatusName(to);
  const StatusMove* m = Find(kind, setup);
  const To how = m != nullptr ? m->to : To::kSame;
  const bool fixed = m != nullptr && m->to == To::kFixed;
  if (fixed && m->status == S::kBlocked) (*entry)["blockedFrom"] = StatusName(from);
  if (fixed && m->status == S::kDisabled) (*entry)["disabledFrom"] = StatusName(from);
  if (how == To::kBlockedFrom || to == S::kRemoved) entry->erase("blockedFrom");
  if (how == To::kDisabledFrom || to == S::kRemoved) entry->erase("disabledFrom");
  // The invitation lasts while the member is invited, or suspended from it.
  if (to == S::kActive || to == S::kPending || to == S::kRemoved) entry->erase("invitation");
}

}  // namespace internal
}  // namespace rolegate
