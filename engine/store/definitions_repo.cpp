#include "store/definitions_repo.hpp"

#include "store/closeout_repo.hpp"
#include "store/definitions_repo_internal.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace rl::store {

namespace detail {

namespace {

using nlohmann::json;

// ---- verification rules as JSON ---------------------------------------------

json
rule_to_json(const model::RuleNode& r)
{
  using Kind = model::RuleNode::Kind;
  json j;
  switch (r.kind) {
  case Kind::all:
  case Kind::any: {
    json children = json::array();
    for (const model::RuleNode& c : r.children) {
      children.push_back(rule_to_json(c));
    }
    j[r.kind == Kind::all ? "all" : "any"] = children;
    break;
  }
  case Kind::tests:
    j["tests"] = r.selectors;
    j["min"] = r.min;
    break;
  case Kind::ci:
    j["ci"] = {{"workflow", r.workflow},
               {"job", r.job},
               {"branch", r.branch},
               {"conclusion", std::string(model::to_string(r.conclusion))}};
    break;
  case Kind::metric:
    j["metric"] = r.metric;
    j["op"] = r.op;
    j["value"] = r.value;
    break;
  }
  return j;
}

model::RuleNode
rule_from_json(const json& j)
{
  using Kind = model::RuleNode::Kind;
  model::RuleNode r;
  if (j.contains("all") || j.contains("any")) {
    r.kind = j.contains("all") ? Kind::all : Kind::any;
    for (const json& c : j.at(j.contains("all") ? "all" : "any")) {
      r.children.push_back(rule_from_json(c));
    }
  } else if (j.contains("tests")) {
    r.kind = Kind::tests;
    r.selectors = j.at("tests").get<std::vector<std::string>>();
    r.min = j.at("min").get<int>();
  } else if (j.contains("ci")) {
    r.kind = Kind::ci;
    const json& c = j.at("ci");
    r.workflow = c.at("workflow").get<std::string>();
    r.job = c.at("job").get<std::string>();
    r.branch = c.at("branch").get<std::string>();
    const std::string conclusion = c.at("conclusion").get<std::string>();
    const auto parsed = model::parse_enum<model::CiConclusion>(conclusion);
    if (!parsed) {
      throw util::StoreError("corrupt ledger: unknown CI conclusion '" + conclusion
                             + "' in a verification rule; delete the database to rebuild it from the YAML");
    }
    r.conclusion = *parsed;
  } else {
    r.kind = Kind::metric;
    r.metric = j.at("metric").get<std::string>();
    r.op = j.at("op").get<std::string>();
    r.value = j.at("value").get<double>();
  }
  return r;
}

} // namespace

// ---- JSON columns ------------------------------------------------------------

std::string
to_json(const std::vector<std::string>& items)
{
  return json(items).dump();
}

std::vector<std::string>
strings_from(const std::string& text)
{
  return json::parse(text).get<std::vector<std::string>>();
}

std::string
links_json(const std::vector<model::Link>& links)
{
  json out = json::array();
  for (const model::Link& l : links) {
    out.push_back({{"title", l.title}, {"path", l.path}});
  }
  return out.dump();
}

std::vector<model::Link>
links_from(const std::string& text)
{
  std::vector<model::Link> out;
  for (const json& j : json::parse(text)) {
    out.push_back({j.at("title").get<std::string>(), j.at("path").get<std::string>()});
  }
  return out;
}

std::string
verify_json(const std::optional<model::VerifyRules>& verify)
{
  if (!verify) {
    return "null";
  }
  json j = {{"rule", rule_to_json(verify->root)}};
  j["max_age_days"] = verify->max_age_days ? json(*verify->max_age_days) : json(nullptr);
  j["max_commits_behind"] = verify->max_commits_behind ? json(*verify->max_commits_behind) : json(nullptr);
  return j.dump();
}

std::optional<model::VerifyRules>
verify_from_json(const std::string& text)
{
  const json j = json::parse(text);
  if (j.is_null()) {
    return std::nullopt;
  }
  model::VerifyRules rules;
  rules.root = rule_from_json(j.at("rule"));
  if (!j.at("max_age_days").is_null()) {
    rules.max_age_days = j.at("max_age_days").get<int>();
  }
  if (j.contains("max_commits_behind") && !j.at("max_commits_behind").is_null()) {
    rules.max_commits_behind = j.at("max_commits_behind").get<int>();
  }
  return rules;
}

std::string
deferral_history_json(const std::vector<model::DeferralEvent>& history)
{
  json out = json::array();
  for (const model::DeferralEvent& e : history) {
    out.push_back({{"date", e.date},
                   {"event", std::string(model::to_string(e.event))},
                   {"milestone", e.milestone ? e.milestone->id : std::string()},
                   {"to", e.to},
                   {"note", e.note}});
  }
  return out.dump();
}

std::vector<model::DeferralEvent>
deferral_history_from(const std::string& text, const std::string& id)
{
  std::vector<model::DeferralEvent> out;
  try {
    for (const json& j : json::parse(text)) {
      model::DeferralEvent e;
      e.date = j.at("date").get<std::string>();
      const std::string kind = j.at("event").get<std::string>();
      const std::optional<model::DeferralEventKind> parsed = model::parse_enum<model::DeferralEventKind>(kind);
      if (!parsed) {
        throw std::runtime_error("unknown event '" + kind + "'");
      }
      e.event = *parsed;
      if (const std::string milestone = j.at("milestone").get<std::string>(); !milestone.empty()) {
        e.milestone = model::Ref{milestone, {}};
      }
      e.to = j.at("to").get<std::string>();
      e.note = j.at("note").get<std::string>();
      out.push_back(std::move(e));
    }
  } catch (const std::exception& e) {
    throw util::StoreError(
      fmt::format("corrupt ledger: the history of deferral {}: {}; delete the database to rebuild it", id, e.what()));
  }
  return out;
}

} // namespace detail

