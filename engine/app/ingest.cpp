// `ingest`: the files of one command through the reader of their kind
// (ingest_reader.hpp), committed with their audit entries.
#include "app/ingest.hpp"

#include "app/audit.hpp"
#include "app/ingest_reader.hpp"
#include "app/journal.hpp"
#include "app/ledger_files.hpp"
#include "model/commit.hpp"
#include "store/closeout_repo.hpp"
#include "store/evidence_repo.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <glob.h>

namespace rl::app {

namespace {

std::vector<std::string>
expand_paths(const std::vector<std::string>& args, std::string_view extension)
{
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    std::vector<std::string> matches;
    if (arg.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      if (::glob(arg.c_str(), 0, nullptr, &g) == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) {
          matches.emplace_back(g.gl_pathv[i]);
        }
      }
      globfree(&g);
      if (matches.empty()) {
        throw util::UsageError(fmt::format("no file matches '{}'", arg));
      }
    } else {
      matches.push_back(arg);
    }
    for (const std::string& m : matches) {
      if (std::filesystem::is_directory(m)) {
        std::vector<std::string> found;
        for (const auto& e : std::filesystem::recursive_directory_iterator(m)) {
          if (e.is_regular_file() && e.path().extension() == extension) {
            // A symlink inside an evidence folder (committed in a pull
            // request, say) is followed only when it stays inside the folder.
            if (e.is_symlink() && !util::resolves_inside(m, e.path())) {
              throw util::InputError(fmt::format("{}: a symlink that leads outside the folder {}; refusing to read it",
                                                 m,
                                                 e.path().generic_string()),
                                     "name the file itself on the command line if it is meant to be read");
            }
            found.push_back(e.path().string());
          }
        }
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
      } else if (!std::filesystem::exists(m)) {
        throw util::UsageError(fmt::format("no such file or directory: {}", m));
      } else {
        out.push_back(m);
      }
    }
  }
  return out;
}

// The files of one ingest transaction, for its audit entry.
struct Part
{
  std::size_t first_file = 1; // 1-based, in command order
  std::size_t files = 0;
  std::size_t stored = 0;
  std::size_t already = 0;
  std::size_t rejected = 0;
};

// "junit 3 files stored, 1 already ingested, 0 rejected (commit abc)" for an
// ingest committed at once; an ingest committed in parts (every
// k_batch_rows results) gets one entry per part, each committed with it:
// "junit part 1, files 1-812 of 2000: 812 stored, ...; continued in part 2",
// ..., "junit part 3 (last), files 1601-2000 of 2000: ...".
std::string
part_summary(model::EvidenceKind kind,
             const Part& p,
             int number,
             bool last,
             std::size_t total,
             const std::string& commit)
{
  const std::string at_commit = commit.empty() ? "" : " (commit " + model::short_commit(commit) + ")";
  if (number == 1 && last) {
    return fmt::format("{} {} files stored, {} already ingested, {} rejected{}",
                       model::to_string(kind),
                       p.stored,
                       p.already,
                       p.rejected,
                       at_commit);
  }
  return fmt::format("{} part {}{}, files {}-{} of {}: {} stored, {} already ingested, {} rejected{}{}",
                     model::to_string(kind),
                     number,
                     last ? " (last)" : "",
                     p.first_file,
                     p.first_file + p.files - 1,
                     total,
                     p.stored,
                     p.already,
                     p.rejected,
                     at_commit,
                     last ? "" : fmt::format("; continued in part {}", number + 1));
}

} // namespace

model::IngestResult
run_ingest(const GlobalOptions& global,
           std::string_view reader_name,
           const std::vector<std::string>& paths,
           const EvidenceOptions& options)
{
  const IngestReaderKind& kind = ingest_reader_kind(reader_name);
  const std::vector<std::string> files = expand_paths(paths, kind.extension);
  EvidenceContext c = open_for_evidence(global, options);
  SQLite::Database& db = *c.ledger.db;
  report::Sink& output = global.output();
  const bool progress = output.shows_progress() && files.size() > 1;
  model::IngestResult result;
  result.kind = kind.kind;
  result.counts_tests = kind.counts_tests;
  result.commit = c.commit;
  IngestContext context{db, c, options};
  const std::unique_ptr<IngestReader> reader = kind.open(context, files);
  // One write transaction for the files of the command (committed every
  // k_batch_rows results): each commit carries the audit entry of the files it
  // stores, so that every stored evidence row is covered by an entry, also when
  // the process is killed at any point (both land, or neither).
  store::IngestBatch batch(db);
  // Each committed part is also written as a ledger file, inside its
  // transaction (a file left by a killed command is imported by the next).
  store::LedgerMark mark = store::ledger_mark(db);
  std::int64_t batch_rows = 0;
  Part part;
  int part_number = 1;
  auto audit_part = [&](bool last) {
    // Nothing stored, nothing to record (unless earlier parts need their last one).
    if (part.stored > 0 || (last && part_number > 1)) {
      fault_point("ingest-before-audit");
      store::append_audit_entries(
        db,
        {make_entry(global,
                    c.ledger.paths.root,
                    "ingest",
                    "",
                    part_summary(kind.kind, part, part_number, last, files.size(), c.commit))},
        store::AuditOrigin::made_now);
    }
  };
  std::size_t index = 0;
  for (const std::string& file : files) {
    ++index;
    if (progress) {
      output.progress(fmt::format("\r[{}/{}] {}\x1b[K", index, files.size(), util::terminal_safe(file)));
    }
    ++part.files;
    model::IngestedFile r;
    try {
      ReadFile read = reader->ingest(file);
      r = std::move(read.file);
      if (r.outcome == model::IngestOutcome::already_ingested) {
        ++part.already;
      } else {
        ++part.stored;
        batch_rows += read.rows;
        if (batch_rows >= store::IngestBatch::k_batch_rows && index < files.size()) {
          audit_part(false);
          PendingLedgerFile written = write_ledger_file(c.ledger, mark);
          batch.checkpoint();
          written.keep();
          mark = store::ledger_mark(db);
          fault_point("ingest-after-commit");
          batch_rows = 0;
          part = Part{index + 1};
          ++part_number;
        }
      }
    } catch (const util::InputError& e) {
      ++part.rejected;
      for (const util::Diagnostic& d : e.diagnostics()) {
        output.err(util::format_diagnostic(d, output.colors_err()) + "\n");
      }
      r = model::IngestedFile{};
      r.outcome = model::IngestOutcome::rejected;
      r.error = e.diagnostics().empty() ? std::string(e.what()) : util::format_diagnostic(e.diagnostics().front());
    }
    r.path = file;
    r.kind = kind.kind;
    result.files.push_back(std::move(r));
  }
  audit_part(true);
  PendingLedgerFile written = write_ledger_file(c.ledger, mark);
  batch.commit();
  written.keep();
  fault_point("ingest-after-commit");
  if (progress) {
    output.progress("\r\x1b[K");
  }
  if (c.commit.empty() && kind.warns_without_commit) {
    util::Diagnostic warning;
    warning.severity = util::Severity::warning;
    warning.message = "no commit recorded (not a git repository?); pass --commit SHA";
    output.err(util::format_diagnostic(warning, output.colors_err()) + "\n");
  }
  return result;
}

ExitCode
exit_code(const model::IngestResult& result)
{
  return result.rejected() > 0 ? ExitCode::input_error : ExitCode::ok;
}

} // namespace rl::app
