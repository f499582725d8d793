#include "loader/closeouts.hpp"
#include "loader/parse.hpp"
#include "loader/yaml_reader.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace rl::loader {

namespace {

util::SourceLocation
loc(const model::Origin& origin)
{
  return {origin.path, origin.line, origin.column};
}

std::string
where(const model::Origin& origin)
{
  return fmt::format("{}:{}:{}", origin.path, origin.line, origin.column);
}

// Reports every id defined twice, naming both places.
template<typename T, typename IdOf>
std::unordered_map<std::string, const T*>
index_unique(const std::vector<T>& items, std::string_view what, IdOf id_of, util::DiagnosticSink& sink)
{
  std::unordered_map<std::string, const T*> index;
  for (const T& item : items) {
    const std::string id = id_of(item);
    if (id.empty()) {
      continue;
    }
    const auto [it, inserted] = index.emplace(id, &item);
    if (!inserted) {
      sink.error(loc(item.origin),
                 fmt::format("duplicate {} id '{}': already defined at {}", what, id, where(it->second->origin)),
                 fmt::format("each {} needs its own id; give this one a new id", what));
    }
  }
  return index;
}

class Checker
{
public:
  Checker(const model::Definitions& defs,
          const model::IdPatterns& ids,
          const std::vector<std::string>& unparsed,
          util::DiagnosticSink& sink)
    : m_defs(defs)
    , m_ids(ids)
    , m_sink(sink)
  {
    for (const std::string& path : unparsed) {
      if (path.rfind("invariants/", 0) == 0) {
        m_invariant_file_unparsed = true;
      } else {
        // milestones/M02.yaml may have defined M02.
        const std::size_t slash = path.rfind('/');
        const std::size_t dot = path.rfind('.');
        m_unparsed_milestones.insert(path.substr(slash + 1, dot - slash - 1));
      }
    }
  }

  void run(const std::vector<model::Origin>& program_files)
  {
    check_program(program_files);
    m_has_program = !program_files.empty();
    auto id = [](const auto& item) { return item.id; };
    m_milestones = index_unique(m_defs.milestones, "milestone", id, m_sink);
    m_invariants = index_unique(m_defs.invariants, "invariant", id, m_sink);
    m_risks = index_unique(m_defs.risks, "risk", id, m_sink);
    index_unique(m_defs.deferrals, "deferral", id, m_sink);
    check_ids_across_kinds();
    const auto phases = index_unique(
      m_defs.phases,
      "phase",
      [](const model::Phase& p) { return p.id < 0 ? std::string() : std::to_string(p.id); },
      m_sink);
    for (const auto& [key, phase] : phases) {
      m_phase_ids.insert(key);
    }
    m_dimensions = index_unique(m_defs.dimensions, "score dimension", id, m_sink);
    check_categories();
    check_facts();
    for (const model::Milestone& m : m_defs.milestones) {
      check_milestone(m);
    }
    check_cycles();
    for (const model::Invariant& inv : m_defs.invariants) {
      if (inv.recommendation && inv.recommendation->milestone) {
        const model::Ref& ref = *inv.recommendation->milestone;
        if (!m_milestones.contains(ref.id) && !m_unparsed_milestones.contains(ref.id)) {
          m_sink.error(loc(ref.origin),
                       fmt::format("invariant {} recommends milestone {}, which does not exist", inv.id, ref.id),
                       milestone_help());
        }
      }
    }
    for (const model::Risk& risk : m_defs.risks) {
      for (const model::Ref& ref : risk.milestones) {
        require_milestone(ref, fmt::format("risk {}", risk.id));
      }
      for (const model::Ref& ref : risk.invariants) {
        require_invariant(ref, fmt::format("risk {}", risk.id));
      }
      for (const model::RiskChange& change : risk.history) {
        if (change.milestone) {
          require_milestone(*change.milestone, fmt::format("risk {} history", risk.id));
        }
      }
    }
    for (const model::Deferral& d : m_defs.deferrals) {
      require_milestone(d.discovered_in, fmt::format("deferral {}", d.id));
      if (d.deferred_to) {
        require_milestone(*d.deferred_to, fmt::format("deferral {}", d.id));
      }
      for (const model::DeferralEvent& e : d.history) {
        if (e.milestone) {
          require_milestone(*e.milestone, fmt::format("deferral {} history", d.id));
        }
        if (m_ids.valid(IdKind::milestone, e.to)) { // a milestone id must exist; free text may say anything
          require_milestone(model::Ref{e.to, e.milestone ? e.milestone->origin : d.origin},
                            fmt::format("deferral {} history (to)", d.id));
        }
      }
    }
  }

private:
  std::string milestone_help() const
  {
    return "milestones are defined by milestones/MNN.yaml files; fix the id or add the milestone";
  }

