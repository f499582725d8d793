#include "store/definitions_repo.hpp"

#include "store/closeout_repo.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace rl::store {

namespace {

using nlohmann::json;

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
    j["ci"] = {{"workflow", r.workflow}, {"job", r.job}, {"branch", r.branch}, {"conclusion", r.conclusion}};
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
    r.conclusion = c.at("conclusion").get<std::string>();
  } else {
    r.kind = Kind::metric;
    r.metric = j.at("metric").get<std::string>();
    r.op = j.at("op").get<std::string>();
    r.value = j.at("value").get<double>();
  }
  return r;
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

// ---- binding helpers ----------------------------------------------------------

void
bind_optional(SQLite::Statement& s, const char* name, const std::optional<double>& value)
{
  if (value) {
    s.bind(name, *value);
  } else {
    s.bind(name);
  }
}

void
bind_text_or_null(SQLite::Statement& s, const char* name, const std::string& value)
{
  if (value.empty()) {
    s.bind(name);
  } else {
    s.bind(name, value);
  }
}

template<typename E>
void
bind_enum(SQLite::Statement& s, const char* name, const std::optional<E>& value)
{
  if (value) {
    s.bind(name, std::string(model::to_string(*value)));
  } else {
    s.bind(name);
  }
}

void
run(SQLite::Statement& s)
{
  s.exec();
  s.reset();
  s.clearBindings();
}

std::optional<double>
optional_double(const SQLite::Column& c)
{
  if (c.isNull()) {
    return std::nullopt;
  }
  return c.getDouble();
}

template<typename E>
E
enum_column(const SQLite::Column& c, const std::string& where)
{
  const std::string text = c.getString();
  if (const auto value = model::parse_enum<E>(text)) {
    return *value;
  }
  throw util::StoreError(fmt::format("corrupt ledger: {} has unknown {} '{}'; delete the "
                                     "database to rebuild it from the YAML",
                                     where,
                                     model::EnumTraits<E>::k_label,
                                     text));
}

template<typename E>
std::optional<E>
optional_enum_column(const SQLite::Column& c, const std::string& where)
{
  if (c.isNull()) {
    return std::nullopt;
  }
  return enum_column<E>(c, where);
}

model::Origin
origin_of(SQLite::Statement& q)
{
  return {q.getColumn("source_path").getString(), q.getColumn("source_line").getInt(), 0};
}

model::GateConfig
gates_column(const SQLite::Column& c, const std::string& where)
{
  try {
    return model::gates_from_json(c.getString());
  } catch (const std::runtime_error& e) {
    throw util::StoreError(fmt::format("corrupt ledger: {} of {}; delete the database to rebuild "
                                       "it from the YAML",
                                       e.what(),
                                       where));
  }
}

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

constexpr const char* k_insert_program_sql = R"sql(
  INSERT INTO program (id, name, title, repository, fork, start_date, baseline_commit, log_path,
    toolcalls_path, milestone_docs_path, context_title, context, governance, references_json,
    principles_json, principles_note, deprecation_policy, deprecation_note, tool_logging,
    recovery_protocol, risks_intro, score_targets_label, source_path, source_line)
  VALUES (1, :name, :title, :repository, :fork, :start, :baseline, :log, :toolcalls, :docs,
    :context_title, :context, :governance, :references, :principles, :principles_note,
    :deprecation_policy, :deprecation_note, :tool_logging, :recovery, :risks_intro,
    :targets_label, :source_path, :source_line)
)sql";

constexpr const char* k_insert_milestone_sql = R"sql(
  INSERT INTO milestone (id, position, title, phase_id, status, priority, effort_estimate,
    effort_actual, effort_note, change_class, mode, risk, rollback, intent, scope_summary,
    scope_in, scope_out, scope_paths, non_goals, deliverables, verification_plan, verification,
    findings, outcome, notes, see, commits, closeout_date, closeout_locked, closeout_artifacts,
    closeout_verdict, has_merge, merge_pr, merge_repository, merge_commit, ci_workflow,
    source_path, source_line)
  VALUES (:id, :position, :title, :phase, :status, :priority, :estimate, :actual, :effort_note,
    :change_class, :mode, :risk, :rollback, :intent, :scope_summary, :scope_in, :scope_out,
    :scope_paths, :non_goals, :deliverables, :verification_plan, :verification, :findings,
    :outcome, :notes, :see, :commits, :closeout_date, :closeout_locked, :closeout_artifacts,
    :closeout_verdict, :has_merge, :merge_pr, :merge_repository, :merge_commit, :ci_workflow,
    :source_path, :source_line)
)sql";

constexpr const char* k_insert_invariant_sql = R"sql(
  INSERT INTO invariant (id, position, category_id, name, statement, surface, coverage,
    coverage_note, priority, notes, has_recommendation, rec_action, rec_text, rec_milestone,
    statement_changed, verify_json, waiver_owner, waiver_reason, waiver_expires, source_path,
    source_line)
  VALUES (:id, :position, :category, :name, :statement, :surface, :coverage, :coverage_note,
    :priority, :notes, :has_rec, :rec_action, :rec_text, :rec_milestone, :statement_changed,
    :verify, :waiver_owner, :waiver_reason, :waiver_expires, :source_path, :source_line)
)sql";

