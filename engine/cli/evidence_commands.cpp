// ingest, record, why, check: evidence in, verdicts out.
#include "app/check.hpp"
#include "app/gc.hpp"
#include "app/ingest.hpp"
#include "app/record_metric.hpp"
#include "app/why.hpp"
#include "cli/emit_verdict.hpp"
#include "cli/register.hpp"
#include "report/emit_evidence.hpp"

#include <memory>

namespace rl::cli {

namespace {

void
add_evidence_options(CLI::App& command, app::EvidenceOptions& options, std::span<const model::OutputFormat> formats)
{
  command.add_option(
    "--commit", options.commit, "Commit the evidence was taken at (default: git HEAD of the program root)");
  command.add_option("--at", options.at, "When it was taken, ISO 8601 (default: from the file, else now)");
  command.add_option("--source", options.source, "Label stored with the evidence (default: the path)");
  add_format_option(command, options.format, formats);
}

// Ingests with the reader named `reader` (app/ingest_reader.cpp), prints the
// result, returns its exit code.
app::ExitCode
ingest(const app::GlobalOptions& global,
       std::string_view reader,
       const std::vector<std::string>& paths,
       const app::EvidenceOptions& options)
{
  const model::IngestResult result = app::run_ingest(global, reader, paths, options);
  report::emit(result, options.format, global.output());
  return app::exit_code(result);
}

} // namespace

void register_metric_ingest(CLI::App& ingest, const app::GlobalOptions& global, Action& chosen);

void
register_ingest(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  CLI::App* command =
    app.add_subcommand("ingest",
                       "Store verification evidence in the ledger. Each file lands completely or not at all;\n"
                       "a file already ingested (same content) changes nothing. Exit 3 if any file was rejected.");
  command->require_subcommand(1);
  constexpr auto k_formats = report::k_formats<model::IngestResult>;

  auto junit_paths = std::make_shared<std::vector<std::string>>();
  auto junit_options = std::make_shared<app::EvidenceOptions>();
  CLI::App* junit = command->add_subcommand(
    "junit",
    "JUnit XML from pytest, CTest, GoogleTest, Catch2, Surefire, jest, gotestsum, node:test ...\n"
    "PATH may be a file, a directory (searched for *.xml) or a glob.\n"
    "Example: refactor-ledger ingest junit build/test-results/ --commit $(git rev-parse HEAD)");
  junit->add_option("paths", *junit_paths, "Files, directories or globs")->required();
  add_evidence_options(*junit, *junit_options, k_formats);
  junit->callback([&global, &chosen, junit_paths, junit_options] {
    chosen = [&global, junit_paths, junit_options] { return ingest(global, "junit", *junit_paths, *junit_options); };
  });

  auto run_paths = std::make_shared<std::vector<std::string>>();
  auto run_options = std::make_shared<app::EvidenceOptions>();
  CLI::App* run =
    command->add_subcommand("github-run",
                            "GitHub Actions workflow runs: the REST run object, its jobs document, a run list, or\n"
                            "`gh run view --json ...` / `gh run list --json ...` output. Keyed by repository, run id\n"
                            "and attempt: the same run ingested twice is stored once.\n"
                            "Example: gh run view 21794131738 --json databaseId,attempt,workflowName,headSha,\\\n"
                            "           headBranch,event,status,conclusion,createdAt,updatedAt,url,jobs > run.json\n"
                            "         refactor-ledger ingest github-run run.json");
  run->add_option("paths", *run_paths, "JSON files, directories or globs")->required();
  run->add_option("--repo", run_options->repository, "owner/name, when the document does not say");
  add_evidence_options(*run, *run_options, k_formats);
  register_metric_ingest(*command, global, chosen);
  run->callback([&global, &chosen, run_paths, run_options] {
    chosen = [&global, run_paths, run_options] { return ingest(global, "github-run", *run_paths, *run_options); };
  });
}

void
register_metric_ingest(CLI::App& ingest_command, const app::GlobalOptions& global, Action& chosen)
{
  for (const std::string_view reader : {"coverage", "sarif"}) {
    auto paths = std::make_shared<std::vector<std::string>>();
    auto options = std::make_shared<app::EvidenceOptions>();
    const bool coverage = reader == "coverage";
    CLI::App* command = ingest_command.add_subcommand(
      std::string(reader),
      coverage ? "Line and branch coverage from Cobertura XML or an lcov tracefile, stored as\n"
                 "metrics coverage.line_percent and coverage.branch_percent (0-100).\n"
                 "Example: refactor-ledger ingest coverage coverage.xml"
               : "Findings of a SARIF log counted by level, stored as metrics sarif.error,\n"
                 "sarif.warning, sarif.note, sarif.none and sarif.total.\n"
                 "Example: refactor-ledger ingest sarif codeql.sarif --prefix codeql");
    command->add_option("paths", *paths, "Files, directories or globs")->required();
    command->add_option("--prefix", options->prefix, "Metric name prefix");
    add_evidence_options(*command, *options, report::k_formats<model::IngestResult>);
    command->callback([&global, &chosen, paths, options, reader] {
      chosen = [&global, paths, options, reader] { return ingest(global, reader, *paths, *options); };
    });
  }
}

void
register_record(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  CLI::App* record = app.add_subcommand("record", "Record evidence by hand or from a script.");
  record->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  auto options = std::make_shared<app::EvidenceOptions>();
  CLI::App* metric =
    record->add_subcommand("metric",
                           "Record a named number at a commit, for `metric:` rules.\n"
                           "Example: refactor-ledger record metric unresolved_imports 0 --commit d72fd100459");
  metric->add_option("name", *name, "Metric name")->required();
  metric->add_option("value", *value, "A number")->required();
  add_evidence_options(*metric, *options, report::k_formats<model::RecordMetricResult>);
  metric->callback([&global, &chosen, name, value, options] {
    chosen = [&global, name, value, options] {
      const model::RecordMetricResult result = app::run_record_metric(global, *name, *value, *options);
      report::emit(result, options->format, global.output());
      return app::exit_code(result);
    };
  });
}

void
register_gc(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto dry_run = std::make_shared<bool>(false);
  auto format = std::make_shared<model::OutputFormat>(model::OutputFormat::table);
  CLI::App* command = app.add_subcommand(
    "gc",
    "Fold the ledger files (ledger_dir, default ledger/) written up to the latest closeout into one\n"
    "file: each piece of evidence once, only the latest result of each test, the approvals and audit\n"
    "entries no closeout record carries. Statuses, gates and documents do not change. Commit the\n"
    "result. Example: refactor-ledger gc --dry-run");
  command->add_flag("--dry-run", *dry_run, "Say what would be folded; write nothing");
  add_format_option(*command, *format, report::k_formats<model::GcResult>);
  command->callback([&global, &chosen, dry_run, format] {
    chosen = [&global, dry_run, format] {
      const model::GcResult result = app::run_gc(global, *dry_run);
      report::emit(result, *format, global.output());
      return app::exit_code(result);
    };
  });
}

void
register_why(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto id = std::make_shared<std::string>();
  auto format = std::make_shared<model::OutputFormat>(model::OutputFormat::table);
  CLI::App* command =
    app.add_subcommand("why",
                       "Explain an invariant's status: its rule tree, each condition's result, and the evidence\n"
                       "behind it (run, commit, counts, times).\n"
                       "Example: refactor-ledger why INV-050");
  command->add_option("id", *id, "Invariant id")->required();
  add_format_option(*command, *format, report::k_formats<model::WhyResult>);
  command->callback([&global, &chosen, id, format] {
    chosen = [&global, id, format] {
      const model::WhyResult result = app::run_why(global, *id);
      report::emit(result, *format, global.output());
      return app::exit_code(result);
    };
  });
}

void
register_check(CLI::App& app, const app::GlobalOptions& global, Action& chosen)
{
  auto options = std::make_shared<app::CheckOptions>();
  CLI::App* command =
    app.add_subcommand("check",
                       "For CI: exit 1 when any invariant at or above --priority (default P0) is failing, or,\n"
                       "with --require-verified, not verified (waived counts as verified). Names each offender.\n"
                       "Examples: refactor-ledger check --priority P1 --require-verified\n"
                       "          refactor-ledger check --format sarif > ledger.sarif   (GitHub code scanning)");
  command->add_option("--priority", options->min_priority, "Lowest priority checked")->capture_default_str();
  command->add_flag("--require-verified", options->require_verified, "Also fail on unverified and stale");
  add_format_option(*command, options->format, report::k_formats<model::CheckResult>);
  command->callback([&global, &chosen, options] {
    chosen = [&global, options] { return emit_verdict(app::run_check(global, *options), options->format, global); };
  });
}

} // namespace rl::cli
