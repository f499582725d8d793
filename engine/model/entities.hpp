#pragma once

#include "model/enums.hpp"
#include "model/gates.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl::model {

// Where an entity was defined: path relative to the program root, 1-based line
// and column (0 when unknown, e.g. after a round trip through the database).
struct Origin
{
  std::string path;
  int line = 0;
  int column = 0;

  bool operator==(const Origin&) const = default;
};

// A reference to another entity by id, with the place it was written (for
// diagnostics). Two references are equal when their ids are.
struct Ref
{
  std::string id;
  Origin origin;

  bool operator==(const Ref& other) const
  {
    return id == other.id;
  }
};

struct Link
{
  std::string title;
  std::string path;
  bool operator==(const Link&) const = default;
};

struct Principle
{
  std::string title;
  std::string text;
  bool operator==(const Principle&) const = default;
};

// A section of REFACTOR.md the program writes itself (architecture
// principles, a deprecation policy, ...): a Markdown file of the program root,
// placed after one of the generated sections (log_section_positions()).
struct LogSection
{
  std::string title;
  std::string file;  // relative to the program root
  std::string after; // a position: "governance", "history", ...
  Origin origin;
  bool operator==(const LogSection&) const = default;
};

// Where program-written sections may go: after "context", "facts",
// "governance", "history", "principles", "deprecation", "risks", "deferrals",
// "catalog", "status", "progress" or "scores".
const std::vector<std::string>& log_section_positions();

// The program's own id patterns (program.yaml `ids:`), as written; empty
// means the default of that kind (see model/id_patterns.hpp).
struct IdPatternSet
{
  std::string milestone;
  std::string invariant;
  std::string risk;
  std::string deferral;
  bool operator==(const IdPatternSet&) const = default;
};

struct Program
{
  std::string name;
  std::string title;
  std::string repository;
  std::string fork;
  std::string start;
  std::string baseline_commit;
  std::string log_path = "REFACTOR.md";
  std::string toolcalls_path = "docs/refactor/toolcalls.md";
  std::string milestone_docs_path = "docs/refactor/milestones";
  std::string context_title;
  std::string context;
  std::string governance;
  std::vector<Link> references;
  std::vector<Principle> principles;
  std::string principles_note;
  std::string deprecation_policy;
  std::string deprecation_note;
  std::string tool_logging;
  std::string recovery_protocol;
  std::string risks_intro;
  std::string score_targets_label;
  // The governed repository's working tree, relative to the program root
  // (where closeout gates look for deliverables, diffs and patterns).
  std::string checkout = ".";
  // The folder, relative to the program root, of the committed ledger files:
  // evidence, approvals and their audit entries, one file per command
  // (app/ledger_files.hpp), shared by every clone through git.
  std::string ledger_dir = "ledger";
  GateConfig gates; // the program's definition of done: defaults for every milestone
  std::vector<LogSection> sections;
  IdPatternSet ids;
  Origin origin;
  bool operator==(const Program&) const = default;
};

struct ScoreDimension
{
  std::string id;
  std::string name;
  ScoreKind kind = ScoreKind::numeric;
  double max = 10;
  std::optional<double> target;
  std::string target_text;
  std::string footnote; // how it is scored (its scale, its source): a footnote under the trend table
  Origin origin;
  bool operator==(const ScoreDimension&) const = default;
};

struct Fact
{
  std::string metric;
  std::string value;            // as written
  std::optional<double> number; // when `value` is a plain YAML number
  std::string source;
  std::string as_of;
  Origin origin;
  bool operator==(const Fact&) const = default;
};

struct Phase
{
  int id = 0;
  std::string name;
  std::string goal;
  std::vector<std::string> future;
  Origin origin;
  bool operator==(const Phase&) const = default;
};

struct Deliverable
{
  std::string text;
  std::string path;
  // `done:` as the YAML says it; absent: done once its milestone is closed
  // (deliverable_done).
  std::optional<bool> done;
  bool operator==(const Deliverable&) const = default;
};

struct MetricValue
{
  std::string name;
  double value = 0;
  bool operator==(const MetricValue&) const = default;
};

struct InvariantLink
{
  Ref invariant;
  InvariantRole role = InvariantRole::protected_;
  std::string note;
  std::vector<MetricValue> metrics;
  bool operator==(const InvariantLink&) const = default;
};

