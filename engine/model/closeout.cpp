#include "model/closeout.hpp"

#include "util/hash.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace rl::model {

using json = nlohmann::ordered_json;

namespace {

constexpr const char* k_format = "refactor-ledger.closeout/1";

json
score_json(const ScoreRow& row)
{
  json values = json::object();
  for (const ScoreValue& v : row.values) {
    if (v.number) {
      values[v.dimension.id] = *v.number;
    } else {
      values[v.dimension.id] = v.text;
    }
  }
  return {{"date", row.date}, {"label", row.label}, {"values", values}};
}

ScoreRow
score_from(const json& j)
{
  ScoreRow row;
  row.date = j.at("date").get<std::string>();
  row.label = j.at("label").get<std::string>();
  for (const auto& [dim, value] : j.at("values").items()) {
    ScoreValue v;
    v.dimension.id = dim;
    if (value.is_number()) {
      v.number = value.get<double>();
    } else {
      v.text = value.get<std::string>();
    }
    row.values.push_back(std::move(v));
  }
  return row;
}

json
entry_json(const AuditEntry& e)
{
  return {{"id", e.id},
          {"at", e.at},
          {"user", e.user},
          {"action", e.action},
          {"milestone", e.milestone},
          {"command", e.command},
          {"commit", e.commit},
          {"summary", e.summary}};
}

AuditEntry
entry_from(const json& j)
{
  AuditEntry e;
  e.id = j.at("id").get<std::string>();
  e.at = j.at("at").get<std::string>();
  e.user = j.at("user").get<std::string>();
  e.action = j.at("action").get<std::string>();
  e.milestone = j.at("milestone").get<std::string>();
  e.command = j.at("command").get<std::string>();
  e.commit = j.at("commit").get<std::string>();
  e.summary = j.at("summary").get<std::string>();
  return e;
}

json
condition_json(const ConditionSnapshot& c)
{
  json children = json::array();
  for (const ConditionSnapshot& child : c.children) {
    children.push_back(condition_json(child));
  }
  return {{"description", c.description}, {"status", c.status}, {"details", c.details}, {"children", children}};
}

ConditionSnapshot
condition_from(const json& j)
{
  ConditionSnapshot c;
  c.description = j.at("description").get<std::string>();
  c.status = j.at("status").get<std::string>();
  c.details = j.at("details").get<std::vector<std::string>>();
  for (const json& child : j.at("children")) {
    c.children.push_back(condition_from(child));
  }
  return c;
}

json
run_json(const CiRunEvidence& r)
{
  return {{"repository", r.repository},
          {"run_id", r.run_id},
          {"attempt", r.attempt},
          {"workflow_name", r.workflow_name},
          {"workflow_path", r.workflow_path},
          {"head_branch", r.head_branch},
          {"status", r.status},
          {"conclusion", conclusion_text(r.conclusion)},
          {"url", r.url},
          {"commit", r.stamp.commit},
          {"taken_at", r.stamp.taken_at.text()},
          {"source", r.stamp.source}};
}

CiRunEvidence
run_from(const json& j)
{
  CiRunEvidence r;
  r.repository = j.at("repository").get<std::string>();
  r.run_id = j.at("run_id").get<std::int64_t>();
  r.attempt = j.at("attempt").get<std::int64_t>();
  r.workflow_name = j.at("workflow_name").get<std::string>();
  r.workflow_path = j.at("workflow_path").get<std::string>();
  r.head_branch = j.at("head_branch").get<std::string>();
  r.status = j.at("status").get<std::string>();
  const std::string conclusion = j.at("conclusion").get<std::string>();
  if (!conclusion.empty()) {
    r.conclusion = parse_enum<CiConclusion>(conclusion);
    if (!r.conclusion) {
      throw std::runtime_error("conclusion '" + conclusion + "' is not a CI conclusion (one of "
                               + allowed_values<CiConclusion>() + ", or \"\" while the run has not completed)");
    }
  }
  r.url = j.at("url").get<std::string>();
  r.stamp.commit = j.at("commit").get<std::string>();
  const std::string taken_at = j.at("taken_at").get<std::string>();
  const std::optional<Timestamp> time = Timestamp::parse(taken_at);
  if (!time) {
    throw std::runtime_error("taken_at '" + taken_at + "' is not a time (write e.g. 2026-02-08T07:30:00Z)");
  }
  r.stamp.taken_at = *time;
  r.stamp.source = j.at("source").get<std::string>();
  return r;
}

json
event_json(const CloseoutEvent& e)
{
  json j;
  j["event"] = std::string(to_string(e.kind));
  if (e.seq > 0) {
    j["seq"] = e.seq;
  }
  j["date"] = e.date;
  j["at"] = e.at;
  j["by"] = e.by;
  if (e.kind == CloseoutEventKind::reopen) {
    j["reason"] = e.reason;
    if (!e.changed.empty()) {
      j["changed"] = e.changed;
    }
  } else {
    j["commit"] = e.commit;
    j["base_commit"] = e.base_commit;
    j["verdict"] = e.verdict;
    if (!e.reason.empty()) {
      j["reason"] = e.reason;
    }
    j["definition"] = json::parse(e.definition.empty() ? "{}" : e.definition);
    json gates = json::array();
    for (const GateResult& g : e.gates) {
      gates.push_back({{"gate", g.gate},
                       {"result", std::string(to_string(g.outcome))},
                       {"reason", g.reason},
                       {"action", g.action},
                       {"evidence", g.evidence}});
    }
    j["gates"] = gates;
    json invariants = json::array();
    for (const InvariantAtClose& i : e.invariants) {
      json item = {{"id", i.id}, {"name", i.name}, {"status", i.status}, {"reasons", i.reasons}};
      if (i.waiver_expired) {
        item["waiver_expired"] = true;
      }
      if (i.waiver_unneeded) {
        item["waiver_unneeded"] = true;
      }
      if (i.tree) {
        item["tree"] = condition_json(*i.tree);
      }
      invariants.push_back(item);
    }
    j["invariants"] = invariants;
    json runs = json::array();
    for (const CiRunEvidence& r : e.ci_runs) {
      runs.push_back(run_json(r));
    }
    j["ci_runs"] = runs;
    json approvals = json::array();
    for (const Approval& a : e.approvals) {
      approvals.push_back({{"name", a.name}, {"by", a.by}, {"at", a.at}, {"commit", a.commit}, {"note", a.note}});
    }
    j["approvals"] = approvals;
    j["score"] = e.score ? score_json(*e.score) : json(nullptr);
    j["deferrals"] = e.deferrals;
    json risks = json::array();
    for (const RiskAtClose& r : e.risks) {
      risks.push_back({{"risk", r.risk}, {"status", r.status}, {"note", r.note}});
    }
    j["risks"] = risks;
    j["artifacts"] = e.artifacts;
    if (!e.digests.empty()) {
      json digests = json::object();
      for (const auto& [path, digest] : e.digests) {
        digests[path] = digest;
      }
      j["digests"] = digests;
    }
    j["next_milestone"] = e.next_milestone;
    json registry = json::array();
    for (const DeferralAtClose& d : e.registry) {
      registry.push_back({{"id", d.id},
                          {"what", d.what},
                          {"discovered_in", d.discovered_in},
                          {"deferred_to", d.deferred_to},
                          {"status", d.status},
                          {"blocker", d.blocker}});
    }
    j["registry"] = registry;
    if (e.frozen) {
      json placeholders = json::object();
      for (const auto& [name, value] : e.frozen->placeholders) {
        placeholders[name] = value;
      }
      json dimensions = json::array();
      for (const auto& [id, name] : e.frozen->dimensions) {
        dimensions.push_back({{"id", id}, {"name", name}});
      }
      j["frozen"] = {{"program", e.frozen->program},
                     {"phase", e.frozen->phase},
                     {"placeholders", placeholders},
                     {"dimensions", dimensions},
                     {"log_entry", e.frozen->log_entry}};
    }
  }
  json log = json::array();
  for (const AuditEntry& a : e.log) {
    log.push_back(entry_json(a));
  }
  j["log"] = log;
  return j;
}

std::string
string_or(const json& j, const char* key)
{
  return j.contains(key) ? j.at(key).get<std::string>() : std::string();
}

CloseoutEvent
event_from(const json& j, const std::string& milestone)
{
  CloseoutEvent e;
  const std::string kind = j.at("event").get<std::string>();
  const auto parsed = parse_enum<CloseoutEventKind>(kind);
  if (!parsed) {
    throw std::runtime_error("unknown event '" + kind + "' (expected close, adopt or reopen)");
  }
  e.kind = *parsed;
  e.seq = j.value("seq", std::int64_t{0});
  if (e.seq < 0) {
    throw std::runtime_error("seq " + std::to_string(e.seq) + " is negative");
  }
  e.date = j.at("date").get<std::string>();
  e.at = j.at("at").get<std::string>();
  e.by = j.at("by").get<std::string>();
  e.reason = string_or(j, "reason");
  if (e.kind != CloseoutEventKind::reopen) {
    e.commit = j.at("commit").get<std::string>();
    e.base_commit = j.at("base_commit").get<std::string>();
    e.verdict = j.at("verdict").get<std::string>();
    e.definition = j.at("definition").dump();
    for (const json& g : j.at("gates")) {
      GateResult r;
      r.gate = g.at("gate").get<std::string>();
      const std::string result = g.at("result").get<std::string>();
      const std::optional<GateOutcome> outcome = parse_enum<GateOutcome>(result);
      if (!outcome) {
        throw std::runtime_error("gate result '" + result + "' is not one of " + allowed_values<GateOutcome>());
      }
      r.outcome = *outcome;
      r.reason = g.at("reason").get<std::string>();
      r.action = g.at("action").get<std::string>();
      r.evidence = g.at("evidence").get<std::vector<std::string>>();
      e.gates.push_back(std::move(r));
    }
    for (const json& i : j.at("invariants")) {
      InvariantAtClose item;
      item.id = i.at("id").get<std::string>();
      item.name = i.value("name", std::string());
      item.status = i.at("status").get<std::string>();
      item.reasons = i.at("reasons").get<std::vector<std::string>>();
      item.waiver_expired = i.value("waiver_expired", false);
      item.waiver_unneeded = i.value("waiver_unneeded", false);
      if (i.contains("tree")) {
        item.tree = condition_from(i.at("tree"));
      }
      e.invariants.push_back(std::move(item));
    }
    for (const json& r : j.value("ci_runs", json::array())) {
      e.ci_runs.push_back(run_from(r));
    }
    for (const json& a : j.at("approvals")) {
      e.approvals.push_back({milestone,
                             a.at("name").get<std::string>(),
                             a.at("by").get<std::string>(),
                             a.at("note").get<std::string>(),
                             a.at("at").get<std::string>(),
                             a.at("commit").get<std::string>()});
    }
    if (!j.at("score").is_null()) {
      e.score = score_from(j.at("score"));
    }
    e.deferrals = j.at("deferrals").get<std::vector<std::string>>();
    for (const json& r : j.at("risks")) {
      e.risks.push_back(
        {r.at("risk").get<std::string>(), r.at("status").get<std::string>(), r.at("note").get<std::string>()});
    }
    e.artifacts = j.at("artifacts").get<std::vector<std::string>>();
    const json digests = j.value("digests", json::object());
    for (const auto& [path, digest] : digests.items()) {
      e.digests.emplace_back(path, digest.get<std::string>());
    }
    // Fields added after the first records were written default to empty.
    e.next_milestone = j.value("next_milestone", std::string());
    for (const json& d : j.value("registry", json::array())) {
      e.registry.push_back({d.at("id").get<std::string>(),
                            d.at("what").get<std::string>(),
                            d.at("discovered_in").get<std::string>(),
                            d.at("deferred_to").get<std::string>(),
                            d.at("status").get<std::string>(),
                            d.at("blocker").get<bool>()});
    }
    if (j.contains("frozen")) {
      const json& f = j.at("frozen");
      FrozenContext frozen;
      frozen.program = f.at("program").get<std::string>();
      frozen.phase = f.at("phase").get<std::string>();
      for (const auto& [name, value] : f.at("placeholders").items()) {
        frozen.placeholders.emplace_back(name, value.get<std::string>());
      }
      for (const json& d : f.at("dimensions")) {
        frozen.dimensions.emplace_back(d.at("id").get<std::string>(), d.at("name").get<std::string>());
      }
      frozen.log_entry = f.at("log_entry").get<std::string>();
      e.frozen = std::move(frozen);
    }
  } else {
    e.changed = j.value("changed", std::vector<std::string>());
  }
  for (const json& a : j.at("log")) {
    e.log.push_back(entry_from(a));
  }
  return e;
}

std::vector<std::string>
ids(const std::vector<Ref>& refs)
{
  std::vector<std::string> out;
  out.reserve(refs.size());
  for (const Ref& r : refs) {
    out.push_back(r.id);
  }
  return out;
}

} // namespace

