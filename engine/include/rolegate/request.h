// A request to decide: may `actor` do `action` on `resource`, now?
#ifndef ROLEGATE_REQUEST_H_
#define ROLEGATE_REQUEST_H_

#include <string>

#include "rolegate/error.h"
#include "rolegate/json.h"

namespace rolegate {

struct Request {
  std::string actor;                 // member id
  std::string action;                // permission id, self-upgrade action or claim action
  std::string resource;              // scope id
  std::string now;                   // YYYY-MM-DDTHH:MM:SSZ
  Json attributes = Json::object();  // strings, integers, booleans
};

// Reads a request object, checking its shape only (references are checked by
// Policy::Decide). Errors carry pointers under `pointer`.
Errors ReadRequest(const Json& value, const std::string& pointer, Request* out);

Json RequestToJson(const Request& request);

}  // namespace rolegate

#endif  // ROLEGATE_REQUEST_H_
