// validate, load, render: the commands that read the YAML and write outputs.
#include "app/init.hpp"
#include "app/program.hpp"
#include "cli/emit_verdict.hpp"
#include "cli/register.hpp"
#include "report/emit_program.hpp"

#include <memory>
#include <string>
#include <vector>

namespace rl::cli {

void
add_format_option(CLI::App& command, model::OutputFormat& format, std::span<const model::OutputFormat> allowed)
{
  std::vector<std::string> names;
  std::string shown;
  for (const model::OutputFormat f : allowed) {
    names.emplace_back(model::to_string(f));
    shown += (shown.empty() ? "" : ", ") + names.back();
  }
  format = model::OutputFormat::table;
  command
    .add_option_function<std::string>(
      "-f,--format",
      [&format](const std::string& name) { format = *model::parse_enum<model::OutputFormat>(name); },
      "Output format: " + shown + " (table is for people, the others are data)")
    ->check(CLI::IsMember(names))
    ->default_str("table");
}

void
register_init(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto options = std::make_shared<app::InitOptions>();
  auto format = std::make_shared<model::OutputFormat>();
  CLI::App* command = app.add_subcommand(
    "init",
    "Start a program in this git repository (or -C DIR): milestones/program.yaml with one phase,\n"
    "milestones/M01.yaml, invariants/core.yaml with an invariant and its verify: rule, the JSON\n"
    "Schemas their editor comments name (.refactor-ledger/schema/), the .gitignore line for the\n"
    ".ledger/ database and a CI workflow (.github/workflows/refactor-ledger.yml). Never overwrites:\n"
    "files that exist are left as they are, and a second run changes nothing. Prints the next commands.\n"
    "Examples: git init && refactor-ledger init\n"
    "          refactor-ledger init --name 'Payments Refactoring' --repository acme/payments --dry-run");
  command->add_option("--name", options->name, "The program's name (default: the folder's name)");
  command->add_option("--repository",
                      options->repository,
                      "OWNER/NAME of the repository (default: from the origin remote, else local/<folder name>)");
  command->add_flag("--dry-run", options->dry_run, "Say what would be written; write nothing");
  add_format_option(*command, *format, report::k_formats<model::InitResult>);
  command->callback([&global, &chosen, options, format] {
    chosen = [&global, options, format] {
      report::emit(app::run_init(global, *options), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_validate(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  CLI::App* command =
    app.add_subcommand("validate",
                       "Check every YAML file under milestones/ and invariants/ without writing anything.\n"
                       "Reports every problem as path:line:col: error: ... and exits 3 if there is any.\n"
                       "Examples: refactor-ledger validate\n"
                       "          refactor-ledger validate --format github   (annotations in GitHub Actions)");
  auto format = std::make_shared<model::OutputFormat>();
  add_format_option(*command, *format, report::k_formats<model::ValidateResult>);
  command->callback([&global, &chosen, format] {
    chosen = [&global, format] { return emit_verdict(app::validate(global), *format, global); };
  });
}

void
register_load(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  CLI::App* command =
    app.add_subcommand("load",
                       "Validate the YAML and load it into the ledger database (.ledger/ledger.db).\n"
                       "Other commands reload changed files by themselves; `load` forces a full reload.\n"
                       "Example: refactor-ledger load --format json");
  add_format_option(*command, *format, report::k_formats<model::LoadSummary>);
  command->callback([&global, &chosen, format] {
    chosen = [&global, format] {
      report::emit(app::load(global), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_render(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto options = std::make_shared<app::RenderOptions>();
  CLI::App* command =
    app.add_subcommand("render",
                       "Regenerate the living log (REFACTOR.md, path set by program.yaml outputs.log)\n"
                       "from the ledger. Output is byte-stable; writes are atomic.\n"
                       "With --check nothing is written: exit 0 when the file is current, otherwise\n"
                       "exit 1 and print a unified diff (for CI).\n"
                       "Example: refactor-ledger render --check");
  command->add_flag_callback(
    "--check",
    [options] { options->mode = app::WriteMode::check_only; },
    "Do not write; exit 1 with a diff if the file is stale");
  command->add_option("-o,--output",
                      options->output,
                      "Write the living log here instead of outputs.log: a path inside the program root (never through "
                      "a symlink), or - for standard output");
  auto format = std::make_shared<model::OutputFormat>();
  add_format_option(*command, *format, report::k_formats<model::RenderResult>);
  command->callback([&global, &chosen, options, format] {
    chosen = [&global, options, format] { return emit_verdict(app::render(global, *options), *format, global); };
  });
}

} // namespace rl::cli
