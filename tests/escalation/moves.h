// Internals of operation generation (moves.cc, actors.cc, definitions.cc).
#ifndef ROLEGATE_TESTS_ESCALATION_MOVES_H_
#define ROLEGATE_TESTS_ESCALATION_MOVES_H_

#include <string>
#include <vector>

#include "generate.h"

namespace esc {

// What a generator draws on: the state, its time and a tag for new ids.
struct Ctx {
  Rng& rng;
  const World& w;
  const std::string& now;
  std::string tag;
};

bool Has(const std::vector<std::string>& v, const std::string& x);
std::vector<std::string> WithStatus(const World& w, const std::vector<std::string>& statuses);
// A member with a live managing role, most of the time; anyone otherwise.
std::string PickActor(Ctx& c);
bool Grants(const World& w, const BindingDef& b, const std::string& perm);
// Most of the time, a member holding `perm` through live bindings covering each of
// `scopes`; anyone otherwise.
std::string ActorOn(Ctx& c, const std::string& perm, const std::vector<std::string>& scopes);
// Whether `actor` manages `member` wherever the member holds a role (or where it
// was added, when it holds none).
bool Reaches(const World& w, const std::string& actor, const std::string& member,
             const std::string& now);
// Most of the time, a member who reaches `member`; anyone otherwise.
std::string ActorFor(Ctx& c, const std::string& member);
// A scope where `role` may be bound (rarely any scope).
std::string BindableScope(Ctx& c, const std::string& role);
std::vector<std::string> Customs(const World& w);

// define_role / edit_role / delete_role, and set_approval_rule, with their actor:
// within the actor's power but for one thing at a time (definitions.cc).
Json RoleOp(Ctx& c, const std::string& kind, std::string* actor);
Json RuleOp(Ctx& c, std::string* actor);

}  // namespace esc

#endif  // ROLEGATE_TESTS_ESCALATION_MOVES_H_