std::string
gate_tally(const std::vector<GateResult>& gates)
{
  const auto count = [&](GateOutcome o) {
    return std::count_if(gates.begin(), gates.end(), [&](const GateResult& g) { return g.outcome == o; });
  };
  std::string text = fmt::format("{} of {} gates passed", count(GateOutcome::passed), gates.size());
  if (const auto waived = count(GateOutcome::waived); waived > 0) {
    text += fmt::format(", {} waived", waived);
  }
  if (const auto na = count(GateOutcome::not_applicable); na > 0) {
    text += fmt::format(", {} not applicable", na);
  }
  return text;
}

std::string
audit_entry_json(const AuditEntry& entry)
{
  return entry_json(entry).dump();
}

void
assign_audit_id(AuditEntry& e, int occurrence)
{
  std::string content =
    e.at + '\n' + e.user + '\n' + e.action + '\n' + e.milestone + '\n' + e.command + '\n' + e.commit + '\n' + e.summary;
  if (occurrence > 1) {
    content += "\n#" + std::to_string(occurrence);
  }
  e.id = util::sha256(content).substr(0, 16);
}

const CloseoutEvent*
CloseoutRecord::last_close() const
{
  const auto it = std::find_if(
    events.rbegin(), events.rend(), [](const CloseoutEvent& e) { return e.kind != CloseoutEventKind::reopen; });
  return it == events.rend() ? nullptr : &*it;
}

