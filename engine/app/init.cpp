#include "app/init.hpp"

#include "app/assess.hpp"
#include "app/embedded_files.hpp"
#include "app/git.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace rl::app {

std::string_view
embedded_file(std::string_view name)
{
  for (const EmbeddedFile& file : embedded_files()) {
    if (file.name == name) {
      return file.content;
    }
  }
  throw std::logic_error(fmt::format("no embedded file '{}'", name));
}

namespace {

namespace fs = std::filesystem;

// Where init puts the input schemas, relative to the program root; the YAML
// files' yaml-language-server comments name them from milestones/ and
// invariants/.
constexpr std::string_view k_schema_dir = ".refactor-ledger/schema";
constexpr std::array k_schemas{"program", "milestone", "invariants", "risks", "deferrals"};
constexpr std::string_view k_workflow = ".github/workflows/refactor-ledger.yml";
constexpr std::string_view k_ignore_line = "/.ledger/";

// One file init writes: where, what, and (once planned) what it does.
struct Planned
{
  fs::path target;
  std::string display; // relative to the program root
  std::string content;
  model::InitAction action = model::InitAction::created;
  std::string note;
  bool program_file = false;
};

std::string
replace_all(std::string text, std::string_view from, std::string_view to)
{
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A YAML double-quoted scalar (the value was checked: valid UTF-8, no control
// characters).
std::string
yaml_quoted(std::string_view value)
{
  return "\"" + replace_all(replace_all(std::string(value), "\\", "\\\\"), "\"", "\\\"") + "\"";
}

// `value` (of `--option`, or found as `source`) as one line of text.
void
check_one_line(std::string_view value, std::string_view option, std::string_view source)
{
  if (value.empty()) {
    throw util::UsageError(fmt::format("the program {} is empty ({}); give one with {}", option, source, option));
  }
  if (const std::optional<util::TextProblem> problem = util::check_text(value, true)) {
    throw util::UsageError(fmt::format("the program {} '{}' ({}) is not usable: {}; give another with {}",
                                       option,
                                       util::terminal_safe(value),
                                       source,
                                       problem->what,
                                       option));
  }
  if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; })) {
    throw util::UsageError(fmt::format("the program {} '{}' ({}) spans lines; give a one-line value with {}",
                                       option,
                                       util::terminal_safe(value),
                                       source,
                                       option));
  }
}

// OWNER/NAME from an origin remote URL (https://host/owner/name.git,
// git@host:owner/name.git), or nullopt.
std::optional<std::string>
repository_from_remote(const fs::path& root)
{
  std::optional<std::string> url = git_output(root, {"config", "--get", "remote.origin.url"});
  if (!url) {
    return std::nullopt;
  }
  std::string path = *url;
  while (!path.empty() && path.back() == '/') {
    path.pop_back();
  }
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0) {
    path.resize(path.size() - 4);
  }
  const std::size_t name_at = path.find_last_of("/:");
  if (name_at == std::string::npos || name_at == 0) {
    return std::nullopt;
  }
  const std::size_t owner_at = path.find_last_of("/:", name_at - 1);
  const std::string owner = path.substr(owner_at == std::string::npos ? 0 : owner_at + 1, name_at - owner_at - 1);
  const std::string name = path.substr(name_at + 1);
  if (owner.empty() || name.empty() || owner_at == std::string::npos) {
    return std::nullopt;
  }
  return owner + "/" + name;
}

bool
name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// OWNER/NAME as program.schema.json wants program.repository.
bool
owner_slash_name(std::string_view value)
{
  const std::size_t slash = value.find('/');
  return slash != std::string_view::npos && slash != 0 && slash + 1 < value.size()
         && std::all_of(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(slash), name_char)
         && std::all_of(value.begin() + static_cast<std::ptrdiff_t>(slash) + 1, value.end(), name_char);
}

// A folder name as the NAME of OWNER/NAME: other characters become '-'.
std::string
name_part(std::string folder)
{
  std::replace_if(
    folder.begin(), folder.end(), [](char c) { return !name_char(c); }, '-');
  return folder.empty() ? std::string("program") : folder;
}

// For the commands printed: `arg` as a POSIX shell reads it.
std::string
shell_word(const std::string& arg)
{
  const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || std::string_view("/._-+=:,@").find(c) != std::string_view::npos;
  });
  return plain ? arg : "'" + replace_all(arg, "'", "'\\''") + "'";
}

