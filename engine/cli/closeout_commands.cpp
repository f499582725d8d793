// close, approve, reopen, log, recover: milestone closeout and the audit log.
#include "app/approve.hpp"
#include "app/audit_log.hpp"
#include "app/close.hpp"
#include "app/recover.hpp"
#include "app/reopen.hpp"
#include "cli/emit_verdict.hpp"
#include "cli/register.hpp"
#include "report/emit_closeout.hpp"

#include <memory>

namespace rl::cli {

namespace {

// Runs a use case's result through its report::emit, then its exit code.
template<typename Result>
app::ExitCode
emitted(const Result& result, model::OutputFormat format, const app::GlobalOptions& global)
{
  report::emit(result, format, global.output());
  return app::exit_code(result);
}

} // namespace

// --at given, but empty: say so (an empty value would otherwise mean "now").
std::string
non_empty_time(const std::string& text)
{
  return text.empty() ? "needs a time, e.g. 2026-02-08T07:30:00Z (leave --at out for now)" : std::string();
}

void
register_close(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto ids = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<app::CloseOptions>();
  auto format = std::make_shared<model::OutputFormat>();
  CLI::App* command =
    app.add_subcommand("close",
                       "Close a milestone: evaluate its gates (its YAML `gates:` over program.yaml's defaults:\n"
                       "dependencies, deliverables, invariants, ci, scope, pattern_absent, metrics, approvals,\n"
                       "deferrals) at the closing commit. If any gate fails: exit 1, print what to do, change\n"
                       "nothing. Otherwise, as one step: write milestones/ID.closeout.json (commit it), the\n"
                       "closeout summary and audit, the tool-call log and REFACTOR.md, and lock the milestone.\n"
                       "Examples: refactor-ledger close M02 --dry-run\n"
                       "          refactor-ledger close M02 --score architecture=8 --score tests=7 --by alice\n"
                       "          refactor-ledger close M01 --adopt --commit 41daf4ea527 --date 2026-02-08");
  command->add_option("milestone", *ids, "Milestone id, e.g. M02 (several only with --adopt)")->required();
  command->add_flag("--dry-run", options->dry_run, "Print the gate table; exit 0 if all pass, 1 if not; write nothing");
  command->add_option("--commit", options->commit, "Closing commit (default: HEAD of the checkout)");
  command->add_option("--base",
                      options->base,
                      "Start of the scope diff (default: the milestone's base_commit, else the closing commit "
                      "of the closed milestone before it in program order, else the program's baseline_commit)");
  command->add_option("--date", options->date, "Closeout date YYYY-MM-DD (default: the day of --at, UTC)");
  command
    ->add_option("--at", options->at, "When it was closed, ISO 8601 (default: now): a closeout entered after the fact")
    ->check(non_empty_time, "TIME");
  command->add_option("--by", options->by, "Who closes it (default: the OS user)");
  command->add_option("--score", options->scores, "Score row value DIM=VALUE (repeatable; default: the YAML score)");
  command->add_option("--verdict", options->verdict, "Verdict recorded (default: PASS)");
  command->add_flag("--adopt",
                    options->adopt,
                    "Record milestones closed before the ledger existed, without evaluating gates "
                    "(needs --commit and --date; takes several milestones closed at that commit)");
  command->add_option("--reason", options->reason, "With --adopt: where that closeout's evidence is");
  command->add_option("--artifact",
                      options->artifacts,
                      "A file the milestone produced (a report, a benchmark), relative to the program root; its "
                      "path and SHA-256 are recorded (repeatable; with --adopt it may name a document kept "
                      "elsewhere)");
  command->add_option("--resolve",
                      options->edits.resolve,
                      "Closeout edit: resolve this open deferral (status: resolved and a history event in its "
                      "YAML, written with the close; repeatable)");
  command->add_option("--mitigate",
                      options->edits.mitigate,
                      "Closeout edit: mark this active risk mitigated (status and a history entry; repeatable)");
  command->add_option("--defer",
                      options->edits.defer,
                      "Closeout edit: add a deferral found in this milestone (repeatable; each needs a --to)");
  command->add_option("--to",
                      options->edits.defer_to,
                      "Where the --defer of the same rank goes: a milestone id or free text (\"post-M10\")");
  add_format_option(*command, *format, report::k_formats<model::CloseResult>);
  command->callback([&global, &chosen, ids, options, format] {
    chosen = [&global, ids, options, format] {
      return emit_verdict(app::run_close(global, *ids, *options), *format, global);
    };
  });
}

void
register_approve(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  struct Args
  {
    std::string id, gate, by, note, at;
    model::OutputFormat format = model::OutputFormat::table;
  };
  auto args = std::make_shared<Args>();
  CLI::App* command = app.add_subcommand(
    "approve",
    "Record a person's sign-off on one of a milestone's approval gates (gates.approvals),\n"
    "e.g. the explicit closeout permission. Example: refactor-ledger approve M02 closeout --by alice");
  command->add_option("milestone", args->id, "Milestone id")->required();
  command->add_option("gate", args->gate, "Approval name, as listed in gates.approvals")->required();
  command->add_option("--by", args->by, "Who approves")->required();
  command->add_option("--note", args->note, "A note kept with the approval");
  command
    ->add_option("--at",
                 args->at,
                 "When it was given, ISO 8601 (e.g. 2026-03-02T16:00:00Z; default: now): a sign-off "
                 "recorded after the fact")
    ->check(non_empty_time, "TIME");
  add_format_option(*command, args->format, report::k_formats<model::ApproveResult>);
  command->callback([&global, &chosen, args] {
    chosen = [&global, args] {
      return emitted(
        app::run_approve(global, args->id, args->gate, args->by, args->note, args->at), args->format, global);
    };
  });
}

void
register_reopen(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  struct Args
  {
    std::string id, reason, by;
    model::OutputFormat format = model::OutputFormat::table;
  };
  auto args = std::make_shared<Args>();
  CLI::App* command =
    app.add_subcommand("reopen",
                       "Unlock a closed milestone so that its YAML may change; the reason is recorded in its\n"
                       "closeout record and shown in REFACTOR.md. Close it again with `close`.\n"
                       "Example: refactor-ledger reopen M02 --reason \"scope missed the audit pack link\"");
  command->add_option("milestone", args->id, "Milestone id")->required();
  command->add_option("--reason", args->reason, "Why it must change")->required();
  command->add_option("--by", args->by, "Who reopens it (default: the OS user)");
  add_format_option(*command, args->format, report::k_formats<model::ReopenResult>);
  command->callback([&global, &chosen, args] {
    chosen = [&global, args] {
      return emitted(app::run_reopen(global, args->id, args->reason, args->by), args->format, global);
    };
  });
}

void
register_log(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto options = std::make_shared<app::LogOptions>();
  auto format = std::make_shared<model::OutputFormat>();
  CLI::App* command =
    app.add_subcommand("log",
                       "The audit log: every command that changed the ledger (load, ingest, record, approve,\n"
                       "close, adopt, reopen), oldest first. Entries carried by closeout records survive a rebuild.");
  command->add_option("--milestone", options->milestone, "Only entries about this milestone");
  command->add_option(
    "--action", options->action, "Only this action (load, ingest, record, approve, close, adopt, reopen)");
  command->add_option("--since", options->since, "Only entries at or after this time (YYYY-MM-DD[THH:MM:SSZ])");
  command->add_option("-n,--limit", options->limit, "Only the latest N entries");
  add_format_option(*command, *format, report::k_formats<model::LogResult>);
  command->callback([&global, &chosen, options, format] {
    chosen = [&global, options, format] { return emitted(app::run_log(global, *options), *format, global); };
  });
}

void
register_recover(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto format = std::make_shared<model::OutputFormat>();
  CLI::App* command =
    app.add_subcommand("recover",
                       "Where the program stands, for a session that starts fresh (the Recovery Protocol): the\n"
                       "last recorded action, the next planned action (the next milestone and its open gates)\n"
                       "and completion status.");
  add_format_option(*command, *format, report::k_formats<model::RecoverResult>);
  command->callback([&global, &chosen, format] {
    chosen = [&global, format] { return emitted(app::run_recover(global), *format, global); };
  });
}

} // namespace rl::cli
