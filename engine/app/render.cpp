// `render`: regenerate (or, with --check, compare) the living log and the
// closeout documents.
#include "app/git.hpp"
#include "app/journal.hpp"
#include "app/ledger.hpp"
#include "app/outputs.hpp"
#include "app/program.hpp"
#include "store/definitions_repo.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text_diff.hpp"

#include <fmt/format.h>

namespace rl::app {

namespace {

// render -o PATH: like outputs.log, a path inside the program root (given
// relative to the current directory, or absolute), never through a symlink.
std::filesystem::path
option_output_target(const std::filesystem::path& root, const std::string& output)
{
  const std::filesystem::path wanted = std::filesystem::absolute(output).lexically_normal();
  std::error_code ec;
  for (const std::filesystem::path& base :
       {std::filesystem::absolute(root).lexically_normal(), std::filesystem::weakly_canonical(root, ec)}) {
    const std::string relative = wanted.lexically_relative(base).generic_string();
    if (!relative.empty() && util::relative_path_problem(relative).empty()) {
      return util::contained_output(base, relative, "--output");
    }
  }
  throw util::InputError(
    fmt::format("--output '{}' is not a file inside the program root {}", output, root.generic_string()),
    "write inside the program root (not in .git/ or .ledger/), or use `--output -` to print the "
    "log on standard output");
}

// The 1-based line where `a` and `b` first differ (a line of one that the
// other lacks counts): what a CI annotation of a stale file points at.
int
first_difference(std::string_view a, std::string_view b)
{
  int line = 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) {
      return line;
    }
    line += a[i] == '\n' ? 1 : 0;
  }
  return line;
}

} // namespace

model::RenderResult
render(const GlobalOptions& global, const RenderOptions& options)
{
  // --check writes no output: a read command (the ledger cache may be refreshed).
  Ledger ledger = open_current(
    global, ReloadPolicy::if_changed, options.mode == WriteMode::check_only ? Access::read : Access::write);
  const model::Definitions& d = ledger.definitions();
  const std::vector<model::CloseoutRecord> records = store::read_records(*ledger.db);
  std::vector<report::RenderedFile> files = render_outputs(d, records, read_sections(ledger.paths.root, d.program));
  keep_frozen_documents(ledger.paths.root, d.program, records, files);
  if (!options.output.empty()) {
    files.resize(1); // --output redirects the living log alone
  }
  const bool to_stdout = options.output == "-";
  auto target_of = [&](std::size_t i) {
    return i == 0 && !options.output.empty() ? option_output_target(ledger.paths.root, options.output.string())
                                             : output_target(ledger.paths.root, d.program, files[i].path);
  };
  if (options.mode != WriteMode::check_only) {
    // Refuse before writing any file when one of them cannot be written.
    std::vector<std::filesystem::path> targets;
    for (std::size_t i = to_stdout ? 1 : 0; i < files.size(); ++i) {
      const std::filesystem::path target = target_of(i);
      if (!std::filesystem::exists(target) || util::read_text(target) != files[i].text) {
        targets.push_back(target);
      }
    }
    require_writable(targets);
  }
  using State = model::RenderedFileState::State;
  model::RenderResult result;
  result.repo_prefix = repo_prefix(ledger.paths.root);
  for (std::size_t i = 0; i < files.size(); ++i) {
    report::RenderedFile& file = files[i];
    model::RenderedFileState& state = result.files.emplace_back();
    if (i == 0 && to_stdout) {
      state.state = State::printed;
      state.text = std::move(file.text);
      continue;
    }
    const std::filesystem::path target = target_of(i);
    state.shown = util::display_path(target, ledger.paths.root);
    const bool exists = std::filesystem::exists(target);
    const std::string existing = exists ? util::read_text(target) : std::string();
    if (exists && existing == file.text) {
      state.state = State::up_to_date;
      continue;
    }
    if (options.mode == WriteMode::check_only) {
      state.state = State::stale;
      state.missing = !exists;
      state.first_difference = exists ? first_difference(existing, file.text) : 0;
      state.diff =
        util::unified_diff(existing, file.text, fmt::format("a/{}", state.shown), fmt::format("b/{}", state.shown));
      continue;
    }
    util::write_atomically(target, file.text);
    state.state = State::written;
  }
  return result;
}

ExitCode
exit_code(const model::RenderResult& result)
{
  return result.stale() ? ExitCode::negative : ExitCode::ok;
}

} // namespace rl::app
