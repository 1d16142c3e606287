#include "rolegate/request.h"

#include "shape.h"

namespace rolegate {

Errors ReadRequest(const Json& value, const std::string& pointer, Request* out) {
  Errors errors;
  internal::Shape shape(&errors);
  if (!shape.Object(value, pointer, {"actor", "action", "resource", "attributes", "now"})) {
    return errors;
  }
  if (const std::string* s = shape.Id(value, "actor", pointer, true)) out->actor = *s;
  if (const std::string* s = shape.Id(value, "action", pointer, true)) out->action = *s;
  if (const std::string* s = shape.Id(value, "resource", pointer, true)) out->resource = *s;
  if (const std::string* s = shape.Timestamp(value, "now", pointer, true)) out->now = *s;
  if (const Json* a = shape.ScalarMap(value, "attributes", pointer)) {
    out->attributes = *a;
    // Set only by the `register` operation of a change set: a request that
    // claimed it would reach the rules that serve a member registering.
    if (a->contains("registering")) {
      errors.push_back({"reserved_attribute", pointer + "/attributes/registering",
                        "`registering` is set by the `register` operation of a change set, "
                        "not by a request"});
    }
  } else {
    out->attributes = Json::object();
  }
  return errors;
}

Json RequestToJson(const Request& request) {
  return Json{{"actor", request.actor},
              {"action", request.action},
              {"resource", request.resource},
              {"now", request.now},
              {"attributes", request.attributes}};
}

}  // namespace rolegate