struct EvidenceGap
{
  std::string text;
  std::optional<Ref> deferred_to;
  bool operator==(const EvidenceGap&) const = default;
};

struct Finding
{
  std::string label;
  std::string text;
  bool operator==(const Finding&) const = default;
};

struct CommitRef
{
  std::string sha;
  std::string message;
  bool operator==(const CommitRef&) const = default;
};

struct CiRun
{
  int number = 0;
  std::optional<std::int64_t> id;
  CiConclusion conclusion = CiConclusion::success;
  std::string issue;
  std::string fix;
  std::string commit;
  bool operator==(const CiRun&) const = default;
};

struct ScoreValue
{
  Ref dimension;
  std::optional<double> number;
  std::string text;
  bool operator==(const ScoreValue&) const = default;
};

struct ScoreRow
{
  std::string date;
  std::string label;
  std::vector<ScoreValue> values;
  bool operator==(const ScoreRow&) const = default;
};

struct Closeout
{
  std::string date;
  bool locked = true;
  std::vector<std::string> artifacts;
  std::string verdict;
  bool operator==(const Closeout&) const = default;
};

struct Merge
{
  std::optional<int> pr;
  std::string repository; // owner/name: the program's repository (upstream) or its fork
  std::string commit;
  std::optional<PullRequestState> state; // unset: merged (what `merge:` said before it had a state)
  bool operator==(const Merge&) const = default;
};

struct Milestone
{
  std::string id;
  std::string title;
  Ref phase; // phase id as text
  MilestoneStatus status = MilestoneStatus::planned;
  std::optional<Priority> priority;
  std::optional<double> effort_estimate;
  std::optional<double> effort_actual;
  std::string effort_note;
  std::vector<Ref> depends_on;
  std::optional<ChangeClass> change_class;
  std::string mode;
  std::string risk;
  std::string rollback;
  std::string intent;
  std::string scope_summary;
  std::vector<std::string> scope_in;
  std::vector<std::string> scope_out;
  std::vector<std::string> scope_paths;
  std::vector<std::string> non_goals;
  std::vector<Deliverable> deliverables;
  std::vector<InvariantLink> invariants; // introduced, then protected, then verified
  std::vector<std::string> verification_plan;
  std::vector<std::string> verification;
  std::vector<EvidenceGap> evidence_gaps;
  std::vector<Finding> findings;
  std::vector<std::string> outcome;
  std::vector<std::string> notes;
  std::vector<Link> see;
  std::optional<Closeout> closeout;
  std::optional<Merge> merge;
  std::vector<CommitRef> commits;
  std::string ci_workflow;
  std::vector<CiRun> ci_runs;
  std::optional<ScoreRow> score;
  GateConfig gates;
  std::string base_commit; // where the scope diff starts; '' = the previous closeout's commit
  Origin origin;
  bool operator==(const Milestone&) const = default;
};

// Whether a deliverable is done: as its `done:` says, else done when its
// milestone is closed (a closed milestone delivered what it listed, unless
// the YAML marks an item `done: false`).
inline bool
deliverable_done(const Milestone& milestone, const Deliverable& deliverable)
{
  return deliverable.done.value_or(milestone.status == MilestoneStatus::closed);
}

struct RiskChange
{
  std::string date;
  RiskStatus status = RiskStatus::active;
  std::optional<Ref> milestone;
  std::string note;
  bool operator==(const RiskChange&) const = default;
};

struct Risk
{
  std::string id;
  std::string title;
  Priority priority = Priority::p2;
  RiskStatus status = RiskStatus::active;
  std::vector<Ref> milestones;
  std::string milestones_note;
  std::vector<Ref> invariants;
  std::string description;
  std::vector<RiskChange> history;
  Origin origin;
  bool operator==(const Risk&) const = default;
};

// One dated event of a deferral's life: opened, re-targeted (`to`: the new
// target), resolved, dropped or reopened, in a milestone, with why.
struct DeferralEvent
{
  std::string date;
  DeferralEventKind event = DeferralEventKind::opened;
  std::optional<Ref> milestone;
  std::string to; // retargeted: a milestone id or free text
  std::string note;
  bool operator==(const DeferralEvent&) const = default;
};

