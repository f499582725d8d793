// The committed ledger files: their JSON form, and the rows they stand for.
#include "store/ledger_files.hpp"

#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "util/limits.hpp"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

namespace rl::store {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* k_format = "refactor-ledger.ledger/1";

// ---- writing -------------------------------------------------------------------

json
optional_time(const std::optional<model::Timestamp>& t)
{
  return t ? json(t->text()) : json(nullptr);
}

json
job_json(const model::CiJobRecord& j)
{
  return {{"id", j.id},
          {"name", j.name},
          {"status", j.status},
          {"conclusion", model::conclusion_text(j.conclusion)},
          {"started_at", optional_time(j.started_at)},
          {"completed_at", optional_time(j.completed_at)},
          {"steps", json::parse(j.steps_json.empty() ? "[]" : j.steps_json)}};
}

json
jobs_json(const std::vector<model::CiJobRecord>& jobs)
{
  json out = json::array();
  for (const model::CiJobRecord& j : jobs) {
    out.push_back(job_json(j));
  }
  return out;
}

json
run_json(const model::CiRunRecord& r)
{
  return {{"provider", r.provider},
          {"repository", r.repository},
          {"run_id", r.run_id},
          {"attempt", r.attempt},
          {"workflow_name", r.workflow_name},
          {"workflow_path", r.workflow_path},
          {"head_sha", r.head_sha},
          {"head_branch", r.head_branch},
          {"event", r.event},
          {"status", r.status},
          {"conclusion", model::conclusion_text(r.conclusion)},
          {"created_at", optional_time(r.created_at)},
          {"updated_at", optional_time(r.updated_at)},
          {"url", r.url},
          {"jobs", jobs_json(r.jobs)}};
}

json
evidence_json(const LedgerEvidence& e)
{
  const EvidenceHeader& h = e.header;
  json j = {{"kind", model::to_string(h.kind)},
            {"content_hash", h.content_hash},
            {"source", h.source},
            {"path", h.path},
            {"commit", h.commit},
            {"taken_at", h.taken_at.text()},
            {"recorded_at", h.recorded_at.text()},
            {"counts",
             {{"tests", e.counts.tests},
              {"passed", e.counts.passed},
              {"failed", e.counts.failed},
              {"errors", e.counts.errors},
              {"skipped", e.counts.skipped}}}};
  if (e.run) {
    j["run"] = run_json(*e.run);
  }
  if (!e.metrics.empty()) {
    json metrics = json::object();
    for (const auto& [name, value] : e.metrics) {
      metrics[name] = value;
    }
    j["metrics"] = metrics;
  }
  return j;
}

json
test_json(const LedgerTest& t)
{
  return json::array({t.identity,
                      model::to_string(t.status),
                      t.file,
                      t.suite,
                      t.duration ? json(*t.duration) : json(nullptr),
                      t.message.empty() ? json(nullptr) : json(t.message)});
}

std::string
dump(const json& j)
{
  // Invalid UTF-8 cannot reach here (the readers refuse it); replace rather
  // than throw all the same.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// "[\n<indent>a,\n<indent>b\n<outer>]", or "[]".
std::string
lines(const std::vector<std::string>& items, const std::string& indent, const std::string& outer)
{
  if (items.empty()) {
    return "[]";
  }
  std::string out = "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += indent + items[i] + (i + 1 < items.size() ? ",\n" : "\n");
  }
  return out + outer + "]";
}

// ---- reading -------------------------------------------------------------------

struct Bad
{
  std::string pointer;
  std::string message;
};

std::string
escape_pointer(const std::string& key)
{
  std::string out;
  for (const char c : key) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

// One JSON object being read: every key must be known, every value checked.
class Obj
{
public:
  Obj(const json& j, std::string pointer, std::initializer_list<const char*> keys)
    : m_j(j)
    , m_pointer(std::move(pointer))
  {
    if (!j.is_object()) {
      throw Bad{m_pointer, "expected an object"};
    }
    for (const auto& [key, value] : j.items()) {
      bool known = false;
      for (const char* k : keys) {
        known = known || key == k;
      }
      if (!known) {
        throw Bad{m_pointer + "/" + escape_pointer(key), fmt::format("unknown key '{}'", key)};
      }
    }
  }

  std::string at(const char* key) const
  {
    return m_pointer + "/" + key;
  }

  const json* find(const char* key) const
  {
    const auto it = m_j.find(key);
    return it == m_j.end() ? nullptr : &*it;
  }

  const json& get(const char* key) const
  {
    const json* v = find(key);
    if (v == nullptr) {
      throw Bad{m_pointer, fmt::format("missing key '{}'", key)};
    }
    return *v;
  }

  std::string text(const char* key) const
  {
    const json& v = get(key);
    if (!v.is_string()) {
      throw Bad{at(key), "expected a string"};
    }
    return v.get<std::string>();
  }

  std::string optional_text(const char* key) const
  {
    const json* v = find(key);
    if (v == nullptr || v->is_null()) {
      return {};
    }
    if (!v->is_string()) {
      throw Bad{at(key), "expected a string or null"};
    }
    return v->get<std::string>();
  }

  std::int64_t integer(const char* key, std::int64_t min) const
  {
    const json& v = get(key);
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX)) {
      throw Bad{at(key), "expected an integer"};
    }
    const std::int64_t n = v.get<std::int64_t>();
    if (n < min) {
      throw Bad{at(key), fmt::format("expected an integer of at least {}", min)};
    }
    return n;
  }