void
insert_program(SQLite::Database& db, const model::Definitions& d)
{
  const model::Program& p = d.program;
  SQLite::Statement s(db, k_insert_program_sql);
  s.bind(":name", p.name);
  s.bind(":title", p.title);
  s.bind(":repository", p.repository);
  s.bind(":fork", p.fork);
  s.bind(":start", p.start);
  s.bind(":baseline", p.baseline_commit);
  s.bind(":log", p.log_path);
  s.bind(":toolcalls", p.toolcalls_path);
  s.bind(":docs", p.milestone_docs_path);
  s.bind(":context_title", p.context_title);
  s.bind(":context", p.context);
  s.bind(":governance", p.governance);
  s.bind(":references", links_json(p.references));
  json principles = json::array();
  for (const model::Principle& pr : p.principles) {
    principles.push_back({{"title", pr.title}, {"text", pr.text}});
  }
  s.bind(":principles", principles.dump());
  s.bind(":principles_note", p.principles_note);
  s.bind(":deprecation_policy", p.deprecation_policy);
  s.bind(":deprecation_note", p.deprecation_note);
  s.bind(":tool_logging", p.tool_logging);
  s.bind(":recovery", p.recovery_protocol);
  s.bind(":risks_intro", p.risks_intro);
  s.bind(":targets_label", p.score_targets_label);
  s.bind(":source_path", p.origin.path);
  s.bind(":source_line", p.origin.line);
  s.exec();

  SQLite::Statement dim(db,
                        "INSERT INTO score_dimension (id, position, name, kind, max_value, target, "
                        "target_text) VALUES (:id, :position, :name, :kind, :max, :target, :text)");
  int position = 0;
  for (const model::ScoreDimension& sd : d.dimensions) {
    dim.bind(":id", sd.id);
    dim.bind(":position", position++);
    dim.bind(":name", sd.name);
    dim.bind(":kind", std::string(model::to_string(sd.kind)));
    dim.bind(":max", sd.max);
    bind_optional(dim, ":target", sd.target);
    dim.bind(":text", sd.target_text);
    run(dim);
  }

  SQLite::Statement fact(db,
                         "INSERT INTO fact (position, metric, value, value_number, source, as_of, "
                         "source_path, source_line) VALUES (:position, :metric, :value, :number, "
                         ":source, :as_of, :source_path, :source_line)");
  position = 0;
  for (const model::Fact& f : d.facts) {
    fact.bind(":position", position++);
    fact.bind(":metric", f.metric);
    fact.bind(":value", f.value);
    bind_optional(fact, ":number", f.number);
    fact.bind(":source", f.source);
    fact.bind(":as_of", f.as_of);
    fact.bind(":source_path", f.origin.path);
    fact.bind(":source_line", f.origin.line);
    run(fact);
  }

  SQLite::Statement phase(db,
                          "INSERT INTO phase (id, name, goal, future_json, source_path, "
                          "source_line) VALUES (:id, :name, :goal, :future, :source_path, "
                          ":source_line)");
  for (const model::Phase& ph : d.phases) {
    phase.bind(":id", ph.id);
    phase.bind(":name", ph.name);
    phase.bind(":goal", ph.goal);
    phase.bind(":future", to_json(ph.future));
    phase.bind(":source_path", ph.origin.path);
    phase.bind(":source_line", ph.origin.line);
    run(phase);
  }

  SQLite::Statement category(db,
                             "INSERT OR IGNORE INTO category (id, name, position, source_path, "
                             "source_line) VALUES (:id, :name, :position, :source_path, "
                             ":source_line)");
  for (const model::Category& c : d.categories) {
    category.bind(":id", c.id);
    category.bind(":name", c.name);
    category.bind(":position", c.order);
    category.bind(":source_path", c.origin.path);
    category.bind(":source_line", c.origin.line);
    run(category);
  }
}