struct Deferral
{
  std::string id;
  std::string what;
  std::string why;
  std::string risk;
  Ref discovered_in;
  std::optional<Ref> deferred_to; // when `deferred_to:` names a milestone
  std::string deferred_to_text;   // when it does not: "post-M10", "Phase 3"
  std::string exit_criteria;
  bool blocker = false;
  DeferralStatus status = DeferralStatus::open;
  std::string source_ref;
  std::vector<DeferralEvent> history; // oldest first
  Origin origin;

  // The target as written: the milestone id, the free text, or ''.
  std::string target() const
  {
    return deferred_to ? deferred_to->id : deferred_to_text;
  }
  // True when the deferral's life involves `milestone`: discovered in it,
  // deferred to it, or an event of its history names it.
  bool touches(const std::string& milestone) const;
  bool operator==(const Deferral&) const = default;
};

struct Category
{
  std::string id;
  std::string name;
  int order = 0;
  Origin origin;
  bool operator==(const Category&) const = default;
};

struct VerificationEntry
{
  VerificationMethod method = VerificationMethod::static_;
  std::string text;
  bool operator==(const VerificationEntry&) const = default;
};

// One node of an invariant's verification rule tree (the YAML `verify:`).
struct RuleNode
{
  enum class Kind { all, any, tests, ci, metric };
  Kind kind = Kind::all;
  std::vector<RuleNode> children; // all / any
  // tests: glob patterns over test identities, and how many must pass
  std::vector<std::string> selectors;
  int min = 1;
  // ci: the latest run of a workflow (name or path glob), optionally one job, on a branch
  std::string workflow;
  std::string job;
  std::string branch;
  CiConclusion conclusion = CiConclusion::success;
  // metric: the latest value of `metric` compared with `value` by `op`
  std::string metric;
  std::string op;
  double value = 0;
  bool operator==(const RuleNode&) const = default;
};

struct VerifyRules
{
  RuleNode root;
  std::optional<int> max_age_days;       // evidence older than this is stale
  std::optional<int> max_commits_behind; // evidence more commits behind HEAD is stale
  bool operator==(const VerifyRules&) const = default;
};

struct Waiver
{
  std::string owner;
  std::string reason;
  std::string expires; // date; the waiver applies through this day
  bool operator==(const Waiver&) const = default;
};

struct Recommendation
{
  std::string action;
  std::string text;
  std::optional<Ref> milestone;
  bool operator==(const Recommendation&) const = default;
};

struct Invariant
{
  std::string id;
  std::string name;
  std::string category; // category id
  std::string statement;
  std::string surface;
  std::vector<VerificationEntry> verification;
  Coverage coverage = Coverage::missing;
  std::string coverage_note;
  Priority priority = Priority::p2;
  std::vector<std::string> notes;
  std::optional<Recommendation> recommendation;
  std::string statement_changed;
  std::optional<VerifyRules> verify;
  std::optional<Waiver> waiver;
  // Its earlier ids (renamed invariants): a reference to one resolves to this
  // invariant, and the catalog shows "formerly INV-080".
  std::vector<Ref> aliases;
  Origin origin;
  bool operator==(const Invariant&) const = default;
};

// Everything the YAML files define: the program as data. Collections are kept
// in a canonical order (see canonicalize): milestones, invariants, risks and deferrals by
// natural_less, phases by id, categories by
// (order, id) and each once, facts and score dimensions in file order.
struct Definitions
{
  Program program;
  std::vector<ScoreDimension> dimensions;
  std::vector<Fact> facts;
  std::vector<Phase> phases;
  std::vector<Category> categories;
  std::vector<Milestone> milestones;
  std::vector<Invariant> invariants;
  std::vector<Risk> risks;
  std::vector<Deferral> deferrals;
  bool operator==(const Definitions&) const = default;
};

// Ids order by prefix, then number, then suffix: M06 < M06-A < M07 < M100,
// INV-999 < INV-1000.
bool natural_less(const std::string& a, const std::string& b);

// Sorts every collection of `definitions` into the canonical order above and
// keeps the first of categories that share an id (the loader has checked that
// they share a name).
void canonicalize(Definitions& definitions);

// The milestone with `id`, or nullptr.
const Milestone* find_milestone(const Definitions& definitions, std::string_view id);
Milestone* find_milestone(Definitions& definitions, std::string_view id);

} // namespace rl::model
