#include "loader/closeouts.hpp"
#include "model/commit.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace rl::loader {

namespace {

constexpr std::string_view k_record_suffix = ".closeout.json";

util::SourceLocation
location_of(const SourceText& source, std::size_t offset)
{
  return util::location_at(source.path, source.text, offset);
}

util::SourceLocation
location_of(const model::Origin& origin)
{
  return {origin.path, origin.line, origin.column};
}

std::string
milestone_of_path(const std::string& path)
{
  const std::size_t slash = path.rfind('/');
  const std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  return name.substr(0, name.size() - k_record_suffix.size());
}

} // namespace

bool
is_record_path(const std::string& path)
{
  return path.size() > k_record_suffix.size()
         && path.compare(path.size() - k_record_suffix.size(), k_record_suffix.size(), k_record_suffix) == 0;
}

std::optional<model::CloseoutRecord>
parse_record_source(const SourceText& source, util::DiagnosticSink& sink)
{
  model::RecordParseError error;
  auto record = model::parse_record(source.text, error);
  if (!record) {
    sink.error(location_of(source, error.offset),
               error.message,
               "closeout records are written by `refactor-ledger close`; restore this file from "
               "version control (git checkout -- FILE) rather than editing it");
    return std::nullopt;
  }
  record->origin = {source.path, 1, 1};
  const std::string expected = milestone_of_path(source.path);
  if (record->milestone != expected) {
    sink.error(
      {source.path, 1, 1},
      fmt::format("closeout record for milestone '{}' is named after '{}'", record->milestone, expected),
      fmt::format("the record of {0} belongs in {1}", record->milestone, model::record_path(record->milestone)));
    return std::nullopt;
  }
  if (record->events.empty()) {
    sink.error({source.path, 1, 1},
               fmt::format("closeout record of {} has no events", record->milestone),
               "restore this file from version control, or delete it if the milestone was never "
               "closed");
    return std::nullopt;
  }
  return record;
}

std::vector<std::string>
apply_records(model::Definitions& definitions,
              const std::vector<model::CloseoutRecord>& records,
              const std::vector<std::string>& unparsed,
              util::DiagnosticSink& sink,
              const std::string& unlock,
              const std::map<std::string, std::string>& aliases)
{
  std::vector<std::string> unlocked;
  for (const model::CloseoutRecord& record : records) {
    model::Milestone* found = model::find_milestone(definitions, record.milestone);
    if (found == nullptr) {
      if (unparsed.empty()) {
        sink.error(location_of(record.origin),
                   fmt::format("closeout record of unknown milestone {}", record.milestone),
                   fmt::format("restore milestones/{}.yaml, or delete this record", record.milestone));
      }
      continue;
    }
    model::Milestone& m = *found;
    if (!record.closed()) {
      if (m.status == model::MilestoneStatus::closed) {
        sink.error(location_of(m.origin),
                   fmt::format("milestone {} says status: closed but was reopened ({})", m.id, record.origin.path),
                   fmt::format("set its status to in_progress; close it again with "
                               "`refactor-ledger close {}`",
                               m.id));
      }
      continue;
    }
    const model::CloseoutEvent& close = *record.last_close();
    std::vector<std::string> changed =
      model::changed_fields(model::with_current_invariant_ids(close.definition, aliases), model::definition_json(m));
    if (m.id == unlock) {
      unlocked = std::move(changed);
    } else if (!changed.empty()) {
      sink.error(location_of(m.origin),
                 fmt::format("milestone {} is closed and locked (closed {} at {}), but its "
                             "definition changed: {}",
                             m.id,
                             close.date,
                             model::short_commit(close.commit),
                             fmt::join(changed, ", ")),
                 fmt::format("revert the edit (git diff {}), or reopen the milestone (the edit may stay): "
                             "refactor-ledger reopen {} --reason TEXT",
                             m.origin.path,
                             m.id));
    }
    m.status = model::MilestoneStatus::closed;
    m.closeout = model::Closeout{close.date, true, close.artifacts, close.verdict};
    m.score = close.score;
  }
  for (model::Milestone& m : definitions.milestones) {
    if (m.status == model::MilestoneStatus::closed && model::find_record(records, m.id) == nullptr) {
      sink.error(location_of(m.origin),
                 fmt::format("milestone {} says status: closed but has no closeout record", m.id),
                 fmt::format("a milestone is closed by `refactor-ledger close {0}`, which checks its "
                             "gates and writes {1} (`close {0} --adopt` for one closed before the "
                             "ledger existed); until then give it another status",
                             m.id,
                             model::record_path(m.id)));
    }
  }
  return unlocked;
}

} // namespace rl::loader
