// The operation kinds as the server of record asks about them: what an
// operation's kind says of it (rolegate/operations.h), never its name, so that a
// kind the engine adds needs nothing here.
#ifndef ROLEGATE_SERVER_KINDS_H_
#define ROLEGATE_SERVER_KINDS_H_

#include "rolegate/json.h"
#include "rolegate/operations.h"

namespace rolegate::server {

// The kind of operation `op` (its `op`), or null when it names none the engine knows.
const OperationKind* KindOf(const Json& op);

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_KINDS_H_