  model::Timestamp time(const char* key) const
  {
    const std::optional<model::Timestamp> t = model::Timestamp::parse(text(key));
    if (!t) {
      throw Bad{at(key), "expected a UTC time such as 2026-02-08T07:51:04Z"};
    }
    return *t;
  }

  std::optional<model::Timestamp> optional_time(const char* key) const
  {
    const std::string t = optional_text(key);
    if (t.empty()) {
      return std::nullopt;
    }
    const std::optional<model::Timestamp> parsed = model::Timestamp::parse(t);
    if (!parsed) {
      throw Bad{at(key), "expected a UTC time such as 2026-02-08T07:51:04Z, or null"};
    }
    return parsed;
  }

  std::optional<model::CiConclusion> conclusion(const char* key) const
  {
    const std::string c = text(key);
    if (c.empty()) {
      return std::nullopt;
    }
    const auto parsed = model::parse_enum<model::CiConclusion>(c);
    if (!parsed) {
      throw Bad{at(key), fmt::format("unknown conclusion '{}'", c)};
    }
    return parsed;
  }

  const json& array(const char* key) const
  {
    const json& v = get(key);
    if (!v.is_array()) {
      throw Bad{at(key), "expected an array"};
    }
    return v;
  }

private:
  const json& m_j;
  std::string m_pointer;
};

model::AuditEntry
audit_from(const json& j, const std::string& pointer)
{
  const Obj o(j, pointer, {"id", "at", "user", "action", "milestone", "command", "commit", "summary"});
  model::AuditEntry e{o.text("id"),
                      o.time("at").text(),
                      o.text("user"),
                      o.text("action"),
                      o.text("milestone"),
                      o.text("command"),
                      o.text("commit"),
                      o.text("summary")};
  if (e.id.empty()) {
    throw Bad{o.at("id"), "an audit entry needs its id"};
  }
  return e;
}

model::CiJobRecord
job_from(const json& j, const std::string& pointer)
{
  const Obj o(j, pointer, {"id", "name", "status", "conclusion", "started_at", "completed_at", "steps"});
  model::CiJobRecord job;
  job.id = o.integer("id", 0);
  job.name = o.text("name");
  job.status = o.text("status");
  job.conclusion = o.conclusion("conclusion");
  job.started_at = o.optional_time("started_at");
  job.completed_at = o.optional_time("completed_at");
  job.steps_json = dump(o.array("steps"));
  return job;
}

std::vector<model::CiJobRecord>
jobs_from(const Obj& o, const char* key)
{
  std::vector<model::CiJobRecord> out;
  const json& jobs = o.array(key);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    out.push_back(job_from(jobs[i], fmt::format("{}/{}", o.at(key), i)));
  }
  return out;
}

model::CiRunRecord
run_from(const json& j, const std::string& pointer)
{
  const Obj o(j,
              pointer,
              {"provider",
               "repository",
               "run_id",
               "attempt",
               "workflow_name",
               "workflow_path",
               "head_sha",
               "head_branch",
               "event",
               "status",
               "conclusion",
               "created_at",
               "updated_at",
               "url",
               "jobs"});
  model::CiRunRecord r;
  r.provider = o.text("provider");
  r.repository = o.text("repository");
  r.run_id = o.integer("run_id", 0);
  r.attempt = o.integer("attempt", 1);
  r.workflow_name = o.text("workflow_name");
  r.workflow_path = o.text("workflow_path");
  r.head_sha = o.text("head_sha");
  r.head_branch = o.text("head_branch");
  r.event = o.text("event");
  r.status = o.text("status");
  r.conclusion = o.conclusion("conclusion");
  r.created_at = o.optional_time("created_at");
  r.updated_at = o.optional_time("updated_at");
  r.url = o.text("url");
  r.jobs = jobs_from(o, "jobs");
  r.has_jobs = !r.jobs.empty();
  return r;
}