void
insert_milestones(SQLite::Database& db, const model::Definitions& d)
{
  SQLite::Statement s(db, k_insert_milestone_sql);
  int position = 0;
  for (const model::Milestone& m : d.milestones) {
    s.bind(":id", m.id);
    s.bind(":position", position++);
    s.bind(":title", m.title);
    s.bind(":phase", std::stoi(m.phase.id));
    s.bind(":status", std::string(model::to_string(m.status)));
    bind_enum(s, ":priority", m.priority);
    bind_optional(s, ":estimate", m.effort_estimate);
    bind_optional(s, ":actual", m.effort_actual);
    s.bind(":effort_note", m.effort_note);
    bind_enum(s, ":change_class", m.change_class);
    s.bind(":mode", m.mode);
    s.bind(":risk", m.risk);
    s.bind(":rollback", m.rollback);
    s.bind(":intent", m.intent);
    s.bind(":scope_summary", m.scope_summary);
    s.bind(":scope_in", to_json(m.scope_in));
    s.bind(":scope_out", to_json(m.scope_out));
    s.bind(":scope_paths", to_json(m.scope_paths));
    s.bind(":non_goals", to_json(m.non_goals));
    json deliverables = json::array();
    for (const model::Deliverable& dl : m.deliverables) {
      deliverables.push_back({{"text", dl.text}, {"path", dl.path}, {"done", dl.done}});
    }
    s.bind(":deliverables", deliverables.dump());
    s.bind(":verification_plan", to_json(m.verification_plan));
    s.bind(":verification", to_json(m.verification));
    json findings = json::array();
    for (const model::Finding& f : m.findings) {
      findings.push_back({{"label", f.label}, {"text", f.text}});
    }
    s.bind(":findings", findings.dump());
    s.bind(":outcome", to_json(m.outcome));
    s.bind(":notes", to_json(m.notes));
    s.bind(":see", links_json(m.see));
    json commits = json::array();
    for (const model::CommitRef& c : m.commits) {
      commits.push_back({{"sha", c.sha}, {"message", c.message}});
    }
    s.bind(":commits", commits.dump());
    if (m.closeout) {
      s.bind(":closeout_date", m.closeout->date);
      s.bind(":closeout_locked", m.closeout->locked ? 1 : 0);
      s.bind(":closeout_artifacts", to_json(m.closeout->artifacts));
      s.bind(":closeout_verdict", m.closeout->verdict);
    } else {
      s.bind(":closeout_date");
      s.bind(":closeout_locked");
      s.bind(":closeout_artifacts");
      s.bind(":closeout_verdict");
    }
    s.bind(":has_merge", m.merge ? 1 : 0);
    if (m.merge && m.merge->pr) {
      s.bind(":merge_pr", *m.merge->pr);
    } else {
      s.bind(":merge_pr");
    }
    s.bind(":merge_repository", m.merge ? m.merge->repository : std::string());
    s.bind(":merge_commit", m.merge ? m.merge->commit : std::string());
    s.bind(":ci_workflow", m.ci_workflow);
    s.bind(":source_path", m.origin.path);
    s.bind(":source_line", m.origin.line);
    run(s);
  }

  SQLite::Statement dep(db,
                        "INSERT INTO milestone_dependency (milestone_id, depends_on, position) "
                        "VALUES (:m, :dep, :position)");
  for (const model::Milestone& m : d.milestones) {
    int i = 0;
    for (const model::Ref& ref : m.depends_on) {
      dep.bind(":m", m.id);
      dep.bind(":dep", ref.id);
      dep.bind(":position", i++);
      run(dep);
    }
  }
}

void
insert_milestone_details(SQLite::Database& db, const model::Definitions& d)
{
  SQLite::Statement link(db,
                         "INSERT INTO milestone_invariant (milestone_id, invariant_id, role, "
                         "position, note, metrics) VALUES (:m, :inv, :role, :position, :note, "
                         ":metrics)");
  SQLite::Statement gap(db,
                        "INSERT INTO evidence_gap (milestone_id, position, text, deferred_to) "
                        "VALUES (:m, :position, :text, :to)");
  SQLite::Statement ci(db,
                       "INSERT INTO milestone_ci_run (milestone_id, position, number, run_id, conclusion, "
                       "issue, fix, commit_sha) VALUES (:m, :position, :number, :run_id, "
                       ":conclusion, :issue, :fix, :commit)");
  SQLite::Statement row(db,
                        "INSERT INTO score_row (milestone_id, date, label) VALUES (:m, :date, "
                        ":label)");
  SQLite::Statement value(db,
                          "INSERT INTO score_value (milestone_id, dimension_id, position, "
                          "value_number, value_text) VALUES (:m, :dim, :position, :number, "
                          ":text)");
  for (const model::Milestone& m : d.milestones) {
    int i = 0;
    for (const model::InvariantLink& l : m.invariants) {
      link.bind(":m", m.id);
      link.bind(":inv", l.invariant.id);
      link.bind(":role", std::string(model::to_string(l.role)));
      link.bind(":position", i++);
      link.bind(":note", l.note);
      json metrics = json::array();
      for (const model::MetricValue& mv : l.metrics) {
        metrics.push_back({{"name", mv.name}, {"value", mv.value}});
      }
      link.bind(":metrics", metrics.dump());
      run(link);
    }
    i = 0;
    for (const model::EvidenceGap& g : m.evidence_gaps) {
      gap.bind(":m", m.id);
      gap.bind(":position", i++);
      gap.bind(":text", g.text);
      bind_text_or_null(gap, ":to", g.deferred_to ? g.deferred_to->id : std::string());
      run(gap);
    }
    i = 0;
    for (const model::CiRun& r : m.ci_runs) {
      ci.bind(":m", m.id);
      ci.bind(":position", i++);
      ci.bind(":number", r.number);
      if (r.id) {
        ci.bind(":run_id", static_cast<std::int64_t>(*r.id));
      } else {
        ci.bind(":run_id");
      }
      ci.bind(":conclusion", std::string(model::to_string(r.conclusion)));
      ci.bind(":issue", r.issue);
      ci.bind(":fix", r.fix);
      ci.bind(":commit", r.commit);
      run(ci);
    }
    if (m.score) {
      row.bind(":m", m.id);
      row.bind(":date", m.score->date);
      row.bind(":label", m.score->label);
      run(row);
      i = 0;
      for (const model::ScoreValue& v : m.score->values) {
        value.bind(":m", m.id);
        value.bind(":dim", v.dimension.id);
        value.bind(":position", i++);
        bind_optional(value, ":number", v.number);
        value.bind(":text", v.text);
        run(value);
      }
    }
  }
}

