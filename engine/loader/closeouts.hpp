#pragma once

// Internal to loader/: closeout records (milestones/<ID>.closeout.json).

#include "loader/loader.hpp"

#include <map>

namespace rl::loader {

bool is_record_path(const std::string& path);

// Parses one record file; problems (path:line:col) go to `sink`.
std::optional<model::CloseoutRecord> parse_record_source(const SourceText& source, util::DiagnosticSink& sink);

// Applies each record to its milestone (closed: status, closeout and score
// come from the record) and checks the lock. `unparsed` lists YAML files that
// did not parse: records of milestones they may define are not reported.
// The lock of closed milestone `unlock` is not checked: its changed fields
// are returned (see LoadedProgram::unlocked_changes). `aliases` (old
// invariant id -> current) are applied to the frozen definitions first.
std::vector<std::string> apply_records(model::Definitions& definitions,
                                       const std::vector<model::CloseoutRecord>& records,
                                       const std::vector<std::string>& unparsed,
                                       util::DiagnosticSink& sink,
                                       const std::string& unlock,
                                       const std::map<std::string, std::string>& aliases = {});

} // namespace rl::loader
