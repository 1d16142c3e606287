// Simulation of change sets (docs/changes.md): operations run one by one against
// the state the allowed operations before them produced; each is authorised by
// the policy of that state. The pipeline, per operation:
//
//   ApplyOperation (registry.cc, ops/<kind>.cc)  what it asks for and changes
//   Context::RequestApprovals                     its approval requests, if any
//   Committer::Judge (commit.cc, invariants/)     keep the change, or refuse it
//   OperationResult (result.cc)                   what the answer says of it
//
// The result is canonical and deterministic.
#include <set>

#include "access.h"
#include "bundle.h"
#include "change/changeset.h"
#include "change/commit.h"
#include "change/context.h"
#include "change/registry.h"
#include "change/result.h"
#include "simulate.h"

namespace rolegate {
namespace internal {
namespace {

class Simulator {
 public:
  Simulator(const Policy& base, const ChangeSet& cs, bool recompile_each,
            const SoundnessChecks& checks)
      : cs_(cs), cx_(base, cs.actor, cs.now, checks), commit_(cx_, recompile_each) {}

  Json Run(bool include_bundle) {
    ResultBuilder result;
    RunOperations(&result);
    Violations violations = commit_.Finish();
    const std::string revision_after = RevisionAfter();
    Json after;
    if (include_bundle) {
      after = cx_.V().Materialize();
      after["revision"] = revision_after;
    }
    return result.Finish(
        cx_.base().revision(), revision_after,
        AccessDiff(cx_.base().model(), cx_.V(), cs_.now, cx_.touched(), cx_.touched_roles()),
        std::move(violations), std::move(after));
  }

  // The actor's verification records in the state the change set leaves
  // (Policy::OpenVerifications), and which of them it made.
  Json OpenVerifications() {
    ResultBuilder result;
    RunOperations(&result);
    std::set<std::string> before;
    for (const VerificationRecord& r : cx_.base().model().verifications) before.insert(r.id);
    Json open = Json::array(), made = Json::array();
    for (const VerificationRecord& r : cx_.V().model().verifications) {
      if (r.member != cs_.actor) continue;
      open.push_back(r.ToJson());
      if (!before.count(r.id)) made.push_back(r.id);
    }
    return Json{{"ok", true}, {"actor", cs_.actor}, {"verifications", open}, {"made", made}};
  }

 private:
  // Each operation in turn, on the state those before it left.
  void RunOperations(ResultBuilder* result) {
    for (size_t i = 0; i < cs_.operations.size(); ++i) {
      const Operation& op = cs_.operations[i];
      Outcome out;
      cx_.BeginOperation();
      Edit edit(cx_.V());
      ApplyOperation(cx_, i, op, &edit, &out);
      if (out.effect == Effect::kConditional && !out.approvals.empty()) {
        cx_.RequestApprovals(i, out.pending_operation ? *out.pending_operation : op.written, &edit,
                             &out);
      }
      if (out.effect != Effect::kDeny && edit.changed) commit_.Judge(i, op.written, &edit, &out);
      for (Json& e : out.events) cx_.Brand(&e);  // the recipient as the operation left them
      result->AddOperation(i, op, std::move(out));
    }
  }

  // The revision after: the base revision and the operations that changed it,
  // hashed, so that it costs nothing in proportion to the bundle.
  std::string RevisionAfter() const {
    if (commit_.applied().empty()) return cx_.base().revision();
    return ContentRevision(
        Json::array({cx_.base().revision(), cs_.actor, cs_.now, commit_.applied()}));
  }

  const ChangeSet& cs_;
  Context cx_;
  Committer commit_;
};

}  // namespace

Json SimulateWith(const Policy& policy, const Json& change_set, bool include_bundle,
                  bool recompile_each, const SoundnessChecks& checks) {
  ChangeSet cs;
  Errors errors = ReadChangeSet(policy.model(), change_set, Limits(), &cs);
  if (!errors.empty()) return ErrorsToJson(errors);
  return Simulator(policy, cs, recompile_each, checks).Run(include_bundle);
}

}  // namespace internal

Json Policy::Simulate(const Json& change_set, bool include_bundle) const {
  return internal::SimulateWith(*this, change_set, include_bundle, false);
}

Json Policy::OpenVerifications(const Json& change_set) const {
  internal::ChangeSet cs;
  Errors errors = internal::ReadChangeSet(model(), change_set, Limits(), &cs);
  if (!errors.empty()) return ErrorsToJson(errors);
  return internal::Simulator(*this, cs, false, internal::SoundnessChecks()).OpenVerifications();
}

}  // namespace rolegate