void
insert_invariants(SQLite::Database& db, const model::Definitions& d)
{
  SQLite::Statement s(db, k_insert_invariant_sql);
  SQLite::Statement v(db,
                      "INSERT INTO invariant_verification (invariant_id, position, method, text) "
                      "VALUES (:inv, :position, :method, :text)");
  int position = 0;
  for (const model::Invariant& inv : d.invariants) {
    s.bind(":id", inv.id);
    s.bind(":position", position++);
    s.bind(":category", inv.category);
    s.bind(":name", inv.name);
    s.bind(":statement", inv.statement);
    s.bind(":surface", inv.surface);
    s.bind(":coverage", std::string(model::to_string(inv.coverage)));
    s.bind(":coverage_note", inv.coverage_note);
    s.bind(":priority", std::string(model::to_string(inv.priority)));
    s.bind(":notes", to_json(inv.notes));
    const auto& rec = inv.recommendation;
    s.bind(":has_rec", rec ? 1 : 0);
    s.bind(":rec_action", rec ? rec->action : std::string());
    s.bind(":rec_text", rec ? rec->text : std::string());
    bind_text_or_null(s, ":rec_milestone", rec && rec->milestone ? rec->milestone->id : std::string());
    s.bind(":statement_changed", inv.statement_changed);
    s.bind(":verify", verify_json(inv.verify));
    if (inv.waiver) {
      s.bind(":waiver_owner", inv.waiver->owner);
      s.bind(":waiver_reason", inv.waiver->reason);
      s.bind(":waiver_expires", inv.waiver->expires);
    } else {
      s.bind(":waiver_owner");
      s.bind(":waiver_reason");
      s.bind(":waiver_expires");
    }
    s.bind(":source_path", inv.origin.path);
    s.bind(":source_line", inv.origin.line);
    run(s);
    int i = 0;
    for (const model::VerificationEntry& e : inv.verification) {
      v.bind(":inv", inv.id);
      v.bind(":position", i++);
      v.bind(":method", std::string(model::to_string(e.method)));
      v.bind(":text", e.text);
      run(v);
    }
  }
}

void
insert_risks_and_deferrals(SQLite::Database& db, const model::Definitions& d)
{
  SQLite::Statement risk(db,
                         "INSERT INTO risk (id, position, title, priority, status, "
                         "milestones_note, description, source_path, source_line) VALUES (:id, "
                         ":position, :title, :priority, :status, :note, :description, "
                         ":source_path, :source_line)");
  SQLite::Statement rm(db,
                       "INSERT INTO risk_milestone (risk_id, milestone_id, position) VALUES "
                       "(:r, :m, :position)");
  SQLite::Statement ri(db,
                       "INSERT INTO risk_invariant (risk_id, invariant_id, position) VALUES "
                       "(:r, :inv, :position)");
  SQLite::Statement rh(db,
                       "INSERT INTO risk_history (risk_id, position, date, status, milestone_id, "
                       "note) VALUES (:r, :position, :date, :status, :m, :note)");
  int position = 0;
  for (const model::Risk& r : d.risks) {
    risk.bind(":id", r.id);
    risk.bind(":position", position++);
    risk.bind(":title", r.title);
    risk.bind(":priority", std::string(model::to_string(r.priority)));
    risk.bind(":status", std::string(model::to_string(r.status)));
    risk.bind(":note", r.milestones_note);
    risk.bind(":description", r.description);
    risk.bind(":source_path", r.origin.path);
    risk.bind(":source_line", r.origin.line);
    run(risk);
    int i = 0;
    for (const model::Ref& m : r.milestones) {
      rm.bind(":r", r.id);
      rm.bind(":m", m.id);
      rm.bind(":position", i++);
      run(rm);
    }
    i = 0;
    for (const model::Ref& inv : r.invariants) {
      ri.bind(":r", r.id);
      ri.bind(":inv", inv.id);
      ri.bind(":position", i++);
      run(ri);
    }
    i = 0;
    for (const model::RiskChange& h : r.history) {
      rh.bind(":r", r.id);
      rh.bind(":position", i++);
      rh.bind(":date", h.date);
      rh.bind(":status", std::string(model::to_string(h.status)));
      bind_text_or_null(rh, ":m", h.milestone ? h.milestone->id : std::string());
      rh.bind(":note", h.note);
      run(rh);
    }
  }

  SQLite::Statement def(db,
                        "INSERT INTO deferral (id, position, what, why, risk, discovered_in, "
                        "deferred_to, exit_criteria, blocker, status, source_ref, source_path, "
                        "source_line) VALUES (:id, :position, :what, :why, :risk, :found, :to, "
                        ":exit, :blocker, :status, :ref, :source_path, :source_line)");
  position = 0;
  for (const model::Deferral& x : d.deferrals) {
    def.bind(":id", x.id);
    def.bind(":position", position++);
    def.bind(":what", x.what);
    def.bind(":why", x.why);
    def.bind(":risk", x.risk);
    def.bind(":found", x.discovered_in.id);
    bind_text_or_null(def, ":to", x.deferred_to ? x.deferred_to->id : std::string());
    def.bind(":exit", x.exit_criteria);
    def.bind(":blocker", x.blocker ? 1 : 0);
    def.bind(":status", std::string(model::to_string(x.status)));
    def.bind(":ref", x.source_ref);
    def.bind(":source_path", x.origin.path);
    def.bind(":source_line", x.origin.line);
    run(def);
  }
}