  void require_milestone(const model::Ref& ref, const std::string& context)
  {
    if (!ref.id.empty() && !m_milestones.contains(ref.id) && !m_unparsed_milestones.contains(ref.id)) {
      m_sink.error(
        loc(ref.origin), fmt::format("{} refers to unknown milestone {}", context, ref.id), milestone_help());
    }
  }

  void require_invariant(const model::Ref& ref, const std::string& context)
  {
    if (!ref.id.empty() && !m_invariants.contains(ref.id) && !m_invariant_file_unparsed) {
      m_sink.error(loc(ref.origin),
                   fmt::format("{} refers to unknown invariant {}", context, ref.id),
                   "invariants are defined in invariants/*.yaml; fix the id or add the invariant");
    }
  }

  void check_program(const std::vector<model::Origin>& program_files)
  {
    if (program_files.empty()) {
      m_sink.error({"milestones/program.yaml", 0, 0},
                   "no program file: nothing defines the program",
                   "create milestones/program.yaml with a top-level 'program:' mapping "
                   "(see README, YAML formats)");
    }
    for (std::size_t i = 1; i < program_files.size(); ++i) {
      m_sink.error(loc(program_files[i]),
                   fmt::format("a second program file: the program is already defined at {}", where(program_files[0])),
                   "keep exactly one file with a top-level 'program:' key");
    }
    if (!program_files.empty() && m_defs.phases.empty()) {
      m_sink.error(loc(program_files[0]),
                   "the program defines no phases",
                   "add 'phases:' with at least one entry '- {id: 0, name: ...}'");
    }
  }

  // `show ID` and every reference find an entity by its id alone, so no id
  // (nor an invariant's earlier id) may name two kinds of entity. Only a
  // program's own id patterns (program.yaml ids:) can let that happen.
  void check_ids_across_kinds()
  {
    std::map<std::string, std::pair<std::string_view, const model::Origin*>> first;
    auto add = [&](const std::string& id, std::string_view kind, const model::Origin& origin) {
      const auto [it, added] = first.emplace(id, std::make_pair(kind, &origin));
      if (!added && it->second.first != kind) {
        m_sink.error(
          loc(origin),
          fmt::format("'{}' is the id of {} and of {} (at {})", id, kind, it->second.first, where(*it->second.second)),
          "every id names one milestone, invariant, risk or deferral: rename one, or make the "
          "patterns of program.yaml ids: tell the kinds apart");
      }
    };
    for (const model::Milestone& m : m_defs.milestones) {
      add(m.id, "a milestone", m.origin);
    }
    for (const model::Invariant& inv : m_defs.invariants) {
      add(inv.id, "an invariant", inv.origin);
      for (const model::Ref& alias : inv.aliases) {
        add(alias.id, "an invariant", alias.origin);
      }
    }
    for (const model::Risk& r : m_defs.risks) {
      add(r.id, "a risk", r.origin);
    }
    for (const model::Deferral& d : m_defs.deferrals) {
      add(d.id, "a deferral", d.origin);
    }
  }

  void check_categories()
  {
    std::map<std::string, const model::Category*> seen;
    for (const model::Category& c : m_defs.categories) {
      const auto [it, inserted] = seen.emplace(c.id, &c);
      if (!inserted && it->second->name != c.name) {
        m_sink.error(loc(c.origin),
                     fmt::format("category '{}' is named '{}' here but '{}' at {}",
                                 c.id,
                                 c.name,
                                 it->second->name,
                                 where(it->second->origin)),
                     "use one name per category id");
      }
    }
  }

  void check_facts()
  {
    // A metric observed twice on the same date is a contradiction.
    std::map<std::pair<std::string, std::string>, const model::Fact*> seen;
    for (const model::Fact& f : m_defs.facts) {
      const auto [it, inserted] = seen.emplace(std::make_pair(f.metric, f.as_of), &f);
      if (!inserted) {
        m_sink.error(
          loc(f.origin),
          fmt::format("fact '{}' is observed twice on {}: first at {}", f.metric, f.as_of, where(it->second->origin)),
          "an observation is a metric at a date; remove one or change its as_of");
      }
    }
  }

