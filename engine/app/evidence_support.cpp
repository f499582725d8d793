#include "app/evidence_support.hpp"

#include "app/assess.hpp"
#include "app/git.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <optional>

namespace rl::app {

EvidenceContext
open_for_evidence(const GlobalOptions& global, const EvidenceOptions& options)
{
  EvidenceContext c{open_current(global), options.commit, current_time()};
  if (c.commit.empty()) {
    c.commit = git_output(c.ledger.paths.root, {"rev-parse", "--verify", "-q", "HEAD"}).value_or("");
  }
  if (!options.at.empty() && !model::Timestamp::parse(options.at)) {
    throw util::UsageError(fmt::format("--at '{}' is not a time: write e.g. 2026-02-08T07:30:00Z", options.at));
  }
  return c;
}

model::Timestamp
taken_at(const EvidenceOptions& options, const model::Timestamp& now)
{
  if (options.at.empty()) {
    return now;
  }
  // --at was checked by open_for_evidence() before anything was read.
  if (const std::optional<model::Timestamp> at = model::Timestamp::parse(options.at)) {
    return *at;
  }
  throw util::UsageError(fmt::format("--at '{}' is not a time: write e.g. 2026-02-08T07:30:00Z", options.at));
}

store::EvidenceHeader
header_for(model::EvidenceKind kind,
           const std::string& hash,
           const std::string& path,
           const EvidenceOptions& options,
           const EvidenceContext& c)
{
  return {kind, hash, options.source.empty() ? path : options.source, path, c.commit, taken_at(options, c.now), c.now};
}

} // namespace rl::app
