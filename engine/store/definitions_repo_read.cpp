// Reading the definitions back, in canonical order; a row the model cannot
// represent is a StoreError (see definitions_repo_internal.hpp).

#include "model/gates.hpp"
#include "model/id_patterns.hpp"
#include "store/definitions_repo_internal.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

namespace rl::store::detail {

namespace {

using nlohmann::json;

// ---- column helpers -----------------------------------------------------------

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
  return {
    q.getColumn("source_path").getString(), q.getColumn("source_line").getInt(), q.getColumn("source_column").getInt()};
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

} // namespace

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
    for (const json& j : json::parse(q.getColumn("sections_json").getString())) {
      p.sections.push_back({j.at("title").get<std::string>(),
                            j.at("file").get<std::string>(),
                            j.at("after").get<std::string>(),
                            {j.at("path").get<std::string>(), j.at("line").get<int>(), j.at("column").get<int>()}});
    }
    const json id_patterns = json::parse(q.getColumn("id_patterns_json").getString());
    for (const model::PatternKind& k : model::pattern_kinds()) {
      if (const auto it = id_patterns.find(k.key); it != id_patterns.end()) {
        p.ids.*k.member = it->get<std::string>();
      }
    }
    p.checkout = q.getColumn("checkout").getString();
    p.ledger_dir = q.getColumn("ledger_dir").getString();
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
    sd.footnote = dims.getColumn("footnote").getString();
    sd.origin = origin_of(dims);
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
      const json& done = j.at("done");
      m.deliverables.push_back({j.at("text").get<std::string>(),
                                j.at("path").get<std::string>(),
                                done.is_null() ? std::nullopt : std::optional<bool>(done.get<bool>())});
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
      merge.state = optional_enum_column<model::PullRequestState>(q.getColumn("merge_state"), where);
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
    for (std::string& alias : strings_from(q.getColumn("aliases_json").getString())) {
      inv.aliases.push_back(model::Ref{std::move(alias), {}});
    }
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
    x.deferred_to_text = def.getColumn("deferred_to_text").getString();
    x.history = deferral_history_from(def.getColumn("history_json").getString(), x.id);
    x.origin = origin_of(def);
    d.deferrals.push_back(std::move(x));
  }
}

} // namespace rl::store::detail
