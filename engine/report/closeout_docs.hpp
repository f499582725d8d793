#pragma once

// The closeout documents of each closed milestone (summary and audit, with the
// sections of the example's M01 documents and reference/prompts/) and the
// program's tool-call log, rendered from the definitions and the committed
// closeout records only: a fresh clone rebuilds them byte for byte.

#include "model/closeout.hpp"
#include "model/entities.hpp"

#include <string>
#include <vector>

namespace rl::report {

struct RenderedFile
{
  std::string path; // relative to the program root
  std::string text;
};

// "<milestone_docs>/M02/M02_summary.md" and "..._audit.md".
std::vector<std::string> closeout_document_paths(const model::Program& program, const std::string& milestone_id);

// The summary and audit of every milestone whose record has a close or adopt
// event (its latest one), in milestone order.
std::vector<RenderedFile> render_closeout_documents(const model::Definitions& definitions,
                                                    const std::vector<model::CloseoutRecord>& records);

// The tool-call log (program outputs.toolcalls): every audit entry the records
// carry, by milestone, oldest first.
std::string render_toolcalls(const model::Definitions& definitions, const std::vector<model::CloseoutRecord>& records);

} // namespace rl::report