bool
CloseoutRecord::closed() const
{
  return !events.empty() && events.back().kind != CloseoutEventKind::reopen;
}

const CloseoutRecord*
find_record(const std::vector<CloseoutRecord>& records, std::string_view milestone)
{
  const auto it =
    std::find_if(records.begin(), records.end(), [&](const CloseoutRecord& r) { return r.milestone == milestone; });
  return it == records.end() ? nullptr : &*it;
}

std::int64_t
next_seq(const std::vector<CloseoutRecord>& records)
{
  std::int64_t highest = 0;
  for (const CloseoutRecord& r : records) {
    for (const CloseoutEvent& e : r.events) {
      highest = std::max(highest, e.seq);
    }
  }
  return highest + 1;
}

std::string
record_path(const std::string& milestone_id)
{
  return "milestones/" + milestone_id + ".closeout.json";
}

std::string
format_record(const CloseoutRecord& record)
{
  json j;
  j["format"] = k_format;
  j["milestone"] = record.milestone;
  json events = json::array();
  for (const CloseoutEvent& e : record.events) {
    events.push_back(event_json(e));
  }
  j["events"] = events;
  return j.dump(2) + "\n";
}

std::optional<CloseoutRecord>
parse_record(const std::string& text, RecordParseError& error)
{
  json j;
  // Bounded like every input (util/limits.hpp): nesting (a record's frozen
  // definition is dumped recursively later) and string length are refused
  // while parsing, before anything deep or huge is built.
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
  } catch (const json::exception& e) { // a number out of range (out_of_range.406), ...
    error.message = std::string("not a valid closeout record: ") + e.what();
    return std::nullopt;
  }
  try {
    if (!j.is_object() || string_or(j, "format") != k_format) {
      error.message = std::string("not a closeout record: expected \"format\": \"") + k_format + "\"";
      return std::nullopt;
    }
    CloseoutRecord record;
    record.milestone = j.at("milestone").get<std::string>();
    for (const json& e : j.at("events")) {
      record.events.push_back(event_from(e, record.milestone));
    }
    return record;
  } catch (const std::exception& e) {
    error.message = std::string("malformed closeout record: ") + e.what();
    return std::nullopt;
  }
}