LedgerTest
test_from(const json& j, const std::string& pointer)
{
  if (!j.is_array() || j.size() != 6) {
    throw Bad{pointer, "expected [identity, status, file, suite, duration, message]"};
  }
  for (std::size_t i : {0U, 1U, 2U, 3U}) {
    if (!j[i].is_string()) {
      throw Bad{fmt::format("{}/{}", pointer, i), "expected a string"};
    }
  }
  LedgerTest t;
  t.identity = j[0].get<std::string>();
  if (t.identity.empty()) {
    throw Bad{pointer + "/0", "a test needs its identity"};
  }
  const auto status = model::parse_enum<model::ResultStatus>(j[1].get<std::string>());
  if (!status) {
    throw Bad{pointer + "/1",
              fmt::format("unknown test status; expected one of: {}", model::allowed_values<model::ResultStatus>())};
  }
  t.status = *status;
  t.file = j[2].get<std::string>();
  t.suite = j[3].get<std::string>();
  if (!j[4].is_null()) {
    if (!j[4].is_number() || !std::isfinite(j[4].get<double>()) || j[4].get<double>() < 0) {
      throw Bad{pointer + "/4", "expected a duration in seconds (a number of at least 0) or null"};
    }
    t.duration = j[4].get<double>();
  }
  if (!j[5].is_null()) {
    if (!j[5].is_string()) {
      throw Bad{pointer + "/5", "expected a message or null"};
    }
    t.message = j[5].get<std::string>();
  }
  return t;
}

LedgerEvidence
evidence_from(const json& j, const std::string& pointer)
{
  const Obj o(j,
              pointer,
              {"kind",
               "content_hash",
               "source",
               "path",
               "commit",
               "taken_at",
               "recorded_at",
               "counts",
               "tests",
               "run",
               "metrics"});
  LedgerEvidence e;
  const auto kind = model::parse_enum<model::EvidenceKind>(o.text("kind"));
  if (!kind) {
    throw Bad{o.at("kind"),
              fmt::format("unknown evidence kind; expected one of: {}", model::allowed_values<model::EvidenceKind>())};
  }
  e.header.kind = *kind;
  e.header.content_hash = o.text("content_hash");
  if (e.header.content_hash.size() != 64
      || e.header.content_hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw Bad{o.at("content_hash"), "expected a SHA-256 in lowercase hex"};
  }
  e.header.source = o.text("source");
  e.header.path = o.text("path");
  e.header.commit = o.text("commit");
  e.header.taken_at = o.time("taken_at");
  e.header.recorded_at = o.time("recorded_at");
  const Obj counts(o.get("counts"), o.at("counts"), {"tests", "passed", "failed", "errors", "skipped"});
  e.counts = {counts.integer("tests", 0),
              counts.integer("passed", 0),
              counts.integer("failed", 0),
              counts.integer("errors", 0),
              counts.integer("skipped", 0)};
  if (o.find("tests") != nullptr) {
    if (e.header.kind != model::EvidenceKind::junit) {
      throw Bad{o.at("tests"), "only junit evidence holds test results"};
    }
    const json& tests = o.array("tests");
    for (std::size_t i = 0; i < tests.size(); ++i) {
      e.tests.push_back(test_from(tests[i], fmt::format("{}/{}", o.at("tests"), i)));
    }
  }
  if (const json* run = o.find("run")) {
    if (e.header.kind != model::EvidenceKind::ci_run) {
      throw Bad{o.at("run"), "only ci_run evidence holds a run"};
    }
    e.run = run_from(*run, o.at("run"));
  } else if (e.header.kind == model::EvidenceKind::ci_run) {
    throw Bad{pointer, "ci_run evidence needs its 'run'"};
  }
  if (const json* metrics = o.find("metrics")) {
    if (!metrics->is_object()) {
      throw Bad{o.at("metrics"), "expected an object of metric name to number"};
    }
    for (const auto& [name, value] : metrics->items()) {
      if (name.empty() || !value.is_number() || !std::isfinite(value.get<double>())) {
        throw Bad{o.at("metrics") + "/" + escape_pointer(name), "expected a metric name and a finite number"};
      }
      e.metrics.emplace_back(name, value.get<double>());
    }
  }
  return e;
}

} // namespace

