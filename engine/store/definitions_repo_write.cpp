// Writing the definitions: one INSERT per row, inside replace_definitions'
// transaction (see definitions_repo_internal.hpp).

#include "model/gates.hpp"
#include "model/id_patterns.hpp"
#include "store/definitions_repo_internal.hpp"

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

namespace rl::store::detail {

namespace {

using nlohmann::json;

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

// Where a definition was written: its file, line and column.
void
bind_origin(SQLite::Statement& s, const model::Origin& origin)
{
  s.bind(":source_path", origin.path);
  s.bind(":source_line", origin.line);
  s.bind(":source_column", origin.column);
}

// ---- SQL ---------------------------------------------------------------------

constexpr const char* k_insert_program_sql = R"sql(
  INSERT INTO program (id, name, title, repository, fork, start_date, baseline_commit, log_path,
    toolcalls_path, milestone_docs_path, context_title, context, governance, references_json,
    principles_json, principles_note, deprecation_policy, deprecation_note, tool_logging,
    recovery_protocol, risks_intro, score_targets_label, sections_json, id_patterns_json, source_path,
    source_line, source_column)
  VALUES (1, :name, :title, :repository, :fork, :start, :baseline, :log, :toolcalls, :docs,
    :context_title, :context, :governance, :references, :principles, :principles_note,
    :deprecation_policy, :deprecation_note, :tool_logging, :recovery, :risks_intro,
    :targets_label, :sections, :id_patterns, :source_path, :source_line, :source_column)
)sql";

constexpr const char* k_insert_milestone_sql = R"sql(
  INSERT INTO milestone (id, position, title, phase_id, status, priority, effort_estimate,
    effort_actual, effort_note, change_class, mode, risk, rollback, intent, scope_summary,
    scope_in, scope_out, scope_paths, non_goals, deliverables, verification_plan, verification,
    findings, outcome, notes, see, commits, closeout_date, closeout_locked, closeout_artifacts,
    closeout_verdict, has_merge, merge_pr, merge_repository, merge_commit, merge_state, ci_workflow,
    source_path, source_line, source_column)
  VALUES (:id, :position, :title, :phase, :status, :priority, :estimate, :actual, :effort_note,
    :change_class, :mode, :risk, :rollback, :intent, :scope_summary, :scope_in, :scope_out,
    :scope_paths, :non_goals, :deliverables, :verification_plan, :verification, :findings,
    :outcome, :notes, :see, :commits, :closeout_date, :closeout_locked, :closeout_artifacts,
    :closeout_verdict, :has_merge, :merge_pr, :merge_repository, :merge_commit, :merge_state, :ci_workflow,
    :source_path, :source_line, :source_column)
)sql";