std::string
definition_json(const Milestone& m)
{
  nlohmann::json j; // sorted keys: a canonical form
  j["id"] = m.id;
  j["title"] = m.title;
  j["phase"] = m.phase.id;
  j["priority"] = m.priority ? std::string(to_string(*m.priority)) : "";
  j["effort"] = {{"estimate", m.effort_estimate ? nlohmann::json(*m.effort_estimate) : nullptr},
                 {"actual", m.effort_actual ? nlohmann::json(*m.effort_actual) : nullptr},
                 {"note", m.effort_note}};
  j["depends_on"] = ids(m.depends_on);
  j["change_class"] = m.change_class ? std::string(to_string(*m.change_class)) : "";
  j["mode"] = m.mode;
  j["risk"] = m.risk;
  j["rollback"] = m.rollback;
  j["intent"] = m.intent;
  j["scope"] = {{"summary", m.scope_summary}, {"in", m.scope_in}, {"out", m.scope_out}, {"paths", m.scope_paths}};
  j["non_goals"] = m.non_goals;
  nlohmann::json deliverables = nlohmann::json::array();
  for (const Deliverable& d : m.deliverables) {
    // false when absent, as written before `done:` could be absent: frozen
    // definitions compare equal.
    deliverables.push_back({{"text", d.text}, {"path", d.path}, {"done", d.done.value_or(false)}});
  }
  j["deliverables"] = deliverables;
  nlohmann::json invariants = nlohmann::json::array();
  for (const InvariantLink& l : m.invariants) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const MetricValue& v : l.metrics) {
      metrics.push_back({{"name", v.name}, {"value", v.value}});
    }
    invariants.push_back(
      {{"id", l.invariant.id}, {"role", std::string(to_string(l.role))}, {"note", l.note}, {"metrics", metrics}});
  }
  j["invariants"] = invariants;
  j["verification_plan"] = m.verification_plan;
  j["verification"] = m.verification;
  nlohmann::json gaps = nlohmann::json::array();
  for (const EvidenceGap& g : m.evidence_gaps) {
    gaps.push_back({{"text", g.text}, {"deferred_to", g.deferred_to ? g.deferred_to->id : ""}});
  }
  j["evidence_gaps"] = gaps;
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : m.findings) {
    findings.push_back({{"label", f.label}, {"text", f.text}});
  }
  j["findings"] = findings;
  j["outcome"] = m.outcome;
  j["notes"] = m.notes;
  nlohmann::json see = nlohmann::json::array();
  for (const Link& l : m.see) {
    see.push_back({{"title", l.title}, {"path", l.path}});
  }
  j["see"] = see;
  j["merge"] = m.merge ? nlohmann::json{{"pr", m.merge->pr ? nlohmann::json(*m.merge->pr) : nullptr},
                                        {"repository", m.merge->repository},
                                        {"commit", m.merge->commit}}
                       : nlohmann::json(nullptr);
  if (m.merge && m.merge->state) { // only when set: definitions frozen before it existed stay equal
    j["merge"]["state"] = std::string(to_string(*m.merge->state));
  }
  nlohmann::json commits = nlohmann::json::array();
  for (const CommitRef& c : m.commits) {
    commits.push_back({{"sha", c.sha}, {"message", c.message}});
  }
  j["commits"] = commits;
  nlohmann::json runs = nlohmann::json::array();
  for (const CiRun& r : m.ci_runs) {
    runs.push_back({{"number", r.number},
                    {"id", r.id ? nlohmann::json(*r.id) : nullptr},
                    {"conclusion", std::string(to_string(r.conclusion))},
                    {"issue", r.issue},
                    {"fix", r.fix},
                    {"commit", r.commit}});
  }
  j["ci"] = {{"workflow", m.ci_workflow}, {"runs", runs}};
  j["gates"] = nlohmann::json::parse(gates_to_json(m.gates));
  j["base_commit"] = m.base_commit;
  return j.dump();
}

