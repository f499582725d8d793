// status, invariants, milestones, risks, show, query: read-only commands.
#include "app/program.hpp"
#include "cli/register.hpp"
#include "report/emit_program.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <memory>
#include <string>

namespace rl::cli {

void
register_status(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  CLI::App* command = app.add_subcommand("status",
                                         "Program summary: progress, current phase, next milestone, remaining effort,\n"
                                         "invariant, risk and deferral counts. All figures are computed.\n"
                                         "Example: refactor-ledger status --format json");
  add_format_option(*command, *format, report::k_formats<model::StatusResult>);
  command->callback([&global, &chosen, format] {
    chosen = [&global, format] {
      report::emit(app::status(global), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_invariants(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  auto filter = std::make_shared<app::InvariantFilter>();
  CLI::App* command =
    app.add_subcommand("invariants",
                       "List invariants. Filters combine (AND); a filter given twice matches either value.\n"
                       "Example: refactor-ledger invariants --priority P0 --coverage partial\n"
                       "         refactor-ledger invariants --status unverified --format json");
  command->add_option("--priority", filter->priority, "P0, P1, P2 or P3");
  command->add_option("--coverage", filter->coverage, "strong, partial, weak or missing");
  command->add_option("--category", filter->category, "Category id, e.g. api-stability");
  command->add_option(
    "--milestone", filter->milestone, "Invariants a milestone introduces, protects, verifies or is recommended for");
  command->add_option("--status", filter->status, "verified, failing, stale, unverified or waived");
  add_format_option(*command, *format, report::k_formats<model::InvariantList>);
  command->callback([&global, &chosen, format, filter] {
    chosen = [&global, format, filter] {
      report::emit(app::list_invariants(global, *filter), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_milestones(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  auto filter = std::make_shared<app::MilestoneFilter>();
  CLI::App* command = app.add_subcommand("milestones",
                                         "List milestones in program order; `next` marks the computed next milestone\n"
                                         "(the first planned one whose dependencies are closed).\n"
                                         "Example: refactor-ledger milestones --phase 1 --status planned");
  command->add_option("--phase", filter->phase, "Phase number");
  command->add_option("--status", filter->status, "planned, in_progress, closed, deferred or cancelled");
  add_format_option(*command, *format, report::k_formats<model::MilestoneList>);
  command->callback([&global, &chosen, format, filter] {
    chosen = [&global, format, filter] {
      report::emit(app::list_milestones(global, *filter), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_risks(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  auto filter = std::make_shared<app::RiskFilter>();
  CLI::App* command = app.add_subcommand("risks",
                                         "List risks with their priority, status and mitigating milestones.\n"
                                         "Example: refactor-ledger risks --status active");
  command->add_option("--priority", filter->priority, "P0, P1, P2 or P3");
  command->add_option("--status", filter->status, "active, mitigated, resolved or accepted");
  add_format_option(*command, *format, report::k_formats<model::RiskList>);
  command->callback([&global, &chosen, format, filter] {
    chosen = [&global, format, filter] {
      report::emit(app::list_risks(global, *filter), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_show(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  auto id = std::make_shared<std::string>();
  CLI::App* command =
    app.add_subcommand("show",
                       "Everything known about one milestone, invariant, risk or deferral, with the\n"
                       "entities that refer to it.\n"
                       "Example: refactor-ledger show INV-050    refactor-ledger show M01 --format json");
  command->add_option("id", *id, "M01, INV-050, I03, D02, ...")->required();
  add_format_option(*command, *format, report::k_formats<model::ShowResult>);
  command->callback([&global, &chosen, format, id] {
    chosen = [&global, format, id] {
      report::emit(app::show(global, *id), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

void
register_query(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto options = std::make_shared<app::QueryOptions>();
  CLI::App* command = app.add_subcommand(
    "query",
    "Run one read-only SQL statement against the ledger (tables: see README).\n"
    "Allowed: SELECT (CTEs, json_each, ...), sqlite_schema, and PRAGMAs that only read:\n"
    "table_info, table_xinfo, index_list, index_info, index_xinfo, foreign_key_list,\n"
    "foreign_key_check, table_list (also as pragma_table_info('x')), and value PRAGMAs\n"
    "such as user_version or page_size without a value.\n"
    "Refused (exit 3): writes, ATTACH, transactions, several statements, PRAGMAs that set\n"
    "a value, functions that load code or reach files (load_extension, fts3_tokenizer, ...).\n"
    "Limits (exit 3 when reached): --timeout (default 5 s) and --max-memory (default\n"
    "256 MiB, for SQLite and the rows held; one value may be a quarter of it).\n"
    "Table and CSV output show control characters escaped (\\x1b); BLOBs print as X'HEX'.\n"
    "Example: refactor-ledger query \"SELECT id, priority FROM invariant WHERE coverage = 'missing'\"\n"
    "         refactor-ledger query \"SELECT name, type FROM pragma_table_info('milestone')\"");
  command->add_option("sql", options->sql, "The SQL statement")->required();
  command
    ->add_option("--timeout",
                 options->timeout_seconds,
                 "Stop the statement after this many seconds (decimals allowed; > 0; default 5)")
    ->type_name("SECONDS");
  command
    ->add_option("--max-memory",
                 options->max_memory_mb,
                 "Stop the statement when it needs more than this many MiB (>= 1; default 256)")
    ->type_name("MB")
    // Checked as written: CLI11 turns a number beyond 64 bits into the largest
    // one, and the message would quote that instead.
    ->check(
      [](const std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc() && stop == end && value >= 1 && value <= app::k_max_query_memory_mb) {
          return {};
        }
        return fmt::format("invalid value '{}': give MiB, from 1 to {}", text, app::k_max_query_memory_mb);
      },
      "MB");
  auto format = std::make_shared<model::OutputFormat>();
  add_format_option(*command, *format, report::k_formats<model::QueryRows>);
  command->callback([&global, &chosen, options, format] {
    chosen = [&global, options, format] {
      report::emit(app::query(global, *options), *format, global.output());
      return app::ExitCode::ok;
    };
  });
}

} // namespace rl::cli