  void check_milestone(const model::Milestone& m)
  {
    if (m_has_program && !m.phase.id.empty() && !m_phase_ids.contains(m.phase.id)) {
      m_sink.error(loc(m.phase.origin),
                   fmt::format("milestone {} is in phase {}, which program.yaml does not define", m.id, m.phase.id),
                   "add the phase to 'phases:' in milestones/program.yaml or fix the number");
    }
    for (const model::Ref& dep : m.depends_on) {
      if (dep.id == m.id) {
        m_sink.error(loc(dep.origin), fmt::format("milestone {} depends on itself", m.id), "remove it from depends_on");
        continue;
      }
      require_milestone(dep, fmt::format("milestone {} depends_on", m.id));
    }
    std::set<std::pair<std::string, model::InvariantRole>> links;
    for (const model::InvariantLink& link : m.invariants) {
      require_invariant(link.invariant, fmt::format("milestone {}", m.id));
      if (!links.emplace(link.invariant.id, link.role).second) {
        m_sink.error(
          loc(link.invariant.origin),
          fmt::format(
            "milestone {} lists invariant {} twice as {}", m.id, link.invariant.id, model::to_string(link.role)),
          "remove the repeated entry");
      }
    }
    for (const model::EvidenceGap& gap : m.evidence_gaps) {
      if (gap.deferred_to) {
        require_milestone(*gap.deferred_to, fmt::format("milestone {} evidence gap", m.id));
      }
    }
    if (m.score && m_has_program) {
      for (const model::ScoreValue& value : m.score->values) {
        const auto it = m_dimensions.find(value.dimension.id);
        if (it == m_dimensions.end()) {
          std::string known;
          for (const model::ScoreDimension& d : m_defs.dimensions) {
            known += known.empty() ? d.id : ", " + d.id;
          }
          m_sink.error(loc(value.dimension.origin),
                       fmt::format("unknown score dimension '{}'", value.dimension.id),
                       fmt::format("score dimensions (program.yaml 'scores'): {}", known));
          continue;
        }
        if (it->second->kind == model::ScoreKind::numeric && !value.number) {
          m_sink.error(loc(value.dimension.origin),
                       fmt::format("score '{}' is numeric: '{}' is not a number", value.dimension.id, value.text),
                       fmt::format("write a number from 0 to {}, or make the dimension "
                                   "'kind: label'",
                                   it->second->max));
        } else if (value.number && (*value.number < 0 || *value.number > it->second->max)) {
          m_sink.error(loc(value.dimension.origin),
                       fmt::format("score '{}' is {}, outside 0..{}", value.dimension.id, value.text, it->second->max));
        }
      }
    }
  }

  // Reports each dependency cycle once, as "M03 -> M04 -> M03".
  void check_cycles()
  {
    enum class Mark { none, active, done };
    std::unordered_map<std::string, Mark> marks;
    std::vector<std::string> stack;
    std::function<void(const model::Milestone&)> visit = [&](const model::Milestone& m) {
      marks[m.id] = Mark::active;
      stack.push_back(m.id);
      for (const model::Ref& dep : m.depends_on) {
        const auto it = m_milestones.find(dep.id);
        if (it == m_milestones.end() || dep.id == m.id) {
          continue;
        }
        const Mark mark = marks[dep.id];
        if (mark == Mark::active) {
          std::string path;
          auto start = std::find(stack.begin(), stack.end(), dep.id);
          for (auto i = start; i != stack.end(); ++i) {
            path += *i + " -> ";
          }
          path += dep.id;
          m_sink.error(loc(dep.origin),
                       fmt::format("milestone dependency cycle: {}", path),
                       "a milestone cannot depend, directly or not, on itself; remove one of "
                       "these depends_on entries");
        } else if (mark == Mark::none) {
          visit(*it->second);
        }
      }
      stack.pop_back();
      marks[m.id] = Mark::done;
    };
    for (const model::Milestone& m : m_defs.milestones) {
      if (marks[m.id] == Mark::none && m_milestones.contains(m.id) && m_milestones.at(m.id) == &m) {
        visit(m);
      }
    }
  }

  const model::Definitions& m_defs;
  const model::IdPatterns& m_ids;
  util::DiagnosticSink& m_sink;
  std::unordered_map<std::string, const model::Milestone*> m_milestones;
  std::unordered_map<std::string, const model::Invariant*> m_invariants;
  std::unordered_map<std::string, const model::Risk*> m_risks;
  std::unordered_map<std::string, const model::ScoreDimension*> m_dimensions;
  std::set<std::string> m_phase_ids;
  bool m_has_program = false;
  bool m_invariant_file_unparsed = false;
  std::set<std::string> m_unparsed_milestones;
};

} // namespace