std::string
with_current_invariant_ids(const std::string& definition, const std::map<std::string, std::string>& aliases)
{
  if (aliases.empty() || definition.empty()) {
    return definition;
  }
  nlohmann::json j = nlohmann::json::parse(definition);
  if (j.contains("invariants") && j.at("invariants").is_array()) {
    for (nlohmann::json& link : j.at("invariants")) {
      if (link.contains("id") && link.at("id").is_string()) {
        if (const auto it = aliases.find(link.at("id").get<std::string>()); it != aliases.end()) {
          link["id"] = it->second;
        }
      }
    }
  }
  return j.dump();
}

std::vector<std::string>
changed_fields(const std::string& frozen, const std::string& current)
{
  const nlohmann::json a = nlohmann::json::parse(frozen.empty() ? "{}" : frozen);
  const nlohmann::json b = nlohmann::json::parse(current.empty() ? "{}" : current);
  std::set<std::string> keys;
  for (const auto& [k, v] : a.items()) {
    keys.insert(k);
  }
  for (const auto& [k, v] : b.items()) {
    keys.insert(k);
  }
  std::vector<std::string> changed;
  for (const std::string& k : keys) {
    if (!a.contains(k) || !b.contains(k) || a.at(k) != b.at(k)) {
      changed.push_back(k);
    }
  }
  return changed;
}

} // namespace rl::model
