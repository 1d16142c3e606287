// The rolegate engine: include this one header.
#ifndef ROLEGATE_ROLEGATE_H_
#define ROLEGATE_ROLEGATE_H_

#include "rolegate/decision.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"
#include "rolegate/operations.h"
#include "rolegate/policy.h"
#include "rolegate/request.h"
#include "rolegate/scenario.h"

#endif  // ROLEGATE_ROLEGATE_H_
