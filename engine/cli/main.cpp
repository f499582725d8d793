#include "cli/register.hpp"
#include "util/diagnostic.hpp"
#include "util/error.hpp"
#include "util/limits.hpp"
#include "util/terminal.hpp"
#include "util/version.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace {

// The words of the command line that take a value (skipped when looking for
// the command word).
bool
takes_value(const std::string& arg)
{
  return arg == "-C" || arg == "--root" || arg == "--db" || arg == "--limit" || arg == "--color";
}

// --color's value, read before CLI11 parses the command line, so that its
// own errors are coloured as asked too (CLI11 then checks the value).
void
preset_color(int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    if (arg == "--color" && i + 1 < argc) {
      value = argv[i + 1];
    } else if (arg.rfind("--color=", 0) == 0) {
      value = arg.substr(8);
    } else {
      continue;
    }
    if (value == "always") {
      rl::util::set_color_mode(rl::util::ColorMode::always);
    } else if (value == "never") {
      rl::util::set_color_mode(rl::util::ColorMode::never);
    } else {
      rl::util::set_color_mode(rl::util::ColorMode::automatic);
    }
  }
}

// The command word: the first argument that is neither an option nor the
// value of a global option ("" when there is none).
std::string
command_word(int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (takes_value(arg)) {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] == '-') {
      continue;
    }
    return arg;
  }
  return {};
}

std::string
help_for(const std::string& command)
{
  return command.empty() ? "run 'refactor-ledger --help'" : fmt::format("run 'refactor-ledger {} --help'", command);
}

// A command-line mistake, printed as every other error is (util::format_diagnostic:
// "refactor-ledger: error: ..." and a help line); exit 2.
int
usage_error(const std::string& message, const std::string& help)
{
  rl::util::Diagnostic d;
  d.message = message;
  d.help = help;
  fmt::print(stderr, "{}\n", rl::util::format_diagnostic(d, rl::util::colors_stderr()));
  return static_cast<int>(rl::app::ExitCode::usage);
}

// CLI11's message for a parse error (RequiredError, ExtrasError,
// ValidationError, ConversionError, ArgumentMismatch, ...), in our voice: no
// capital after the "error: " prefix, and the missing command named.
std::string
parse_error_message(const CLI::ParseError& e, const std::string& command)
{
  std::string message = e.what();
  if (command.empty() && e.get_name() == "RequiredError") {
    return "no command given: name one, e.g. refactor-ledger status";
  }
  if (message.size() > 1 && std::isupper(static_cast<unsigned char>(message[0])) != 0
      && std::islower(static_cast<unsigned char>(message[1])) != 0) {
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  return command.empty() ? message : fmt::format("{}: {}", command, message);
}

int
parse_and_run(int argc, char** argv)
{
  CLI::App app{"refactor-ledger: the governance ledger of a refactoring program.\n"
               "Reads milestones/ and invariants/ (YAML), keeps them in .ledger/ledger.db (SQLite),\n"
               "and renders the living log REFACTOR.md from them. Exit codes: 0 ok, 1 negative\n"
               "verdict (e.g. render --check found a stale file), 2 usage, 3 invalid input,\n"
               "4 store or environment, 70 internal error.",
               "refactor-ledger"};
  app.require_subcommand(1);
  app.set_version_flag(
    "--version", rl::util::version_text, "Print the version, the git commit built and the library versions, and exit");

  rl::app::GlobalOptions global;
  // The command line for the audit log, without the options that only say
  // where the program and its ledger are (machine-specific paths), nor
  // --color.
  global.command_line = "refactor-ledger";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-C" || arg == "--root" || arg == "--db" || arg == "--color") {
      ++i;
      continue;
    }
    if (arg.rfind("--root=", 0) == 0 || arg.rfind("--db=", 0) == 0 || arg.rfind("--color=", 0) == 0) {
      continue;
    }
    const bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"$`\\") == std::string::npos;
    global.command_line += " " + (plain ? arg : "'" + arg + "'");
  }
  app.add_option("-C,--root",
                 global.root,
                 "Program root (the folder holding milestones/); default: found from the current "
                 "directory upwards, as git finds its repository");
  app.add_option("--db", global.db, "Ledger database; default: <root>/.ledger/ledger.db");
  std::vector<std::string> limit_assignments;
  app
    .add_option("--limit",
                limit_assignments,
                "Raise (or lower) a bound on untrusted input, NAME=VALUE, repeatable: depth "
                "(nesting, default 256), token-bytes (one scalar/attribute/string, 16M), "
                "file-bytes (one input file, 4G), yaml-aliases (nodes reached through "
                "aliases per YAML file, 10000); K/M/G suffixes")
    ->type_name("NAME=VALUE");
  std::string color = "auto";
  app
    .add_option("--color",
                color,
                "Colour errors, warnings and gate results: auto (when the output is a terminal), always, "
                "never; NO_COLOR set to any non-empty value means never")
    ->check(CLI::IsMember({"auto", "always", "never"}))
    ->default_str("auto");
  preset_color(argc, argv);

  rl::cli::Action chosen;
  rl::cli::register_init(app, global, chosen);
  rl::cli::register_validate(app, global, chosen);
  rl::cli::register_load(app, global, chosen);
  rl::cli::register_render(app, global, chosen);
  rl::cli::register_status(app, global, chosen);
  rl::cli::register_invariants(app, global, chosen);
  rl::cli::register_milestones(app, global, chosen);
  rl::cli::register_risks(app, global, chosen);
  rl::cli::register_show(app, global, chosen);
  rl::cli::register_query(app, global, chosen);
  rl::cli::register_ingest(app, global, chosen);
  rl::cli::register_record(app, global, chosen);
  rl::cli::register_why(app, global, chosen);
  rl::cli::register_check(app, global, chosen);
  rl::cli::register_close(app, global, chosen);
  rl::cli::register_approve(app, global, chosen);
  rl::cli::register_reopen(app, global, chosen);
  rl::cli::register_log(app, global, chosen);
  rl::cli::register_recover(app, global, chosen);
  rl::cli::register_gc(app, global, chosen);

  // CLI11 2.1 reports an unknown command word only as "A subcommand is
  // required"; name the word and the commands instead.
  const std::string word = command_word(argc, argv);
  const auto subcommands = app.get_subcommands({});
  const bool known =
    std::any_of(subcommands.begin(), subcommands.end(), [&](const CLI::App* sub) { return sub->get_name() == word; });
  if (!word.empty() && !known) {
    std::string names;
    for (const CLI::App* sub : subcommands) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    return usage_error(fmt::format("unknown command '{}'", word),
                       fmt::format("commands: {}; see refactor-ledger --help", names));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e); // --help and --version: on standard output, exit 0
  } catch (const CLI::ParseError& e) {
    return usage_error(parse_error_message(e, word), help_for(word));
  }
  try {
    for (const std::string& assignment : limit_assignments) {
      rl::util::set_limit(assignment);
    }
  } catch (const rl::util::UsageError& e) {
    return usage_error(e.what(), help_for({}));
  }
  return rl::app::run_guarded(chosen, global.output());
}

} // namespace

int
main(int argc, char** argv)
{
  rl::util::guard_terminal_output();
  try {
    return parse_and_run(argc, argv);
  } catch (const std::exception& e) { // CLI11 construction errors, bad_alloc
    fmt::print(stderr, "refactor-ledger: error: internal error: {} (please report this)\n", e.what());
    return static_cast<int>(rl::app::ExitCode::internal);
  }
}