std::string
format_ledger_event(const LedgerEvent& event)
{
  std::vector<std::string> audit;
  audit.reserve(event.audit.size());
  for (const model::AuditEntry& a : event.audit) {
    // Not model::audit_entry_json: a command line may hold invalid UTF-8
    // (an argument of bytes), which dump() replaces here instead of throwing.
    audit.push_back(dump(json{{"id", a.id},
                              {"at", a.at},
                              {"user", a.user},
                              {"action", a.action},
                              {"milestone", a.milestone},
                              {"command", a.command},
                              {"commit", a.commit},
                              {"summary", a.summary}}));
  }
  std::vector<std::string> evidence;
  evidence.reserve(event.evidence.size());
  for (const LedgerEvidence& e : event.evidence) {
    std::string text = dump(evidence_json(e));
    if (e.header.kind == model::EvidenceKind::junit) {
      std::vector<std::string> tests;
      tests.reserve(e.tests.size());
      for (const LedgerTest& t : e.tests) {
        tests.push_back(dump(test_json(t)));
      }
      text.pop_back(); // '}'
      text += ",\"tests\":" + lines(tests, "      ", "    ") + "}";
    }
    evidence.push_back(std::move(text));
  }
  std::vector<std::string> jobs;
  jobs.reserve(event.jobs.size());
  for (const LedgerJobs& j : event.jobs) {
    jobs.push_back(dump(json{{"provider", j.provider},
                             {"repository", j.repository},
                             {"run_id", j.run_id},
                             {"attempt", j.attempt},
                             {"jobs", jobs_json(j.jobs)}}));
  }
  std::vector<std::string> approvals;
  approvals.reserve(event.approvals.size());
  for (const model::Approval& a : event.approvals) {
    approvals.push_back(dump(json{{"milestone", a.milestone},
                                  {"name", a.name},
                                  {"by", a.by},
                                  {"note", a.note},
                                  {"at", a.at},
                                  {"commit", a.commit}}));
  }
  return fmt::format("{{\n  \"format\": \"{}\",\n  \"audit\": {},\n  \"evidence\": {},\n  \"jobs\": {},\n  "
                     "\"approvals\": {}\n}}\n",
                     k_format,
                     lines(audit, "    ", "  "),
                     lines(evidence, "    ", "  "),
                     lines(jobs, "    ", "  "),
                     lines(approvals, "    ", "  "));
}

std::optional<LedgerEvent>
parse_ledger_event(const std::string& text, LedgerParseError& error)
{
  struct Refused
  {
    std::string message;
  };
  const json::parser_callback_t bounds = [](int depth, json::parse_event_t event, json& parsed) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)
        && static_cast<std::uint64_t>(depth) >= util::limits().depth) {
      throw Refused{fmt::format("nesting deeper than {} levels; {}", util::limits().depth, util::limit_help("depth"))};
    }
    if (event == json::parse_event_t::value && parsed.is_string()
        && parsed.get_ref<const std::string&>().size() > util::limits().token_bytes) {
      throw Refused{
        fmt::format("a string longer than {} bytes; {}", util::limits().token_bytes, util::limit_help("token-bytes"))};
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, bounds);
  } catch (const Refused& r) {
    error.message = r.message;
    return std::nullopt;
  } catch (const json::parse_error& e) {
    error.offset = e.byte > 0 ? e.byte - 1 : 0;
    const std::string what = e.what();
    const auto pos = what.find("; ");
    error.message = "not valid JSON: " + (pos == std::string::npos ? what : what.substr(pos + 2));
    return std::nullopt;
  } catch (const json::exception& e) {
    error.message = std::string("not a valid ledger file: ") + e.what();
    return std::nullopt;
  }
  try {
    const Obj top(j, "", {"format", "audit", "evidence", "jobs", "approvals"});
    if (top.text("format") != k_format) {
      throw Bad{"/format", fmt::format("not a ledger file of this version: expected \"{}\"", k_format)};
    }
    LedgerEvent event;
    const json& audit = top.array("audit");
    for (std::size_t i = 0; i < audit.size(); ++i) {
      event.audit.push_back(audit_from(audit[i], fmt::format("/audit/{}", i)));
    }
    const json& evidence = top.array("evidence");
    for (std::size_t i = 0; i < evidence.size(); ++i) {
      event.evidence.push_back(evidence_from(evidence[i], fmt::format("/evidence/{}", i)));
    }
    const json& jobs = top.array("jobs");
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const std::string pointer = fmt::format("/jobs/{}", i);
      const Obj o(jobs[i], pointer, {"provider", "repository", "run_id", "attempt", "jobs"});
      event.jobs.push_back({o.text("provider"),
                            o.text("repository"),
                            o.integer("run_id", 0),
                            o.integer("attempt", 1),
                            jobs_from(o, "jobs")});
    }
    const json& approvals = top.array("approvals");
    for (std::size_t i = 0; i < approvals.size(); ++i) {
      const std::string pointer = fmt::format("/approvals/{}", i);
      const Obj o(approvals[i], pointer, {"milestone", "name", "by", "note", "at", "commit"});
      event.approvals.push_back(
        {o.text("milestone"), o.text("name"), o.text("by"), o.text("note"), o.time("at").text(), o.text("commit")});
    }
    return event;
  } catch (const Bad& b) {
    error.pointer = b.pointer.empty() ? "/" : b.pointer;
    error.message = b.message;
    return std::nullopt;
  } catch (const json::exception& e) { // a number out of range, ...
    error.message = std::string("not a valid ledger file: ") + e.what();
    return std::nullopt;
  }
}