// ---- reading -----------------------------------------------------------------

void
read_program(SQLite::Database& db, model::Definitions& d)
{
  SQLite::Statement q(db, "SELECT * FROM program WHERE id = 1");
  if (q.executeStep()) {
    model::Program& p = d.program;
    p.name = q.getColumn("name").getString();
    p.title = q.getColumn("title").getString();
    p.repository = q.getColumn("repository").getString();
    p.fork = q.getColumn("fork").getString();
    p.start = q.getColumn("start_date").getString();
    p.baseline_commit = q.getColumn("baseline_commit").getString();
    p.log_path = q.getColumn("log_path").getString();
    p.toolcalls_path = q.getColumn("toolcalls_path").getString();
    p.milestone_docs_path = q.getColumn("milestone_docs_path").getString();
    p.context_title = q.getColumn("context_title").getString();
    p.context = q.getColumn("context").getString();
    p.governance = q.getColumn("governance").getString();
    p.references = links_from(q.getColumn("references_json").getString());
    for (const json& j : json::parse(q.getColumn("principles_json").getString())) {
      p.principles.push_back({j.at("title").get<std::string>(), j.at("text").get<std::string>()});
    }
    p.principles_note = q.getColumn("principles_note").getString();
    p.deprecation_policy = q.getColumn("deprecation_policy").getString();
    p.deprecation_note = q.getColumn("deprecation_note").getString();
    p.tool_logging = q.getColumn("tool_logging").getString();
    p.recovery_protocol = q.getColumn("recovery_protocol").getString();
    p.risks_intro = q.getColumn("risks_intro").getString();
    p.score_targets_label = q.getColumn("score_targets_label").getString();
    p.checkout = q.getColumn("checkout").getString();
    p.gates = gates_column(q.getColumn("gates_json"), "program");
    p.origin = origin_of(q);
  }

  SQLite::Statement dims(db, "SELECT * FROM score_dimension ORDER BY position");
  while (dims.executeStep()) {
    model::ScoreDimension sd;
    sd.id = dims.getColumn("id").getString();
    sd.name = dims.getColumn("name").getString();
    sd.kind = enum_column<model::ScoreKind>(dims.getColumn("kind"), "score dimension " + sd.id);
    sd.max = dims.getColumn("max_value").getDouble();
    sd.target = optional_double(dims.getColumn("target"));
    sd.target_text = dims.getColumn("target_text").getString();
    d.dimensions.push_back(std::move(sd));
  }

  SQLite::Statement facts(db, "SELECT * FROM fact ORDER BY position");
  while (facts.executeStep()) {
    model::Fact f;
    f.metric = facts.getColumn("metric").getString();
    f.value = facts.getColumn("value").getString();
    f.number = optional_double(facts.getColumn("value_number"));
    f.source = facts.getColumn("source").getString();
    f.as_of = facts.getColumn("as_of").getString();
    f.origin = origin_of(facts);
    d.facts.push_back(std::move(f));
  }

  SQLite::Statement phases(db, "SELECT * FROM phase ORDER BY id");
  while (phases.executeStep()) {
    model::Phase ph;
    ph.id = phases.getColumn("id").getInt();
    ph.name = phases.getColumn("name").getString();
    ph.goal = phases.getColumn("goal").getString();
    ph.future = strings_from(phases.getColumn("future_json").getString());
    ph.origin = origin_of(phases);
    d.phases.push_back(std::move(ph));
  }

  SQLite::Statement cats(db, "SELECT * FROM category ORDER BY position, id");
  while (cats.executeStep()) {
    d.categories.push_back({cats.getColumn("id").getString(),
                            cats.getColumn("name").getString(),
                            cats.getColumn("position").getInt(),
                            origin_of(cats)});
  }
}

