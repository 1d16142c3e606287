// `rolegate simulate BUNDLE CHANGESET [--bundle-after]`: what a change set would do.
//
// CHANGESET is a file or "-" (stdin), format rolegate-changeset/1 (docs/changes.md).
// json (default): the canonical simulation result, with "bundleAfter" when
//       --bundle-after is given.
// text: a report for an administrator, with names from the bundle:
//
//   #0 change_role m-raj on acc-1001 -> billing.super_admin: DENY
//     because:
//       - <reason message>
//     requires:
//       - needs 1 approval under rule orders.large from: Bea Lee (m-bea)
//   (a request_role also says who decides:
//     "  request role-request-1, decided by one of: Olivia Hart (m-olivia), ...")
//
//   Access changes:
//     Raj Patel (m-raj) gains 3 permissions on 1 scope, loses 0
//       + billing.x (Label) on Leeds head office (acc-1001)
//
//   Violations:
//     warning: <message>
//
//   Notifications:
//     #0 role_upgraded to Raj Patel (m-raj) via email, by Olivia Hart (m-olivia)
//
//   summary: 1 allowed, 0 conditional, 0 denied; can be applied (revision A -> B)
//
// Exit 0 when the change set can be applied (summary.blocked is false), 2 when it is
// blocked (something denied, conditional or breaking an error invariant), 3 invalid
// input (including a stale baseRevision), 1 internal error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kJson;

// The value of `key` in `object`, or null when absent.
const Json& Field(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it != object.end() ? *it : kNull;
}

// The array at `key` in `object`, or an empty array when absent or not an array.
const Json& ArrayField(const Json& object, const char* key) {
  static const Json kEmpty = Json::array();
  const Json& value = Field(object, key);
  return value.is_array() ? value : kEmpty;
}

// The id an operation field names: the string itself, or an object's "id".
std::string IdOf(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return StringField(value, "id");
}