// ---- the rows ------------------------------------------------------------------

LedgerMark
ledger_mark(SQLite::Database& db)
{
  SQLite::Statement q(db,
                      "SELECT (SELECT coalesce(max(id), 0) FROM evidence), (SELECT coalesce(max(rowid), 0) FROM "
                      "ci_job), (SELECT coalesce(max(id), 0) FROM approval), (SELECT coalesce(max(seq), 0) FROM "
                      "audit_log)");
  q.executeStep();
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64()};
}

namespace {

model::CiJobRecord
job_of(SQLite::Statement& q)
{
  model::CiJobRecord j;
  j.id = q.getColumn("job_id").getInt64();
  j.name = q.getColumn("name").getString();
  j.status = q.getColumn("status").getString();
  j.conclusion = model::parse_enum<model::CiConclusion>(q.getColumn("conclusion").getString());
  const auto time = [&](const char* column) -> std::optional<model::Timestamp> {
    const std::string t = q.getColumn(column).getString();
    return t.empty() ? std::nullopt : model::Timestamp::parse(t);
  };
  j.started_at = time("started_at");
  j.completed_at = time("completed_at");
  j.steps_json = q.getColumn("steps").getString();
  return j;
}

std::vector<model::CiJobRecord>
jobs_of(SQLite::Database& db,
        const std::string& provider,
        const std::string& repository,
        std::int64_t run_id,
        std::int64_t attempt,
        std::int64_t after_rowid)
{
  SQLite::Statement q(db,
                      "SELECT * FROM ci_job WHERE provider = ? AND repository = ? AND run_id = ? AND attempt = ? AND "
                      "rowid > ? ORDER BY job_id");
  q.bind(1, provider);
  q.bind(2, repository);
  q.bind(3, run_id);
  q.bind(4, attempt);
  q.bind(5, after_rowid);
  std::vector<model::CiJobRecord> out;
  while (q.executeStep()) {
    out.push_back(job_of(q));
  }
  return out;
}

} // namespace