void
read_milestones(SQLite::Database& db, model::Definitions& d)
{
  std::map<std::string, std::size_t> index;
  SQLite::Statement q(db, "SELECT * FROM milestone ORDER BY position");
  while (q.executeStep()) {
    model::Milestone m;
    m.id = q.getColumn("id").getString();
    const std::string where = "milestone " + m.id;
    m.title = q.getColumn("title").getString();
    m.phase.id = std::to_string(q.getColumn("phase_id").getInt());
    m.status = enum_column<model::MilestoneStatus>(q.getColumn("status"), where);
    m.priority = optional_enum_column<model::Priority>(q.getColumn("priority"), where);
    m.effort_estimate = optional_double(q.getColumn("effort_estimate"));
    m.effort_actual = optional_double(q.getColumn("effort_actual"));
    m.effort_note = q.getColumn("effort_note").getString();
    m.change_class = optional_enum_column<model::ChangeClass>(q.getColumn("change_class"), where);
    m.mode = q.getColumn("mode").getString();
    m.risk = q.getColumn("risk").getString();
    m.rollback = q.getColumn("rollback").getString();
    m.intent = q.getColumn("intent").getString();
    m.scope_summary = q.getColumn("scope_summary").getString();
    m.scope_in = strings_from(q.getColumn("scope_in").getString());
    m.scope_out = strings_from(q.getColumn("scope_out").getString());
    m.scope_paths = strings_from(q.getColumn("scope_paths").getString());
    m.non_goals = strings_from(q.getColumn("non_goals").getString());
    for (const json& j : json::parse(q.getColumn("deliverables").getString())) {
      m.deliverables.push_back(
        {j.at("text").get<std::string>(), j.at("path").get<std::string>(), j.at("done").get<bool>()});
    }
    m.verification_plan = strings_from(q.getColumn("verification_plan").getString());
    m.verification = strings_from(q.getColumn("verification").getString());
    for (const json& j : json::parse(q.getColumn("findings").getString())) {
      m.findings.push_back({j.at("label").get<std::string>(), j.at("text").get<std::string>()});
    }
    m.outcome = strings_from(q.getColumn("outcome").getString());
    m.notes = strings_from(q.getColumn("notes").getString());
    m.see = links_from(q.getColumn("see").getString());
    for (const json& j : json::parse(q.getColumn("commits").getString())) {
      m.commits.push_back({j.at("sha").get<std::string>(), j.at("message").get<std::string>()});
    }
    if (!q.getColumn("closeout_date").isNull()) {
      m.closeout = model::Closeout{q.getColumn("closeout_date").getString(),
                                   q.getColumn("closeout_locked").getInt() != 0,
                                   strings_from(q.getColumn("closeout_artifacts").getString()),
                                   q.getColumn("closeout_verdict").getString()};
    }
    if (q.getColumn("has_merge").getInt() != 0) {
      model::Merge merge;
      if (!q.getColumn("merge_pr").isNull()) {
        merge.pr = q.getColumn("merge_pr").getInt();
      }
      merge.repository = q.getColumn("merge_repository").getString();
      merge.commit = q.getColumn("merge_commit").getString();
      m.merge = std::move(merge);
    }
    m.ci_workflow = q.getColumn("ci_workflow").getString();
    m.gates = gates_column(q.getColumn("gates_json"), where);
    m.base_commit = q.getColumn("base_commit").getString();
    m.origin = origin_of(q);
    index[m.id] = d.milestones.size();
    d.milestones.push_back(std::move(m));
  }

  auto milestone = [&](const std::string& id) -> model::Milestone& {
    const auto it = index.find(id);
    if (it == index.end()) {
      throw util::StoreError(fmt::format("corrupt ledger: rows refer to missing milestone {}", id));
    }
    return d.milestones[it->second];
  };

  SQLite::Statement deps(db,
                         "SELECT milestone_id, depends_on FROM milestone_dependency "
                         "ORDER BY milestone_id, position");
  while (deps.executeStep()) {
    milestone(deps.getColumn(0).getString()).depends_on.push_back({deps.getColumn(1).getString(), {}});
  }

  SQLite::Statement links(db,
                          "SELECT milestone_id, invariant_id, role, note, metrics FROM "
                          "milestone_invariant ORDER BY milestone_id, position");
  while (links.executeStep()) {
    const std::string id = links.getColumn(0).getString();
    model::InvariantLink link;
    link.invariant.id = links.getColumn(1).getString();
    link.role = enum_column<model::InvariantRole>(links.getColumn(2), "milestone " + id);
    link.note = links.getColumn(3).getString();
    for (const json& j : json::parse(links.getColumn(4).getString())) {
      link.metrics.push_back({j.at("name").get<std::string>(), j.at("value").get<double>()});
    }
    milestone(id).invariants.push_back(std::move(link));
  }

  SQLite::Statement gaps(db,
                         "SELECT milestone_id, text, deferred_to FROM evidence_gap ORDER BY "
                         "milestone_id, position");
  while (gaps.executeStep()) {
    model::EvidenceGap gap;
    gap.text = gaps.getColumn(1).getString();
    if (!gaps.getColumn(2).isNull()) {
      gap.deferred_to = model::Ref{gaps.getColumn(2).getString(), {}};
    }
    milestone(gaps.getColumn(0).getString()).evidence_gaps.push_back(std::move(gap));
  }

  SQLite::Statement runs(db,
                         "SELECT milestone_id, number, run_id, conclusion, issue, fix, commit_sha "
                         "FROM milestone_ci_run ORDER BY milestone_id, position");
  while (runs.executeStep()) {
    const std::string id = runs.getColumn(0).getString();
    model::CiRun r;
    r.number = runs.getColumn(1).getInt();
    if (!runs.getColumn(2).isNull()) {
      r.id = runs.getColumn(2).getInt64();
    }
    r.conclusion = enum_column<model::CiConclusion>(runs.getColumn(3), "CI run of " + id);
    r.issue = runs.getColumn(4).getString();
    r.fix = runs.getColumn(5).getString();
    r.commit = runs.getColumn(6).getString();
    milestone(id).ci_runs.push_back(std::move(r));
  }

  SQLite::Statement rows(db, "SELECT milestone_id, date, label FROM score_row");
  while (rows.executeStep()) {
    milestone(rows.getColumn(0).getString()).score =
      model::ScoreRow{rows.getColumn(1).getString(), rows.getColumn(2).getString(), {}};
  }
  SQLite::Statement values(db,
                           "SELECT milestone_id, dimension_id, value_number, value_text FROM "
                           "score_value ORDER BY milestone_id, position");
  while (values.executeStep()) {
    model::Milestone& m = milestone(values.getColumn(0).getString());
    if (!m.score) {
      throw util::StoreError("corrupt ledger: score values without a score row");
    }
    m.score->values.push_back(
      {{values.getColumn(1).getString(), {}}, optional_double(values.getColumn(2)), values.getColumn(3).getString()});
  }
}