constexpr const char* k_insert_invariant_sql = R"sql(
  INSERT INTO invariant (id, position, category_id, name, statement, surface, coverage,
    coverage_note, priority, notes, has_recommendation, rec_action, rec_text, rec_milestone,
    statement_changed, verify_json, waiver_owner, waiver_reason, waiver_expires, aliases_json,
    source_path, source_line, source_column)
  VALUES (:id, :position, :category, :name, :statement, :surface, :coverage, :coverage_note,
    :priority, :notes, :has_rec, :rec_action, :rec_text, :rec_milestone, :statement_changed,
    :verify, :waiver_owner, :waiver_reason, :waiver_expires, :aliases, :source_path, :source_line,
    :source_column)
)sql";

} // namespace

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
  json sections = json::array();
  for (const model::LogSection& x : p.sections) {
    sections.push_back({{"title", x.title},
                        {"file", x.file},
                        {"after", x.after},
                        {"path", x.origin.path},
                        {"line", x.origin.line},
                        {"column", x.origin.column}});
  }
  s.bind(":sections", sections.dump());
  json id_patterns = json::object();
  for (const model::PatternKind& k : model::pattern_kinds()) {
    if (!(p.ids.*k.member).empty()) {
      id_patterns[std::string(k.key)] = p.ids.*k.member;
    }
  }
  s.bind(":id_patterns", id_patterns.dump());
  bind_origin(s, p.origin);
  s.exec();

  SQLite::Statement dim(db,
                        "INSERT INTO score_dimension (id, position, name, kind, max_value, target, "
                        "target_text, footnote, source_path, source_line, source_column) VALUES (:id, "
                        ":position, :name, :kind, :max, :target, :text, :footnote, :source_path, "
                        ":source_line, :source_column)");
  int position = 0;
  for (const model::ScoreDimension& sd : d.dimensions) {
    dim.bind(":id", sd.id);
    dim.bind(":position", position++);
    dim.bind(":name", sd.name);
    dim.bind(":kind", std::string(model::to_string(sd.kind)));
    dim.bind(":max", sd.max);
    bind_optional(dim, ":target", sd.target);
    dim.bind(":text", sd.target_text);
    dim.bind(":footnote", sd.footnote);
    bind_origin(dim, sd.origin);
    run(dim);
  }

  SQLite::Statement fact(db,
                         "INSERT INTO fact (position, metric, value, value_number, source, as_of, "
                         "source_path, source_line, source_column) VALUES (:position, :metric, :value, :number, "
                         ":source, :as_of, :source_path, :source_line, :source_column)");
  position = 0;
  for (const model::Fact& f : d.facts) {
    fact.bind(":position", position++);
    fact.bind(":metric", f.metric);
    fact.bind(":value", f.value);
    bind_optional(fact, ":number", f.number);
    fact.bind(":source", f.source);
    fact.bind(":as_of", f.as_of);
    bind_origin(fact, f.origin);
    run(fact);
  }

  SQLite::Statement phase(db,
                          "INSERT INTO phase (id, name, goal, future_json, source_path, "
                          "source_line, source_column) VALUES (:id, :name, :goal, :future, :source_path, "
                          ":source_line, :source_column)");
  for (const model::Phase& ph : d.phases) {
    phase.bind(":id", ph.id);
    phase.bind(":name", ph.name);
    phase.bind(":goal", ph.goal);
    phase.bind(":future", to_json(ph.future));
    bind_origin(phase, ph.origin);
    run(phase);
  }

  SQLite::Statement category(db,
                             "INSERT INTO category (id, name, position, source_path, "
                             "source_line, source_column) VALUES (:id, :name, :position, :source_path, "
                             ":source_line, :source_column)");
  for (const model::Category& c : d.categories) {
    category.bind(":id", c.id);
    category.bind(":name", c.name);
    category.bind(":position", c.order);
    bind_origin(category, c.origin);
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
      // null: `done:` absent (done once the milestone is closed)
      deliverables.push_back({{"text", dl.text}, {"path", dl.path}, {"done", dl.done ? json(*dl.done) : json()}});
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
    bind_text_or_null(
      s, ":merge_state", m.merge && m.merge->state ? std::string(model::to_string(*m.merge->state)) : std::string());
    s.bind(":ci_workflow", m.ci_workflow);
    bind_origin(s, m.origin);
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
    std::vector<std::string> aliases;
    aliases.reserve(inv.aliases.size());
    for (const model::Ref& a : inv.aliases) {
      aliases.push_back(a.id);
    }
    s.bind(":aliases", to_json(aliases));
    if (inv.waiver) {
      s.bind(":waiver_owner", inv.waiver->owner);
      s.bind(":waiver_reason", inv.waiver->reason);
      s.bind(":waiver_expires", inv.waiver->expires);
    } else {
      s.bind(":waiver_owner");
      s.bind(":waiver_reason");
      s.bind(":waiver_expires");
    }
    bind_origin(s, inv.origin);
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
                         "milestones_note, description, source_path, source_line, source_column) VALUES (:id, "
                         ":position, :title, :priority, :status, :note, :description, "
                         ":source_path, :source_line, :source_column)");
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
    bind_origin(risk, r.origin);
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
                        "deferred_to, deferred_to_text, exit_criteria, blocker, status, source_ref, history_json, "
                        "source_path, source_line, source_column) VALUES (:id, :position, :what, :why, :risk, "
                        ":found, :to, :to_text, :exit, :blocker, :status, :ref, :history, :source_path, "
                        ":source_line, :source_column)");
  position = 0;
  for (const model::Deferral& x : d.deferrals) {
    def.bind(":id", x.id);
    def.bind(":position", position++);
    def.bind(":what", x.what);
    def.bind(":why", x.why);
    def.bind(":risk", x.risk);
    def.bind(":found", x.discovered_in.id);
    bind_text_or_null(def, ":to", x.deferred_to ? x.deferred_to->id : std::string());
    def.bind(":to_text", x.deferred_to_text);
    def.bind(":history", deferral_history_json(x.history));
    def.bind(":exit", x.exit_criteria);
    def.bind(":blocker", x.blocker ? 1 : 0);
    def.bind(":status", std::string(model::to_string(x.status)));
    def.bind(":ref", x.source_ref);
    bind_origin(def, x.origin);
    run(def);
  }
}

void
insert_gates(SQLite::Database& db, const model::Definitions& d)
{
  SQLite::Statement p(
    db, "UPDATE program SET checkout = :checkout, gates_json = :gates, ledger_dir = :ledger_dir WHERE id = 1");
  p.bind(":checkout", d.program.checkout);
  p.bind(":ledger_dir", d.program.ledger_dir);
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

} // namespace rl::store::detail