LedgerEvent
ledger_event_since(SQLite::Database& db, const LedgerMark& mark, const std::vector<std::string>& selectors)
{
  LedgerEvent event;
  std::unordered_map<std::int64_t, std::size_t> junit; // evidence id -> index in event.evidence
  SQLite::Statement ev(db, "SELECT * FROM evidence WHERE id > ? ORDER BY id");
  ev.bind(1, mark.evidence);
  while (ev.executeStep()) {
    LedgerEvidence e;
    const std::int64_t id = ev.getColumn("id").getInt64();
    // The column's CHECK allows only the kinds the enum names.
    e.header.kind =
      model::parse_enum<model::EvidenceKind>(ev.getColumn("kind").getString()).value_or(model::EvidenceKind::junit);
    e.header.content_hash = ev.getColumn("content_hash").getString();
    e.header.source = ev.getColumn("source").getString();
    e.header.path = ev.getColumn("path").getString();
    e.header.commit = ev.getColumn("commit_sha").getString();
    e.header.taken_at = read_time(ev.getColumn("taken_at"));
    e.header.recorded_at = read_time(ev.getColumn("recorded_at"));
    e.counts = {ev.getColumn("tests").getInt64(),
                ev.getColumn("passed").getInt64(),
                ev.getColumn("failed").getInt64(),
                ev.getColumn("errors").getInt64(),
                ev.getColumn("skipped").getInt64()};
    if (e.header.kind == model::EvidenceKind::ci_run) {
      SQLite::Statement r(db, "SELECT * FROM ci_run WHERE evidence_id = ?");
      r.bind(1, id);
      if (r.executeStep()) {
        model::CiRunRecord run;
        run.provider = r.getColumn("provider").getString();
        run.repository = r.getColumn("repository").getString();
        run.run_id = r.getColumn("run_id").getInt64();
        run.attempt = r.getColumn("attempt").getInt64();
        run.workflow_name = r.getColumn("workflow_name").getString();
        run.workflow_path = r.getColumn("workflow_path").getString();
        run.head_sha = r.getColumn("head_sha").getString();
        run.head_branch = r.getColumn("head_branch").getString();
        run.event = r.getColumn("event").getString();
        run.status = r.getColumn("status").getString();
        run.conclusion = model::parse_enum<model::CiConclusion>(r.getColumn("conclusion").getString());
        const std::string created = r.getColumn("created_at").getString();
        const std::string updated = r.getColumn("updated_at").getString();
        run.created_at = created.empty() ? std::nullopt : model::Timestamp::parse(created);
        run.updated_at = updated.empty() ? std::nullopt : model::Timestamp::parse(updated);
        run.url = r.getColumn("url").getString();
        run.jobs = jobs_of(db, run.provider, run.repository, run.run_id, run.attempt, 0);
        run.has_jobs = !run.jobs.empty();
        e.run = std::move(run);
      }
    } else if (e.header.kind != model::EvidenceKind::junit) {
      SQLite::Statement m(db, "SELECT name, value FROM metric WHERE evidence_id = ? ORDER BY name");
      m.bind(1, id);
      while (m.executeStep()) {
        e.metrics.emplace_back(m.getColumn(0).getString(), m.getColumn(1).getDouble());
      }
    } else {
      junit.emplace(id, event.evidence.size());
    }
    event.evidence.push_back(std::move(e));
  }
  // The selected tests' results among the rows the command appended (a range
  // of test_result's rowids: results are only appended).
  if (!junit.empty() && !selectors.empty()) {
    struct Selected
    {
      std::string identity;
      std::string file;
      std::string suite;
    };
    std::unordered_map<std::int64_t, Selected> selected;
    SQLite::Statement s(db,
                        "SELECT tc.id, tc.identity, src.file, src.suite FROM test_case AS tc JOIN test_source AS src "
                        "ON src.id = tc.source_id WHERE tc.identity GLOB ?");
    for (const std::string& selector : selectors) {
      s.bind(1, selector);
      while (s.executeStep()) {
        selected.emplace(s.getColumn(0).getInt64(),
                         Selected{s.getColumn(1).getString(), s.getColumn(2).getString(), s.getColumn(3).getString()});
      }
      s.reset();
    }
    if (!selected.empty()) {
      SQLite::Statement first(
        db,
        "SELECT coalesce(min(rowid), 0) FROM test_result WHERE evidence_id = (SELECT min(id) FROM evidence WHERE "
        "id > ? AND kind = 'junit')");
      first.bind(1, mark.evidence);
      first.executeStep();
      SQLite::Statement r(db,
                          "SELECT evidence_id, test_id, status, duration, message FROM test_result WHERE rowid >= ? "
                          "AND evidence_id > ? ORDER BY rowid");
      r.bind(1, first.getColumn(0).getInt64());
      r.bind(2, mark.evidence);
      while (r.executeStep()) {
        const auto it = selected.find(r.getColumn(1).getInt64());
        const auto e = junit.find(r.getColumn(0).getInt64());
        if (it == selected.end() || e == junit.end()) {
          continue;
        }
        LedgerTest t{it->second.identity,
                     it->second.file,
                     it->second.suite,
                     static_cast<model::ResultStatus>(r.getColumn(2).getInt()),
                     r.getColumn(3).isNull() ? std::nullopt : std::optional<double>(r.getColumn(3).getDouble()),
                     r.getColumn(4).isNull() ? std::string() : r.getColumn(4).getString()};
        event.evidence[e->second].tests.push_back(std::move(t));
      }
    }
  }
  // Jobs added to runs stored before the mark.
  SQLite::Statement runs(db,
                         "SELECT DISTINCT j.provider, j.repository, j.run_id, j.attempt FROM ci_job AS j JOIN ci_run "
                         "AS r USING (provider, repository, run_id, attempt) WHERE j.rowid > ? AND r.evidence_id <= ? "
                         "ORDER BY 1, 2, 3, 4");
  runs.bind(1, mark.job);
  runs.bind(2, mark.evidence);
  while (runs.executeStep()) {
    LedgerJobs j{runs.getColumn(0).getString(),
                 runs.getColumn(1).getString(),
                 runs.getColumn(2).getInt64(),
                 runs.getColumn(3).getInt64(),
                 {}};
    j.jobs = jobs_of(db, j.provider, j.repository, j.run_id, j.attempt, mark.job);
    event.jobs.push_back(std::move(j));
  }
  SQLite::Statement ap(db,
                       "SELECT milestone, name, by_user, note, at, commit_sha FROM approval WHERE id > ? ORDER BY id");
  ap.bind(1, mark.approval);
  while (ap.executeStep()) {
    event.approvals.push_back({ap.getColumn(0).getString(),
                               ap.getColumn(1).getString(),
                               ap.getColumn(2).getString(),
                               ap.getColumn(3).getString(),
                               ap.getColumn(4).getString(),
                               ap.getColumn(5).getString()});
  }
  SQLite::Statement au(
    db,
    "SELECT id, at, user, action, milestone, command, commit_sha, summary FROM audit_log WHERE seq > ? ORDER BY seq");
  au.bind(1, mark.audit);
  while (au.executeStep()) {
    event.audit.push_back({au.getColumn(0).getString(),
                           au.getColumn(1).getString(),
                           au.getColumn(2).getString(),
                           au.getColumn(3).getString(),
                           au.getColumn(4).getString(),
                           au.getColumn(5).getString(),
                           au.getColumn(6).getString(),
                           au.getColumn(7).getString()});
  }
  return event;
}

