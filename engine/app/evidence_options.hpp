#pragma once

#include "model/enums.hpp"

#include <string>

namespace rl::app {

// The options every command that stores evidence takes (ingest, record metric).
struct EvidenceOptions
{
  std::string commit;     // empty: git HEAD of the program root
  std::string at;         // empty: from the file, else now
  std::string source;     // empty: the path as given
  std::string repository; // github-run: owner/name when the document does not say
  std::string prefix;     // coverage / sarif: metric name prefix (default: coverage / sarif)
  model::OutputFormat format = model::OutputFormat::table; // for report::emit (the use case does not print)
};

} // namespace rl::app