void
validate_definitions(const model::Definitions& definitions,
                     const model::IdPatterns& ids,
                     const std::vector<model::Origin>& program_files,
                     const std::vector<std::string>& unparsed,
                     util::DiagnosticSink& sink)
{
  Checker(definitions, ids, unparsed, sink).run(program_files);
}

namespace {

// Reads references to an invariant's earlier id (its `aliases:`) as its
// current id, and returns old id -> current id. An alias that is also an
// invariant's id, or the alias of two invariants, is an error.
std::map<std::string, std::string>
resolve_invariant_aliases(model::Definitions& d, util::DiagnosticSink& sink)
{
  std::map<std::string, std::string> aliases;
  std::set<std::string> ids;
  for (const model::Invariant& inv : d.invariants) {
    ids.insert(inv.id);
  }
  for (const model::Invariant& inv : d.invariants) {
    for (const model::Ref& alias : inv.aliases) {
      const util::SourceLocation at{alias.origin.path, alias.origin.line, alias.origin.column};
      if (ids.contains(alias.id)) {
        sink.error(at,
                   fmt::format("{} is an alias of {} and the id of an invariant", alias.id, inv.id),
                   "an alias is an id no invariant has any more: remove it, or rename that invariant");
      } else if (const auto [it, added] = aliases.emplace(alias.id, inv.id); !added && it->second != inv.id) {
        sink.error(at,
                   fmt::format("{} is an alias of both {} and {}", alias.id, it->second, inv.id),
                   "an old id resolves to one invariant: keep the alias on one of them");
      }
    }
  }
  if (aliases.empty()) {
    return aliases;
  }
  auto resolve = [&](model::Ref& ref) {
    if (const auto it = aliases.find(ref.id); it != aliases.end()) {
      ref.id = it->second;
    }
  };
  for (model::Milestone& m : d.milestones) {
    for (model::InvariantLink& link : m.invariants) {
      resolve(link.invariant);
    }
  }
  for (model::Risk& r : d.risks) {
    for (model::Ref& ref : r.invariants) {
      resolve(ref);
    }
  }
  return aliases;
}

} // namespace

LoadedProgram
load_program(const std::vector<SourceText>& sources, util::DiagnosticSink& sink, const std::string& unlock)
{
  LoadedProgram loaded;
  model::Definitions& definitions = loaded.definitions;
  std::vector<model::Origin> program_files;
  std::vector<std::string> unparsed;
  std::vector<const SourceText*> record_files;
  std::vector<YamlFile> files;
  for (const SourceText& source : sources) {
    bool readable = false;
    if (is_record_path(source.path)) {
      record_files.push_back(&source);
    } else if (std::optional<YamlFile> file = read_source(source, sink, &readable)) {
      files.push_back(std::move(*file));
    } else if (!readable) {
      unparsed.push_back(source.path);
    }
  }
  // The program file first: its `ids:` say what every other file's ids look like.
  for (const YamlFile& file : files) {
    if (file.kind == YamlFile::Kind::program) {
      parse_file(file, model::IdPatterns::defaults(), definitions, program_files, sink);
    }
  }
  const model::IdPatterns ids(definitions.program.ids);
  for (const YamlFile& file : files) {
    if (file.kind != YamlFile::Kind::program) {
      parse_file(file, ids, definitions, program_files, sink);
    }
  }
  files.clear();
  for (const SourceText* source : record_files) {
    if (auto record = parse_record_source(*source, sink)) {
      loaded.records.push_back(std::move(*record));
    }
  }
  const std::map<std::string, std::string> aliases = resolve_invariant_aliases(definitions, sink);
  loaded.unlocked_changes = apply_records(definitions, loaded.records, unparsed, sink, unlock, aliases);
  // Cross-file checks run even when some file had errors, so that one run
  // reports every problem; entities that did not parse are simply absent.
  validate_definitions(definitions, ids, program_files, unparsed, sink);
  model::canonicalize(definitions);
  std::sort(loaded.records.begin(), loaded.records.end(), [](const auto& a, const auto& b) {
    return model::natural_less(a.milestone, b.milestone);
  });
  return loaded;
}

model::Definitions
load_definitions(const std::vector<SourceText>& sources, util::DiagnosticSink& sink)
{
  return load_program(sources, sink).definitions;
}

} // namespace rl::loader