namespace {

// ---- SQL ---------------------------------------------------------------------

constexpr const char* k_delete_all_sql = R"sql(
  DELETE FROM deferral;
  DELETE FROM risk_history;
  DELETE FROM risk_invariant;
  DELETE FROM risk_milestone;
  DELETE FROM risk;
  DELETE FROM score_value;
  DELETE FROM score_row;
  DELETE FROM milestone_ci_run;
  DELETE FROM evidence_gap;
  DELETE FROM milestone_invariant;
  DELETE FROM invariant_verification;
  DELETE FROM invariant;
  DELETE FROM milestone_dependency;
  DELETE FROM milestone;
  DELETE FROM category;
  DELETE FROM phase;
  DELETE FROM fact;
  DELETE FROM score_dimension;
  DELETE FROM program;
  DELETE FROM source_file;
  DELETE FROM closeout_record;
)sql";

} // namespace

std::vector<SourceStamp>
read_source_stamps(SQLite::Database& db)
{
  std::vector<SourceStamp> stamps;
  SQLite::Statement q(db, "SELECT path, size, mtime_ns FROM source_file ORDER BY path");
  while (q.executeStep()) {
    stamps.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
  }
  return stamps;
}

void
replace_definitions(SQLite::Database& db,
                    const model::Definitions& definitions,
                    const std::vector<SourceStamp>& stamps,
                    const std::vector<model::CloseoutRecord>& records,
                    const std::vector<model::AuditEntry>& log)
{
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec(k_delete_all_sql);
  detail::insert_program(db, definitions);
  detail::insert_milestones(db, definitions);
  detail::insert_invariants(db, definitions);
  detail::insert_milestone_details(db, definitions);
  detail::insert_risks_and_deferrals(db, definitions);
  detail::insert_gates(db, definitions);
  detail::insert_records(db, records);
  detail::insert_stamps(db, stamps);
  append_audit_entries(db, log);
  transaction.commit();
}

std::vector<model::CloseoutRecord>
read_records(SQLite::Database& db)
{
  std::vector<model::CloseoutRecord> records;
  SQLite::Statement q(db, "SELECT milestone, record_json, source_path FROM closeout_record");
  while (q.executeStep()) {
    model::RecordParseError error;
    auto record = model::parse_record(q.getColumn(1).getString(), error);
    if (!record) {
      throw util::StoreError(fmt::format("corrupt ledger: closeout record of {}: {}; delete the "
                                         "database to rebuild it",
                                         q.getColumn(0).getString(),
                                         error.message));
    }
    record->origin = {q.getColumn(2).getString(), 1, 1};
    records.push_back(std::move(*record));
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return model::natural_less(a.milestone, b.milestone);
  });
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return model::natural_less(a.milestone, b.milestone);
  });
  return records;
}

void
replace_source_stamps(SQLite::Database& db, const std::vector<SourceStamp>& stamps)
{
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec("DELETE FROM source_file");
  detail::insert_stamps(db, stamps);
  transaction.commit();
}

model::Definitions
read_definitions(SQLite::Database& db)
{
  model::Definitions d;
  try {
    detail::read_program(db, d);
    detail::read_milestones(db, d);
    detail::read_invariants(db, d);
    detail::read_risks_and_deferrals(db, d);
  } catch (const nlohmann::json::exception& e) {
    throw util::StoreError(fmt::format("corrupt ledger: {}; delete the database to rebuild it "
                                       "from the YAML",
                                       e.what()));
  }
  return d;
}

} // namespace rl::store