// The workflow example of docs/ci/ for this repository: its own header, and
// for a program below the repository's root, steps that run there.
std::string
workflow_text(const std::string& prefix)
{
  std::string text(embedded_file("ci/github-workflow.yml"));
  std::size_t body = 0;
  while (body < text.size() && text[body] == '#') {
    body = std::min(text.find('\n', body), text.size() - 1) + 1;
  }
  text = "# The refactor-ledger workflow of this repository, written by `refactor-ledger init`\n"
         "# from the example in refactor-ledger's docs/ci/ (its README explains each step).\n"
         "# Adapt the lines marked ADAPT: how the runner gets refactor-ledger, and your tests.\n"
         + text.substr(body);
  if (!prefix.empty()) {
    const std::string shell = "defaults:\n  run:\n    shell: bash\n";
    const std::size_t at = text.find(shell);
    if (at == std::string::npos) {
      throw std::logic_error("the CI workflow example has no 'defaults: run: shell: bash'");
    }
    text.insert(at + shell.size(),
                fmt::format("    # The program lives in {} of this repository.\n    working-directory: {}\n",
                            prefix,
                            prefix.substr(0, prefix.size() - 1)));
  }
  return text;
}

// The YAML files of a folder (not recursively): a program's definitions.
std::vector<std::string>
yaml_files(const fs::path& folder)
{
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string ext = it->path().extension().string();
    if (ext == ".yaml" || ext == ".yml") {
      found.push_back(it->path().filename().string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool
exists_no_follow(const fs::path& path)
{
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec;
}

// The .gitignore line for the database: its content after init, or nullopt
// when a line already ignores .ledger/.
std::optional<std::string>
gitignore_with_ledger(const std::string& current)
{
  std::size_t start = 0;
  while (start < current.size()) {
    std::size_t end = current.find('\n', start);
    end = end == std::string::npos ? current.size() : end;
    std::string line = current.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line == ".ledger" || line == ".ledger/" || line == "/.ledger" || line == "/.ledger/") {
      return std::nullopt;
    }
    start = end + 1;
  }
  std::string out = current;
  if (!out.empty() && out.back() != '\n') {
    out += '\n';
  }
  return out + "# refactor-ledger's database: a cache that every clone rebuilds\n" + std::string(k_ignore_line) + "\n";
}

// Writes the planned files; on a failure removes what it wrote (and the
// folders it made), restores .gitignore, and rethrows.
void
write_planned(const std::vector<Planned>& plan, const fs::path& gitignore, const std::string& gitignore_before)
{
  std::vector<fs::path> made; // files, then folders, in creation order
  bool gitignore_changed = false;
  try {
    for (const Planned& p : plan) {
      if (p.action != model::InitAction::created && p.action != model::InitAction::appended) {
        continue;
      }
      std::vector<fs::path> folders;
      for (fs::path dir = p.target.parent_path(); !exists_no_follow(dir); dir = dir.parent_path()) {
        folders.push_back(dir);
      }
      // Recorded before the write: a write that fails may already have made
      // the folders (removing what does not exist is harmless).
      made.insert(made.end(), folders.rbegin(), folders.rend());
      if (p.target == gitignore && p.action == model::InitAction::appended) {
        gitignore_changed = true;
      } else {
        made.push_back(p.target);
      }
      util::write_atomically(p.target, p.content);
    }
  } catch (...) {
    std::error_code ec;
    for (auto it = made.rbegin(); it != made.rend(); ++it) {
      fs::remove(*it, ec); // a folder only when empty
    }
    if (gitignore_changed) {
      util::write_atomically(gitignore, gitignore_before);
    }
    throw;
  }
}

} // namespace

model::InitResult
run_init(const GlobalOptions& global, const InitOptions& options)
{
  std::error_code ec;
  const fs::path given = global.root.empty() ? fs::current_path() : global.root;
  if (!fs::is_directory(given, ec)) {
    throw util::UsageError(fmt::format("init: {} is not a folder; create it (and `git init` it) first",
                                       util::terminal_safe(given.string())));
  }
  const fs::path root = fs::weakly_canonical(fs::absolute(given));
  const std::optional<std::string> top_text = git_output(root, {"rev-parse", "--show-toplevel"});
  if (!top_text || top_text->empty()) {
    throw util::UsageError(fmt::format("init: {} is not inside a git work tree; run `git init` there first "
                                       "(closeouts record commits, and the scope gate reads the history)",
                                       util::terminal_safe(root.string())));
  }
  const fs::path top = fs::weakly_canonical(fs::path(*top_text));
  const bool nested = root != top;
  // "" when git names no usable path (then the workflow runs at the repository's root)
  const std::string prefix = nested ? repo_prefix(root) : std::string();

  const std::string folder_name = root.filename().string();
  const std::string name = options.name.empty() ? folder_name : options.name;
  check_one_line(name, "--name", options.name.empty() ? "the program root's folder name" : "--name");
  std::string repository = options.repository;
  if (!repository.empty() && !owner_slash_name(repository)) {
    throw util::UsageError(fmt::format("--repository '{}' is not OWNER/NAME (letters, digits, '_', '.', '-' on "
                                       "each side of one '/'), for example acme/payments",
                                       util::terminal_safe(repository)));
  }
  if (repository.empty()) {
    const std::optional<std::string> remote = repository_from_remote(root);
    repository = remote && owner_slash_name(*remote) ? *remote : "local/" + name_part(folder_name);
  }

  // Refuse before anything is planned: init does not mix a new program with
  // definitions it did not write.
  const fs::path program_yaml = root / "milestones" / "program.yaml";
  const bool program_exists = exists_no_follow(program_yaml);
  if (!program_exists) {
    for (const char* folder : {"milestones", "invariants"}) {
      const std::vector<std::string> found = yaml_files(root / folder);
      if (!found.empty()) {
        throw util::UsageError(
          fmt::format("init: {}/{} exists but milestones/program.yaml does not; init starts a new program and does not "
                      "mix it with YAML it did not write: move {}/ aside, or write milestones/program.yaml by hand "
                      "(README, YAML formats); nothing was written",
                      folder,
                      util::terminal_safe(found.front()),
                      folder));
      }
    }
  }

  const std::optional<std::string> head = git_output(root, {"rev-parse", "--verify", "--quiet", "HEAD^{commit}"});
  const std::string baseline =
    head ? fmt::format("  # The commit the program starts from (HEAD when init ran).\n  baseline_commit: {}", *head)
         : std::string("  # baseline_commit: the commit the program starts from (the repository had no\n"
                       "  # commit when init ran; record it once there is one).");
  const std::string scope_paths = !nested ? "      - .github/workflows/refactor-ledger.yml\n"
                                            "      - .gitignore\n"
                                            "      - .refactor-ledger/**"
                                          : "      - .gitignore\n"
                                            "      - .refactor-ledger/**";
  auto fill = [&](std::string_view template_name) {
    std::string text(embedded_file(template_name));
    text = replace_all(std::move(text), "@SCHEMA_DIR@", k_schema_dir);
    text = replace_all(std::move(text), "@NAME@", yaml_quoted(name));
    text = replace_all(std::move(text), "@REPOSITORY@", yaml_quoted(repository));
    text = replace_all(std::move(text), "@START@", current_time().date());
    text = replace_all(std::move(text), "@BASELINE@", baseline);
    return replace_all(std::move(text), "@SCOPE_PATHS@", scope_paths);
  };

  std::vector<Planned> plan;
  auto add = [&](const fs::path& base, std::string_view relative, std::string content, bool program_file) {
    Planned p;
    p.target = util::contained_output(base, relative, fmt::format("init: {}", relative));
    p.display = util::display_path(p.target, root);
    if (p.display == p.target.generic_string()) {
      p.display = p.target.lexically_relative(root).generic_string();
    }
    p.content = std::move(content);
    p.program_file = program_file;
    plan.push_back(std::move(p));
  };
  add(root, "milestones/program.yaml", fill("init/program.yaml"), true);
  add(root, "milestones/M01.yaml", fill("init/milestone.yaml"), true);
  add(root, "invariants/core.yaml", fill("init/invariants.yaml"), true);
  for (const char* schema : k_schemas) {
    const std::string file = fmt::format("schema/{}.schema.json", schema);
    add(root, fmt::format("{}/{}.schema.json", k_schema_dir, schema), std::string(embedded_file(file)), false);
  }
  add(root, ".gitignore", {}, false);
  add(top, k_workflow, workflow_text(prefix), false);

  const fs::path gitignore = root / ".gitignore";
  std::string gitignore_before;
  for (Planned& p : plan) {
    if (p.target == gitignore) {
      if (exists_no_follow(gitignore)) {
        gitignore_before = util::read_text(gitignore);
        const std::optional<std::string> after = gitignore_with_ledger(gitignore_before);
        p.action = after ? model::InitAction::appended : model::InitAction::unchanged;
        p.content = after.value_or(gitignore_before);
      } else {
        p.content = gitignore_with_ledger({}).value_or(std::string());
      }
      continue;
    }
    if (!exists_no_follow(p.target)) {
      if (p.program_file && program_exists) {
        p.action = model::InitAction::skipped;
        p.note = "milestones/program.yaml exists: init adds nothing to a program";
      }
      continue;
    }
    if (util::read_text(p.target) == p.content) {
      p.action = model::InitAction::unchanged;
    } else {
      p.action = model::InitAction::kept;
      p.note = p.program_file ? "it differs from what init writes: left as it is"
                              : "it differs from what this version writes: left as it is (remove it and run init "
                                "again to replace it)";
    }
  }

  model::InitResult result;
  result.dry_run = options.dry_run;
  if (!options.dry_run) {
    write_planned(plan, gitignore, gitignore_before);
  }
  for (const Planned& p : plan) {
    result.files.push_back({p.display, p.action, p.note});
  }
  const std::string where = global.root.empty() ? "" : " -C " + shell_word(global.root.string());
  for (const char* command : {"validate", "render", "check"}) {
    result.next.push_back(fmt::format("refactor-ledger{} {}", where, command));
  }
  return result;
}

} // namespace rl::app