// "3" for an integer at `key`, "?" for anything else.
std::string Count(const Json& object, const char* key) {
  const Json& value = Field(object, key);
  return value.is_number_integer() ? Canonical(value) : "?";
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Operations whose `role` is the role the member ends up with (shown "-> role");
// in the others `role` names what is revoked, removed, defined or deleted.
bool SetsRole(const std::string& op) {
  static const std::vector<rolegate::OperationKind> kinds = rolegate::OperationKinds();
  for (const rolegate::OperationKind& k : kinds) {
    if (k.name == op) return k.gives_role;
  }
  return false;
}

// "change_role m-raj on acc-1001 -> billing.super_admin", from the submitted
// operation (ids as written in the change set).
std::string DescribeOperation(const std::string& op_name, const Json& op) {
  std::string out = op_name;
  if (!op.is_object()) return out;
  const auto field = [&op](const char* key) -> const Json* {
    const auto it = op.find(key);
    return it == op.end() ? nullptr : &*it;
  };
  const bool sets_role = SetsRole(op_name);
  if (const Json* member = field("member")) out += " " + IdOf(*member);
  if (const Json* members = field("members"); members && members->is_array()) {
    out += " " + Plural(members->size(), "new member", "new members");
  }
  if (const Json* role = field("role"); role && !sets_role) out += " " + IdOf(*role);
  if (const Json* rule = field("rule")) out += " " + IdOf(*rule);
  if (const Json* request = field("request")) out += " " + IdOf(*request);
  if (const Json* decision = field("decision")) out += " " + IdOf(*decision);
  if (const Json* action = field("action")) out += " " + IdOf(*action);
  std::string scopes;
  if (const Json* scope = field("scope")) scopes = IdOf(*scope);
  for (const Json& scope : ArrayField(op, "scopes")) {
    scopes += (scopes.empty() ? "" : ", ") + IdOf(scope);
  }
  if (!scopes.empty()) out += " on " + scopes;
  if (const Json* role = field("role"); role && sets_role) out += " -> " + IdOf(*role);
  if (const Json* setup = field("setup")) out += " (setup " + IdOf(*setup) + ")";
  return out;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// Reason codes that explain an allow: not shown for a denied or conditional check.
bool IsAllowReason(const std::string& code) { return code == "granted_by" || code == "claimable"; }

void AddUnique(std::vector<std::string>* lines, std::string line) {
  if (std::find(lines->begin(), lines->end(), line) == lines->end()) {
    lines->push_back(std::move(line));
  }
}

// The members named by `ids`, by name: "Bea Lee (m-bea), Carl Roy (m-carl)".
std::string MemberList(const Names& names, const Json& ids) {
  std::string out;
  for (const Json& id : ids) out += (out.empty() ? "" : ", ") + names.Member(IdOf(id));
  return out.empty() ? "nobody" : out;
}

// The requirements of an operation, as explain words them.
std::vector<std::string> RequirementLines(const Names& names, const Json& requirements) {
  std::vector<std::string> lines;
  for (const Json& approval : ArrayField(requirements, "approvals")) {
    const auto quorum = approval.find("quorum");
    const std::string n =
        quorum != approval.end() && quorum->is_number_integer() ? Canonical(*quorum) : "1";
    std::string line = "needs " + n + (n == "1" ? " approval" : " approvals") + " under rule " +
                       StringField(approval, "rule") +
                       " from: " + MemberList(names, ArrayField(approval, "approvers"));
    if (approval.contains("expiresAfterDays")) {
      line += " (expires after " + Canonical(approval["expiresAfterDays"]) + " days)";
    }
    AddUnique(&lines, line);
  }
  for (const Json& verification : ArrayField(requirements, "verifications")) {
    std::string line = "needs verification " + StringField(verification, "method");
    if (verification.contains("validForDays")) {
      line += ", valid " + Canonical(verification["validForDays"]) + " days";
    }
    AddUnique(&lines, line);
  }
  return lines;
}

// One operation: its headline and, unless allowed, why and what it needs.
void PrintOperation(const Names& names, const Json& change_set, const Json& op_result) {
  const Json& submitted = ArrayField(change_set, "operations");
  const auto index = op_result.find("index");
  const Json* op = nullptr;
  std::string number = "?";
  if (index != op_result.end() && index->is_number_integer() && index->get<int64_t>() >= 0) {
    const auto i = static_cast<size_t>(index->get<int64_t>());
    number = std::to_string(i);
    if (i < submitted.size()) op = &submitted[i];
  }
  const std::string effect = StringField(op_result, "effect");
  std::cout << '#' << number << ' '
            << DescribeOperation(StringField(op_result, "op"), op ? *op : Json()) << ": "
            << Upper(effect) << '\n';
  if (const auto request = op_result.find("request");
      request != op_result.end() && request->is_object()) {
    std::cout << "  request " << StringField(*request, "id")
              << ", decided by one of: " << MemberList(names, ArrayField(*request, "deciders"));
    if (request->contains("expiresAt")) {
      std::cout << " (lapses " << StringField(*request, "expiresAt") << ")";
    }
    std::cout << '\n';
  }
  if (effect == "allow") return;

  std::vector<std::string> because;
  for (const Json& reason : ArrayField(op_result, "reasons")) {
    const std::string message = StringField(reason, "message");
    AddUnique(&because, message.empty() ? StringField(reason, "code") : message);
  }
  for (const Json& check : ArrayField(op_result, "checks")) {
    if (StringField(check, "effect") == "allow") continue;
    for (const Json& reason : ArrayField(check, "reasons")) {
      const std::string code = StringField(reason, "code");
      if (IsAllowReason(code)) continue;
      const std::string message = StringField(reason, "message");
      AddUnique(&because, message.empty() ? code : message);
    }
  }
  if (!because.empty()) {
    std::cout << "  because:\n";
    for (const std::string& line : because) std::cout << "    - " << line << '\n';
  }
  const std::vector<std::string> requires_lines =
      RequirementLines(names, Field(op_result, "requirements"));
  if (!requires_lines.empty()) {
    std::cout << "  requires:\n";
    for (const std::string& line : requires_lines) std::cout << "    - " << line << '\n';
  }
}

// "up to rank 30", or "none" for null.
std::string RankWord(const Json& rank, const char* prefix) {
  return rank.is_number_integer() ? prefix + std::to_string(rank.get<int64_t>()) : "none";
}

// The lines of a member's change in power: whom they manage and see, per scope.
std::vector<std::string> PowerLines(const Names& names, const Json& power) {
  std::vector<std::string> out;
  for (const Json& item : ArrayField(power, "manages")) {
    const Json& from = Field(item, "from");
    const Json& to = Field(item, "to");
    const std::string family = StringField(item, "family");
    const std::string where = " on " + names.Scope(StringField(item, "scope"));
    if (to.is_null()) {
      out.push_back("no longer manages " + family + " roles" + where + " (was " +
                    RankWord(from, "up to rank ") + ")");
    } else {
      const bool more = from.is_null() || to.get<int64_t>() > from.get<int64_t>();
      out.push_back("can now manage " + family +
                    (more ? " roles up to rank " : " roles only up to rank ") +
                    std::to_string(to.get<int64_t>()) + where + " (was " +
                    RankWord(from, "up to rank ") + ")");
    }
  }
  for (const Json& item : ArrayField(power, "sees")) {
    const Json& from = Field(item, "from");
    const Json& to = Field(item, "to");
    const std::string what = StringField(item, "field") == "email"
                                 ? "the e-mail of " + StringField(item, "family") + " members"
                                 : StringField(item, "family") + " members";
    const std::string where = " on " + names.Scope(StringField(item, "scope"));
    if (to.is_null()) {
      out.push_back("no longer sees " + what + where + " (was " + RankWord(from, "from rank ") +
                    ")");
    } else {
      out.push_back("now sees " + what + " from rank " + std::to_string(to.get<int64_t>()) + where +
                    " (was " + RankWord(from, "from rank ") + ")");
    }
  }
  // What they could start for themself: self-upgrades on a scope, claims within one.
  struct Offer {
    const char* part;
    const char* verb;  // after "may now " / "may no longer "
    const char* where;
    const char* scope;
    const char* rule;
  };
  for (const Offer& o :
       {Offer{"selfUpgrades", "ask to upgrade to ", " on ", "scope", "self-upgrade"},
        Offer{"claims", "claim ", " within ", "within", "claim"}}) {
    for (const auto& [when, key] :
         {std::pair<const char*, const char*>{"may now ", "gained"},
          std::pair<const char*, const char*>{"may no longer ", "lost"}}) {
      for (const Json& item : ArrayField(Field(power, o.part), key)) {
        out.push_back(std::string(when) + o.verb + names.Role(StringField(item, "role")) + o.where +
                      names.Scope(StringField(item, o.scope)) + " (" + o.rule + " " +
                      StringField(item, "rule") + ")");
      }
    }
  }
  return out;
}

// " (needs 1 approval under rule r from: A, B)" for a permission gained that the
// member may use only with approval, worded as the requirements are.
std::string ApprovalNote(const Names& names, const Json& item) {
  std::string out;
  for (const Json& a : ArrayField(item, "approvals")) {
    const Json& quorum = Field(a, "quorum");
    const std::string n = quorum.is_number_integer() ? Canonical(quorum) : "1";
    out += std::string(out.empty() ? " (" : "; ") + "needs " + n +
           (n == "1" ? " approval" : " approvals") + " under rule " + StringField(a, "rule") +
           " from: " + MemberList(names, ArrayField(a, "approvers"));
  }
  return out.empty() ? out : out + ")";
}

void PrintAccessChanges(const Names& names, const Json& result) {
  const Json& members = ArrayField(Field(result, "accessDiff"), "members");
  if (members.empty()) {
    std::cout << "Access changes: none\n";
    return;
  }
  std::cout << "Access changes:\n";
  for (const Json& member : members) {
    const Json& gained = ArrayField(member, "gained");
    const Json& lost = ArrayField(member, "lost");
    const Json totals = member.value("totals", Json::object());
    const std::string n_gained = Count(totals, "gained");
    const std::string n_scopes = Count(totals, "scopes");
    std::cout << "  " << names.Member(StringField(member, "member")) << " gains " << n_gained
              << (n_gained == "1" ? " permission" : " permissions") << " on " << n_scopes
              << (n_scopes == "1" ? " scope" : " scopes") << ", loses " << Count(totals, "lost")
              << '\n';
    for (const auto& [sign, list] : {std::pair<const char*, const Json*>{"+", &gained},
                                     std::pair<const char*, const Json*>{"-", &lost}}) {
      for (const Json& item : *list) {
        std::cout << "    " << sign << ' ' << names.Permission(StringField(item, "permission"))
                  << " on " << names.Scope(StringField(item, "scope")) << ApprovalNote(names, item)
                  << '\n';
      }
    }
    const Json& roles = Field(member, "roles");
    for (const auto& [word, key] :
         {std::pair<const char*, const char*>{"now holds", "gained"},
          std::pair<const char*, const char*>{"no longer holds", "lost"}}) {
      for (const Json& item : ArrayField(roles, key)) {
        std::cout << "    " << word << ' ' << names.Role(StringField(item, "role")) << " on "
                  << names.Scope(StringField(item, "scope")) << '\n';
      }
    }
    for (const std::string& line : PowerLines(names, Field(member, "power"))) {
      std::cout << "    " << line << '\n';
    }
  }
}

// The violations of `result`; with `errors_only`, those of severity error.
void PrintViolations(const Json& result, bool errors_only) {
  std::vector<const Json*> shown;
  for (const Json& violation : ArrayField(result, "violations")) {
    if (!errors_only || StringField(violation, "severity") == "error") shown.push_back(&violation);
  }
  if (shown.empty()) {
    if (!errors_only) std::cout << "Violations: none\n";
    return;
  }
  std::cout << "Violations:\n";
  for (const Json* violation : shown) {
    std::cout << "  " << StringField(*violation, "severity") << ": "
              << StringField(*violation, "message") << '\n';
  }
}

void PrintNotifications(const Names& names, const Json& result) {
  const Json& events = ArrayField(result, "events");
  if (events.empty()) {
    std::cout << "Notifications: none\n";
    return;
  }
  std::cout << "Notifications:\n";
  for (const Json& event : events) {
    std::string line = "  ";
    const auto op = event.find("op");
    if (op != event.end() && op->is_number_integer()) line += "#" + Canonical(*op) + " ";
    line += StringField(event, "event") + " to " + names.Member(StringField(event, "to"));
    std::string channels;
    for (const Json& channel : ArrayField(event, "channels")) {
      channels += (channels.empty() ? "" : ", ") + IdOf(channel);
    }
    if (!channels.empty()) line += " via " + channels;
    const std::string by = StringField(event, "by");
    if (!by.empty()) {
      line += ", by " + names.Member(by);
      const std::string email = StringField(event, "byEmail");
      if (!email.empty()) line += " <" + email + ">";
    }
    std::cout << line << '\n';
  }
}

void PrintSummaryLine(const Json& result) {
  const Json summary = result.value("summary", Json::object());
  const auto blocked = summary.find("blocked");
  std::string verdict = "blocked: cannot be applied as it stands";
  if (blocked != summary.end() && blocked->is_boolean() && !blocked->get<bool>()) {
    verdict = "can be applied";
  }
  std::cout << "summary: " << Count(summary, "allowed") << " allowed, "
            << Count(summary, "conditional") << " conditional, " << Count(summary, "denied")
            << " denied; " << verdict << " (revision " << StringField(result, "baseRevision")
            << " -> " << StringField(result, "revisionAfter") << ")\n";
}

int RunSimulate(const std::string& bundle_path, const std::string& change_set_path,
                bool bundle_after, Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  const std::optional<Json> change_set = ReadJsonDocument(change_set_path, "change set", format);
  if (!change_set) return kExitInvalid;

  // The text report leaves the bundle out, so it is not asked for there.
  const Json result =
      bundle->loaded.policy->Simulate(*change_set, bundle_after && format == Format::kJson);
  if (format == Format::kJson) {
    PrintJson(result);
  } else if (IsFailure(result)) {
    PrintInvalidChangeSet(change_set_path, result);
  } else {
    PrintSimulationText(ChangeNames(ParseJson(bundle->text).value, *change_set), *change_set,
                        result);
  }
  return ExitCodeForSimulation(result);
}

}  // namespace

std::optional<Json> ReadJsonDocument(const std::string& path, const std::string& what,
                                     Format format) {
  std::string error;
  const std::optional<std::string> text = ReadInput(path, &error);
  if (!text) {
    std::cerr << "rolegate: " << error << "\n";
    return std::nullopt;
  }
  ParsedJson parsed = ParseJson(*text);
  if (!parsed.ok()) {
    if (format == Format::kJson) {
      PrintJson(ErrorsToJson(parsed.errors));
    } else {
      std::cout << "invalid " << what << " `" << path << "`:\n";
      PrintErrorLines(parsed.errors, std::cout, "  ");
    }
    return std::nullopt;
  }
  return std::move(parsed.value);
}

int ExitCodeForSimulation(const Json& result) {
  if (IsFailure(result)) return kExitInvalid;
  const auto summary = result.find("summary");
  if (summary == result.end() || !summary->is_object()) return kExitInternal;
  const auto blocked = summary->find("blocked");
  if (blocked == summary->end() || !blocked->is_boolean()) return kExitInternal;
  return blocked->get<bool>() ? kExitDeny : kExitOk;
}

void PrintInvalidChangeSet(const std::string& path, const Json& failed_result) {
  std::cout << "invalid change set `" << path << "`:\n";
  PrintErrorLines(failed_result, std::cout, "  ");
}

Names ChangeNames(const Json& bundle, const Json& change_set) {
  if (!bundle.is_object()) return Names();
  Json lists = Json::object();
  for (const char* key : {"members", "scopes", "roles", "permissions"}) {
    lists[key] = ArrayField(bundle, key);
  }
  for (const Json& op : ArrayField(change_set, "operations")) {
    if (!op.is_object()) continue;
    const auto member = op.find("member");
    if (member != op.end() && member->is_object()) lists["members"].push_back(*member);
    for (const Json& added : ArrayField(op, "members")) lists["members"].push_back(added);
    const auto role = op.find("role");
    if (role != op.end() && role->is_object()) lists["roles"].push_back(*role);
  }
  return Names(lists);
}

void PrintSimulationText(const Names& names, const Json& change_set, const Json& result) {
  const Json& operations = ArrayField(result, "operations");
  for (const Json& op_result : operations) PrintOperation(names, change_set, op_result);
  if (operations.empty()) std::cout << "no operations\n";
  std::cout << '\n';
  PrintAccessChanges(names, result);
  std::cout << '\n';
  PrintViolations(result, /*errors_only=*/false);
  std::cout << '\n';
  PrintNotifications(names, result);
  std::cout << '\n';
  PrintSummaryLine(result);
}

void PrintBlockers(const Names& names, const Json& change_set, const Json& result) {
  for (const Json& op_result : ArrayField(result, "operations")) {
    if (StringField(op_result, "effect") != "allow") PrintOperation(names, change_set, op_result);
  }
  PrintViolations(result, /*errors_only=*/true);
  PrintSummaryLine(result);
}

void AddSimulate(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, change_set;
    bool bundle_after = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("simulate", "show what a change set would do");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("CHANGESET", args->change_set, "change set file, or - for stdin")->required();
  cmd->add_flag("--bundle-after", args->bundle_after,
                "include the bundle after the change (json only)");
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunSimulate(args->bundle, args->change_set, args->bundle_after,
                                ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
