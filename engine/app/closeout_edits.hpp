#pragma once

// Internal to app/: the closeout edits `close` applies in the same step as the
// close (--resolve, --mitigate, --defer ... --to), written into the YAML files
// so that the repository stays the source of truth. The edits are made in the
// text, line by line, at the places yaml-cpp reports: comments and the layout
// of everything else stay as they were.

#include "app/journal.hpp"
#include "model/entities.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace rl::app {

struct CloseoutEdits
{
  std::vector<std::string> resolve;  // deferral ids: status resolved, a history event
  std::vector<std::string> mitigate; // risk ids: status mitigated, a history entry
  std::vector<std::string> defer;    // new deferrals: what
  std::vector<std::string> defer_to; // ... and where to (one per --defer)

  bool empty() const
  {
    return resolve.empty() && mitigate.empty() && defer.empty();
  }
};

// The YAML files `edits` change, with their new text, for the close of
// `milestone` on `date`. Throws UsageError for an unknown id, a deferral
// already resolved, a risk already mitigated or resolved, --defer without its
// --to; InputError when a file cannot be edited in place (e.g. the list is
// written in flow style), naming the place.
std::vector<FileWrite> closeout_edits(const std::filesystem::path& root,
                                      const model::Definitions& definitions,
                                      const std::string& milestone,
                                      const std::string& date,
                                      const CloseoutEdits& edits);

} // namespace rl::app
