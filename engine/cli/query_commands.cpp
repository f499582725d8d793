// status, invariants, milestones, risks, show, query: read-only commands.
#include "cli/register.hpp"

#include <memory>

namespace rl::cli {

void
register_status(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<std::string>("table");
  CLI::App* command = app.add_subcommand(
    "status",
    "Program summary: progress, current phase, next milestone, remaining effort,\n"
    "invariant, risk and deferral counts. All figures are computed.\n"
    "Example: refactor-ledger status --format json");
  add_format_option(*command, *format);
  command->callback([&global, &chosen, format] {
    chosen = [&global, format] { return app::run_status(global, *format); };
  });
}

void
register_invariants(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<std::string>("table");
  auto filter = std::make_shared<app::InvariantFilter>();
  CLI::App* command = app.add_subcommand(
    "invariants",
    "List invariants. Filters combine (AND); a filter given twice matches either value.\n"
    "Example: refactor-ledger invariants --priority P0 --coverage partial\n"
    "         refactor-ledger invariants --status unverified --format json");
  command->add_option("--priority", filter->priority, "P0, P1, P2 or P3");
  command->add_option("--coverage", filter->coverage, "strong, partial, weak or missing");
  command->add_option("--category", filter->category, "Category id, e.g. api-stability");
  command->add_option("--milestone",
                      filter->milestone,
                      "Invariants a milestone introduces, protects, verifies or is recommended for");
  command->add_option("--status", filter->status, "verified, failing, stale, unverified or waived");
  add_format_option(*command, *format);
  command->callback([&global, &chosen, format, filter] {
    chosen = [&global, format, filter] { return app::run_invariants(global, *filter, *format); };
  });
}

void
register_milestones(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<std::string>("table");
  auto filter = std::make_shared<app::MilestoneFilter>();
  CLI::App* command = app.add_subcommand(
    "milestones",
    "List milestones in program order; `next` marks the computed next milestone\n"
    "(the first planned one whose dependencies are closed).\n"
    "Example: refactor-ledger milestones --phase 1 --status planned");
  command->add_option("--phase", filter->phase, "Phase number");
  command->add_option("--status", filter->status, "planned, in_progress, closed, deferred or cancelled");
  add_format_option(*command, *format);
  command->callback([&global, &chosen, format, filter] {
    chosen = [&global, format, filter] { return app::run_milestones(global, *filter, *format); };
  });
}

void
register_risks(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<std::string>("table");
  auto filter = std::make_shared<app::RiskFilter>();
  CLI::App* command = app.add_subcommand(
    "risks",
    "List risks with their priority, status and mitigating milestones.\n"
    "Example: refactor-ledger risks --status active");
  command->add_option("--priority", filter->priority, "P0, P1, P2 or P3");
  command->add_option("--status", filter->status, "active, mitigated, resolved or accepted");
  add_format_option(*command, *format);
  command->callback([&global, &chosen, format, filter] {
    chosen = [&global, format, filter] { return app::run_risks(global, *filter, *format); };
  });
}

void
register_show(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<std::string>("table");
  auto id = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
    "show",
    "Everything known about one milestone, invariant, risk or deferral, with the\n"
    "entities that refer to it.\n"
    "Example: refactor-ledger show INV-050    refactor-ledger show M01 --format json");
  command->add_option("id", *id, "M01, INV-050, I03, D02, ...")->required();
  add_format_option(*command, *format);
  command->callback([&global, &chosen, format, id] {
    chosen = [&global, format, id] { return app::run_show(global, *id, *format); };
  });
}

void
register_query(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<std::string>("table");
  auto sql = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
    "query",
    "Run one read-only SQL statement against the ledger (tables: see README).\n"
    "Writes, ATTACH, transactions and PRAGMAs that set values are refused (exit 3).\n"
    "Example: refactor-ledger query \"SELECT id, priority FROM invariant WHERE coverage = 'missing'\"");
  command->add_option("sql", *sql, "The SQL statement")->required();
  add_format_option(*command, *format);
  command->callback([&global, &chosen, format, sql] {
    chosen = [&global, format, sql] { return app::run_query(global, *sql, *format); };
  });
}

} // namespace rl::cli
