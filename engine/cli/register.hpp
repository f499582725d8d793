#pragma once

#include "app/commands.hpp"
#include "model/enums.hpp"
#include "report/emit.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <span>

namespace rl::cli {

// The use case picked on the command line; run only after parsing succeeded.
using Action = std::function<app::ExitCode()>;

// Each function adds one subcommand. Its CLI11 callback only stores an Action
// in `chosen`: nothing touches files or the database while CLI11 is parsing.
void register_init(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_validate(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_load(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_render(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_status(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_invariants(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_milestones(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_risks(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_show(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_query(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_ingest(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_record(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_gc(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_why(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_check(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_close(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_approve(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_reopen(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_log(CLI::App& app, const app::GlobalOptions& global, Action& chosen);
void register_recover(CLI::App& app, const app::GlobalOptions& global, Action& chosen);

// Adds -f/--format to `command`, accepting exactly the formats its result can
// be written in (report::k_formats<Result>); any other is refused with exit 2
// before anything runs. `format` starts as table.
void add_format_option(CLI::App& command, model::OutputFormat& format, std::span<const model::OutputFormat> allowed);

} // namespace rl::cli