void
read_invariants(SQLite::Database& db, model::Definitions& d)
{
  std::map<std::string, std::size_t> index;
  SQLite::Statement q(db, "SELECT * FROM invariant ORDER BY position");
  while (q.executeStep()) {
    model::Invariant inv;
    inv.id = q.getColumn("id").getString();
    const std::string where = "invariant " + inv.id;
    inv.category = q.getColumn("category_id").getString();
    inv.name = q.getColumn("name").getString();
    inv.statement = q.getColumn("statement").getString();
    inv.surface = q.getColumn("surface").getString();
    inv.coverage = enum_column<model::Coverage>(q.getColumn("coverage"), where);
    inv.coverage_note = q.getColumn("coverage_note").getString();
    inv.priority = enum_column<model::Priority>(q.getColumn("priority"), where);
    inv.notes = strings_from(q.getColumn("notes").getString());
    if (q.getColumn("has_recommendation").getInt() != 0) {
      model::Recommendation rec;
      rec.action = q.getColumn("rec_action").getString();
      rec.text = q.getColumn("rec_text").getString();
      if (!q.getColumn("rec_milestone").isNull()) {
        rec.milestone = model::Ref{q.getColumn("rec_milestone").getString(), {}};
      }
      inv.recommendation = std::move(rec);
    }
    inv.statement_changed = q.getColumn("statement_changed").getString();
    inv.verify = verify_from_json(q.getColumn("verify_json").getString());
    if (!q.getColumn("waiver_owner").isNull()) {
      inv.waiver = model::Waiver{q.getColumn("waiver_owner").getString(),
                                 q.getColumn("waiver_reason").getString(),
                                 q.getColumn("waiver_expires").getString()};
    }
    inv.origin = origin_of(q);
    index[inv.id] = d.invariants.size();
    d.invariants.push_back(std::move(inv));
  }
  SQLite::Statement v(db,
                      "SELECT invariant_id, method, text FROM invariant_verification ORDER BY "
                      "invariant_id, position");
  while (v.executeStep()) {
    const std::string id = v.getColumn(0).getString();
    const auto it = index.find(id);
    if (it == index.end()) {
      throw util::StoreError(fmt::format("corrupt ledger: verification of missing invariant {}", id));
    }
    d.invariants[it->second].verification.push_back(
      {enum_column<model::VerificationMethod>(v.getColumn(1), "invariant " + id), v.getColumn(2).getString()});
  }
}

void
read_risks_and_deferrals(SQLite::Database& db, model::Definitions& d)
{
  std::map<std::string, std::size_t> index;
  SQLite::Statement q(db, "SELECT * FROM risk ORDER BY position");
  while (q.executeStep()) {
    model::Risk r;
    r.id = q.getColumn("id").getString();
    r.title = q.getColumn("title").getString();
    r.priority = enum_column<model::Priority>(q.getColumn("priority"), "risk " + r.id);
    r.status = enum_column<model::RiskStatus>(q.getColumn("status"), "risk " + r.id);
    r.milestones_note = q.getColumn("milestones_note").getString();
    r.description = q.getColumn("description").getString();
    r.origin = origin_of(q);
    index[r.id] = d.risks.size();
    d.risks.push_back(std::move(r));
  }
  auto risk = [&](const std::string& id) -> model::Risk& {
    const auto it = index.find(id);
    if (it == index.end()) {
      throw util::StoreError(fmt::format("corrupt ledger: rows refer to missing risk {}", id));
    }
    return d.risks[it->second];
  };
  SQLite::Statement rm(db, "SELECT risk_id, milestone_id FROM risk_milestone ORDER BY risk_id, position");
  while (rm.executeStep()) {
    risk(rm.getColumn(0).getString()).milestones.push_back({rm.getColumn(1).getString(), {}});
  }
  SQLite::Statement ri(db, "SELECT risk_id, invariant_id FROM risk_invariant ORDER BY risk_id, position");
  while (ri.executeStep()) {
    risk(ri.getColumn(0).getString()).invariants.push_back({ri.getColumn(1).getString(), {}});
  }
  SQLite::Statement rh(db,
                       "SELECT risk_id, date, status, milestone_id, note FROM risk_history ORDER "
                       "BY risk_id, position");
  while (rh.executeStep()) {
    const std::string id = rh.getColumn(0).getString();
    model::RiskChange change;
    change.date = rh.getColumn(1).getString();
    change.status = enum_column<model::RiskStatus>(rh.getColumn(2), "risk " + id);
    if (!rh.getColumn(3).isNull()) {
      change.milestone = model::Ref{rh.getColumn(3).getString(), {}};
    }
    change.note = rh.getColumn(4).getString();
    risk(id).history.push_back(std::move(change));
  }

  SQLite::Statement def(db, "SELECT * FROM deferral ORDER BY position");
  while (def.executeStep()) {
    model::Deferral x;
    x.id = def.getColumn("id").getString();
    x.what = def.getColumn("what").getString();
    x.why = def.getColumn("why").getString();
    x.risk = def.getColumn("risk").getString();
    x.discovered_in.id = def.getColumn("discovered_in").getString();
    if (!def.getColumn("deferred_to").isNull()) {
      x.deferred_to = model::Ref{def.getColumn("deferred_to").getString(), {}};
    }
    x.exit_criteria = def.getColumn("exit_criteria").getString();
    x.blocker = def.getColumn("blocker").getInt() != 0;
    x.status = enum_column<model::DeferralStatus>(def.getColumn("status"), "deferral " + x.id);
    x.source_ref = def.getColumn("source_ref").getString();
    x.origin = origin_of(def);
    d.deferrals.push_back(std::move(x));
  }
}

