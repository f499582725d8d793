#pragma once

// Internal to app/: files built into the binary (tools/cmake/EmbedFiles.cmake),
// so that an installed refactor-ledger needs no source tree: the templates
// `init` fills in (init/program.yaml, init/milestone.yaml,
// init/invariants.yaml), the input schemas (schema/<name>.schema.json) and
// the example CI workflow (ci/github-workflow.yml).

#include <span>
#include <string_view>

namespace rl::app {

struct EmbeddedFile
{
  std::string_view name;
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_files();

// The content of the embedded file `name`. Throws std::logic_error when there
// is none (a build defect, not an input problem).
std::string_view embedded_file(std::string_view name);

} // namespace rl::app
