#include "app/record_metric.hpp"

#include "app/audit.hpp"
#include "app/evidence_support.hpp"
#include "app/journal.hpp"
#include "app/ledger_files.hpp"
#include "evidence/input_text.hpp"
#include "model/commit.hpp"
#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "store/evidence_repo.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace rl::app {

namespace {

// The value as a finite number; throws UsageError for anything else.
double
parse_metric_value(const std::string& value_text)
{
  double value = 0;
  const auto [ptr, ec] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    throw util::UsageError(fmt::format("metric value '{}' is out of range: a metric is a finite number "
                                       "(at most about 1.8e308 in magnitude)",
                                       evidence::printable(value_text)));
  }
  if (ec != std::errc() || ptr != value_text.data() + value_text.size()) {
    throw util::UsageError(fmt::format("metric value '{}' is not a number", evidence::printable(value_text)));
  }
  if (!std::isfinite(value)) {
    throw util::UsageError(fmt::format("metric value '{}' is not a finite number: write a decimal number, "
                                       "e.g. 0, -3 or 87.5",
                                       evidence::printable(value_text)));
  }
  return value == 0 ? 0.0 : value; // -0 is 0
}

} // namespace

model::RecordMetricResult
run_record_metric(const GlobalOptions& global,
                  const std::string& name,
                  const std::string& value_text,
                  const EvidenceOptions& options)
{
  model::RecordMetricResult result;
  result.name = name;
  result.value_text = value_text;
  result.value = parse_metric_value(value_text);
  if (name.empty() || evidence::printable(name, name.size()) != name
      || name.find_first_of(" \t\n") != std::string::npos) {
    throw util::UsageError(fmt::format("metric name '{}' must be one word of UTF-8 text, e.g. unresolved_imports",
                                       evidence::printable(name)));
  }
  EvidenceContext c = open_for_evidence(global, options);
  result.commit = c.commit;
  result.taken_at = taken_at(options, c.now);
  const std::string hash = util::sha256(
    fmt::format("metric\n{}\n{}\n{}\n{}\n{}", name, value_text, c.commit, result.taken_at, options.source));
  store::EvidenceHeader h = header_for(model::EvidenceKind::metric, hash, "", options, c);
  if (options.source.empty()) {
    h.source = "record metric";
  }
  result.source = h.source;
  if (store::evidence_exists(*c.ledger.db, model::EvidenceKind::metric, hash)) {
    result.already_recorded = true;
    return result;
  }
  // The value and its audit entry commit together.
  store::WriteTransaction transaction(*c.ledger.db);
  const store::LedgerMark mark = store::ledger_mark(*c.ledger.db);
  store::store_metrics(*c.ledger.db, h, {{name, result.value}});
  store::append_audit_entries(*c.ledger.db,
                              {make_entry(global,
                                          c.ledger.paths.root,
                                          "record",
                                          "",
                                          fmt::format("metric {} = {} at commit {}",
                                                      name,
                                                      value_text,
                                                      c.commit.empty() ? "unknown" : model::short_commit(c.commit)))},
                              store::AuditOrigin::made_now);
  PendingLedgerFile written = write_ledger_file(c.ledger, mark);
  fault_point("record-before-commit");
  transaction.commit();
  written.keep();
  return result;
}

ExitCode
exit_code(const model::RecordMetricResult& /*result*/)
{
  return ExitCode::ok;
}

} // namespace rl::app
