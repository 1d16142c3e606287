// Reading a change set (changeset.h): its header, then each operation through
// its kind's `read` (ops/*.cc), then the typed operations.
#include "change/changeset.h"

#include "base/text.h"
#include "bundle.h"
#include "change/op_reader.h"
#include "change/registry.h"
#include "shape.h"

namespace rolegate {
namespace internal {
namespace {

// Whether `op` is of a kind by which the actor comes into being (register).
bool CreatesActor(const Json& op) {
  if (!op.is_object()) return false;
  auto name = op.find("op");
  if (name == op.end() || !name->is_string()) return false;
  const OpKind* kind = FindOpKind(name->get<std::string>());
  return kind != nullptr && (kind->creates & kCreatesActor) != 0;
}

}  // namespace

Errors ReadOperation(const Model& m, const Json& op) {
  Errors errors;
  Limits limits;
  OpReader(m, limits, &errors).Operation(op, "");
  SortErrors(&errors);
  return errors;
}

Errors ReadChangeSet(const Model& m, const Json& doc, const Limits& limits, ChangeSet* out) {
  Errors errors;
  Shape shape(&errors);
  if (!shape.Object(doc, "", {"$schema", "format", "baseRevision", "actor", "now", "operations"})) {
    return errors;
  }
  shape.String(doc, "$schema", "", false);  // for editors; the engine ignores it
  if (const std::string* f = shape.String(doc, "format", "", false);
      f && *f != "rolegate-changeset/1") {
    shape.Add("unsupported_format", "/format",
              "unsupported format " + Q(*f) + ": expected `rolegate-changeset/1`");
  }
  if (const std::string* r = shape.String(doc, "baseRevision", "", true)) {
    out->base_revision = *r;
  }
  const Json* operations = shape.Array(doc, "operations", "", true, limits.max_rules);
  // Who registers is the member being registered: they act before they exist.
  std::string registering;
  if (operations != nullptr && !operations->empty()) {
    const Json& first = (*operations)[0];
    if (CreatesActor(first) && first.contains("member") && first["member"].is_object() &&
        first["member"].contains("id") && first["member"]["id"].is_string()) {
      registering = first["member"]["id"].get<std::string>();
    }
  }
  if (const std::string* a = shape.Id(doc, "actor", "", true)) {
    out->actor = *a;
    if (!m.member_index.count(*a) && *a != registering) {
      shape.Add("unknown_member", "/actor", "unknown member " + Q(*a));
    }
  }
  if (const std::string* n = shape.Timestamp(doc, "now", "", true)) out->now = *n;
  if (operations != nullptr) {
    OpReader reader(m, limits, &errors);
    for (size_t i = 0; i < operations->size(); ++i) {
      const Json& op = (*operations)[i];
      std::string p = PointerAppend("/operations", i);
      reader.Operation(op, p);
      if (CreatesActor(op) && (i != 0 || registering.empty() || registering != out->actor)) {
        shape.Add("invalid_value", p,
                  "`" + op["op"].get<std::string>() +
                      "` must be the first operation, by the member it registers");
      }
    }
  }
  if (doc.contains("baseRevision") && doc["baseRevision"].is_string() &&
      out->base_revision != m.revision) {
    errors.push_back({"stale_revision", "/baseRevision",
                      "the change set was built on revision " + Q(out->base_revision) +
                          ", but the bundle is at " + Q(m.revision)});
  }
  SortErrors(&errors);
  if (errors.empty()) {
    for (const Json& op : *operations) out->operations.push_back(TypedOperation(op));
  }
  return errors;
}

}  // namespace internal
}  // namespace rolegate