void
assign_ledger_file(SQLite::Database& db, const LedgerMark& mark, const std::string& file)
{
  SQLite::Statement e(db, "UPDATE evidence SET ledger_file = ? WHERE id > ?");
  e.bind(1, file);
  e.bind(2, mark.evidence);
  e.exec();
  SQLite::Statement a(db, "UPDATE approval SET ledger_file = ? WHERE id > ?");
  a.bind(1, file);
  a.bind(2, mark.approval);
  a.exec();
}

void
import_ledger_event(SQLite::Database& db, const LedgerEvent& event, const std::string& file, TestCaseCache& cache)
{
  WriteTransaction transaction(db);
  SQLite::Statement claim(
    db, "UPDATE evidence SET ledger_file = :file WHERE kind = :kind AND content_hash = :hash AND ledger_file IS NULL");
  for (const LedgerEvidence& e : event.evidence) {
    if (!evidence_exists(db, e.header.kind, e.header.content_hash)) {
      switch (e.header.kind) {
      case model::EvidenceKind::junit: {
        TestResultWriter writer(db, e.header, cache);
        TestResultBlock block;
        for (const LedgerTest& t : e.tests) {
          block.add(t.identity, t.file, t.suite, t.status, t.duration, t.message);
        }
        writer.add(block);
        writer.commit(e.counts, std::nullopt);
        break;
      }
      case model::EvidenceKind::ci_run:
        if (e.run) { // parse_ledger_event requires it
          store_ci_run(db, e.header, *e.run);
        }
        break;
      case model::EvidenceKind::coverage:
      case model::EvidenceKind::sarif:
      case model::EvidenceKind::metric:
        store_metrics(db, e.header, e.metrics);
        break;
      }
    }
    claim.bind(":file", file);
    claim.bind(":kind", std::string(model::to_string(e.header.kind)));
    claim.bind(":hash", e.header.content_hash);
    claim.exec();
    claim.reset();
  }
  for (const LedgerJobs& j : event.jobs) {
    store_ci_jobs(db, j.provider, j.repository, j.run_id, j.attempt, j.jobs); // run_unknown: its file is not here
  }
  SQLite::Statement approval(db, R"sql(
    INSERT INTO approval (milestone, name, by_user, note, at, commit_sha, ledger_file)
    SELECT :milestone, :name, :by, :note, :at, :commit, :file
    WHERE NOT EXISTS (SELECT 1 FROM approval WHERE milestone = :milestone AND name = :name AND by_user = :by
                      AND note = :note AND at = :at AND commit_sha = :commit)
  )sql");
  for (const model::Approval& a : event.approvals) {
    approval.bind(":milestone", a.milestone);
    approval.bind(":name", a.name);
    approval.bind(":by", a.by);
    approval.bind(":note", a.note);
    approval.bind(":at", a.at);
    approval.bind(":commit", a.commit);
    approval.bind(":file", file);
    approval.exec();
    approval.reset();
  }
  append_audit_entries(db, event.audit, AuditOrigin::carried);
  transaction.commit();
}