void
insert_gates(SQLite::Database& db, const model::Definitions& d)
{
  SQLite::Statement p(db, "UPDATE program SET checkout = :checkout, gates_json = :gates WHERE id = 1");
  p.bind(":checkout", d.program.checkout);
  p.bind(":gates", model::gates_to_json(d.program.gates));
  p.exec();
  SQLite::Statement m(db, "UPDATE milestone SET gates_json = :gates, base_commit = :base WHERE id = :id");
  for (const model::Milestone& milestone : d.milestones) {
    if (milestone.gates == model::GateConfig{} && milestone.base_commit.empty()) {
      continue;
    }
    m.bind(":gates", model::gates_to_json(milestone.gates));
    m.bind(":base", milestone.base_commit);
    m.bind(":id", milestone.id);
    run(m);
  }
}

void
insert_records(SQLite::Database& db, const std::vector<model::CloseoutRecord>& records)
{
  SQLite::Statement s(db,
                      "INSERT INTO closeout_record (milestone, record_json, source_path) "
                      "VALUES (:milestone, :json, :path)");
  for (const model::CloseoutRecord& r : records) {
    s.bind(":milestone", r.milestone);
    s.bind(":json", model::format_record(r));
    s.bind(":path", r.origin.path);
    run(s);
  }
}

void
insert_stamps(SQLite::Database& db, const std::vector<SourceStamp>& stamps)
{
  SQLite::Statement s(db, "INSERT INTO source_file (path, size, mtime_ns) VALUES (:path, :size, :mtime)");
  for (const SourceStamp& stamp : stamps) {
    s.bind(":path", stamp.path);
    s.bind(":size", static_cast<std::int64_t>(stamp.size));
    s.bind(":mtime", static_cast<std::int64_t>(stamp.mtime_ns));
    run(s);
  }
}

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
  insert_program(db, definitions);
  insert_milestones(db, definitions);
  insert_invariants(db, definitions);
  insert_milestone_details(db, definitions);
  insert_risks_and_deferrals(db, definitions);
  insert_gates(db, definitions);
  insert_records(db, records);
  insert_stamps(db, stamps);
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
  return records;
}

void
replace_source_stamps(SQLite::Database& db, const std::vector<SourceStamp>& stamps)
{
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec("DELETE FROM source_file");
  insert_stamps(db, stamps);
  transaction.commit();
}

model::Definitions
as_stored(model::Definitions d)
{
  d.program.origin.column = 0;
  for (auto& x : d.dimensions) {
    x.origin = {};
  }
  for (auto& x : d.facts) {
    x.origin.column = 0;
  }
  for (auto& x : d.phases) {
    x.origin.column = 0;
  }
  // Categories repeated in several files are stored once.
  std::vector<model::Category> categories;
  for (auto& x : d.categories) {
    x.origin.column = 0;
    if (std::none_of(categories.begin(), categories.end(), [&](const model::Category& c) { return c.id == x.id; })) {
      categories.push_back(x);
    }
  }
  d.categories = std::move(categories);
  for (auto& x : d.milestones) {
    x.origin.column = 0;
  }
  for (auto& x : d.invariants) {
    x.origin.column = 0;
  }
  for (auto& x : d.risks) {
    x.origin.column = 0;
  }
  for (auto& x : d.deferrals) {
    x.origin.column = 0;
  }
  return d;
}

model::Definitions
read_definitions(SQLite::Database& db)
{
  model::Definitions d;
  try {
    read_program(db, d);
    read_milestones(db, d);
    read_invariants(db, d);
    read_risks_and_deferrals(db, d);
  } catch (const nlohmann::json::exception& e) {
    throw util::StoreError(fmt::format("corrupt ledger: {}; delete the database to rebuild it "
                                       "from the YAML",
                                       e.what()));
  }
  return d;
}

} // namespace rl::store