LedgerEvent
fold_ledger_events(const std::vector<LedgerEvent>& events,
                   const std::vector<std::string>& closed,
                   const std::vector<std::string>& carried,
                   std::int64_t& dropped)
{
  LedgerEvent out;
  dropped = 0;
  const std::set<std::string> closed_set(closed.begin(), closed.end());
  const std::set<std::string> carried_set(carried.begin(), carried.end());
  std::set<std::pair<model::EvidenceKind, std::string>> seen;
  std::set<std::string> audit_ids;
  for (const LedgerEvent& e : events) {
    for (const model::AuditEntry& a : e.audit) {
      if (!carried_set.contains(a.id) && audit_ids.insert(a.id).second) {
        out.audit.push_back(a);
      }
    }
    for (const LedgerEvidence& ev : e.evidence) {
      if (seen.insert({ev.header.kind, ev.header.content_hash}).second) {
        out.evidence.push_back(ev);
      }
    }
    out.jobs.insert(out.jobs.end(), e.jobs.begin(), e.jobs.end());
    for (const model::Approval& a : e.approvals) {
      if (!closed_set.contains(a.milestone)
          && std::find(out.approvals.begin(), out.approvals.end(), a) == out.approvals.end()) {
        out.approvals.push_back(a);
      }
    }
  }
  // The latest result of each test: taken last, then the later evidence (file
  // order), then the later row, as ingest decides it.
  struct Latest
  {
    model::Timestamp taken_at;
    std::size_t evidence = 0;
    std::size_t row = 0;
  };
  std::unordered_map<std::string, Latest> latest;
  for (std::size_t i = 0; i < out.evidence.size(); ++i) {
    const LedgerEvidence& ev = out.evidence[i];
    for (std::size_t r = 0; r < ev.tests.size(); ++r) {
      const Latest candidate{ev.header.taken_at, i, r};
      auto [it, inserted] = latest.try_emplace(ev.tests[r].identity, candidate);
      if (!inserted && it->second.taken_at <= candidate.taken_at) {
        it->second = candidate;
      }
    }
  }
  for (std::size_t i = 0; i < out.evidence.size(); ++i) {
    std::vector<LedgerTest>& tests = out.evidence[i].tests;
    std::vector<LedgerTest> kept;
    for (std::size_t r = 0; r < tests.size(); ++r) {
      const Latest& l = latest.at(tests[r].identity);
      if (l.evidence == i && l.row == r) {
        kept.push_back(std::move(tests[r]));
      } else {
        ++dropped;
      }
    }
    tests = std::move(kept);
  }
  return out;
}

void
rename_ledger_files(SQLite::Database& db, const std::vector<std::string>& from, const std::string& to)
{
  SQLite::Statement e(db, "UPDATE evidence SET ledger_file = :to WHERE ledger_file = :from");
  SQLite::Statement a(db, "UPDATE approval SET ledger_file = :to WHERE ledger_file = :from");
  SQLite::Statement f(db, "DELETE FROM ledger_file WHERE name = :from");
  for (const std::string& name : from) {
    for (SQLite::Statement* s : {&e, &a}) {
      s->bind(":to", to);
      s->bind(":from", name);
      s->exec();
      s->reset();
    }
    f.bind(":from", name);
    f.exec();
    f.reset();
  }
}

std::vector<LedgerFileStamp>
ledger_file_stamps(SQLite::Database& db)
{
  std::vector<LedgerFileStamp> out;
  SQLite::Statement q(db, "SELECT name, size, mtime_ns FROM ledger_file ORDER BY name");
  while (q.executeStep()) {
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
  }
  return out;
}

void
record_ledger_file(SQLite::Database& db, const LedgerFileStamp& stamp)
{
  SQLite::Statement s(db, "INSERT OR REPLACE INTO ledger_file (name, size, mtime_ns) VALUES (?, ?, ?)");
  s.bind(1, stamp.name);
  s.bind(2, stamp.size);
  s.bind(3, stamp.mtime_ns);
  s.exec();
}

void
forget_ledger_files(SQLite::Database& db)
{
  WriteTransaction transaction(db);
  db.exec(R"sql(
    CREATE TEMP TABLE IF NOT EXISTS forgotten (id INTEGER PRIMARY KEY);
    DELETE FROM forgotten;
    INSERT INTO forgotten SELECT id FROM evidence WHERE ledger_file IS NOT NULL;
    DELETE FROM test_result WHERE evidence_id IN (SELECT id FROM forgotten);
    DELETE FROM test_latest WHERE evidence_id IN (SELECT id FROM forgotten);
    DELETE FROM ci_job WHERE (provider, repository, run_id, attempt) IN
      (SELECT provider, repository, run_id, attempt FROM ci_run WHERE evidence_id IN (SELECT id FROM forgotten));
    DELETE FROM ci_run WHERE evidence_id IN (SELECT id FROM forgotten);
    DELETE FROM metric WHERE evidence_id IN (SELECT id FROM forgotten);
    DELETE FROM evidence WHERE id IN (SELECT id FROM forgotten);
    DELETE FROM approval WHERE ledger_file IS NOT NULL;
    DELETE FROM ledger_file;
    INSERT INTO test_latest (test_id, evidence_id, status, message)
      SELECT test_id, evidence_id, status, message FROM (
        SELECT r.test_id, r.evidence_id, r.status, r.message,
               row_number() OVER (PARTITION BY r.test_id ORDER BY e.taken_at DESC, e.id DESC, r.rowid DESC) AS n
        FROM test_result AS r JOIN evidence AS e ON e.id = r.evidence_id
        WHERE r.test_id NOT IN (SELECT test_id FROM test_latest))
      WHERE n = 1;
    DELETE FROM forgotten;
  )sql");
  transaction.commit();
}

} // namespace rl::store
