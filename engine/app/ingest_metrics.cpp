// Readers of evidence stored as named numbers: coverage (Cobertura, lcov) and
// SARIF (findings counted by level). Each file is one piece of evidence.
#include "app/ingest_reader.hpp"
#include "evidence/metrics.hpp"
#include "store/database.hpp"
#include "store/evidence_repo.hpp"

#include <algorithm>

namespace rl::app {

namespace {

using ParseMetrics = std::vector<evidence::MetricRecord> (*)(const std::string& text,
                                                             const std::string& display_path,
                                                             const std::string& prefix);

class MetricsReader final : public IngestReader
{
public:
  MetricsReader(IngestContext& context, model::EvidenceKind kind, ParseMetrics parse)
    : m_context(context)
    , m_kind(kind)
    , m_parse(parse)
  {
  }

  ReadFile ingest(const std::string& file) override
  {
    ReadFile read;
    const std::string hash = hash_evidence_file(file);
    SQLite::Database& db = m_context.db;
    if (store::evidence_exists(db, m_kind, hash)) {
      read.file.outcome = model::IngestOutcome::already_ingested;
      return read;
    }
    store::WriteTransaction file_transaction(db); // a savepoint: the file lands whole or not at all
    const std::string text = read_evidence_file(file);
    const EvidenceOptions& options = m_context.options;
    const std::string prefix = options.prefix.empty() ? std::string(model::to_string(m_kind)) : options.prefix;
    std::vector<std::pair<std::string, double>> rows;
    std::vector<std::pair<std::string, double>> values; // by name: a repeated name keeps its first place
    for (const evidence::MetricRecord& m : m_parse(text, file, prefix)) {
      rows.emplace_back(m.name, m.value);
      const auto same = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == m.name; });
      if (same == values.end()) {
        values.emplace_back(m.name, m.value);
      } else {
        same->second = m.value;
      }
    }
    store::store_metrics(db, header_for(m_kind, hash, file, options, m_context.evidence), rows);
    file_transaction.commit();
    read.file.outcome = model::IngestOutcome::stored;
    read.file.metrics = std::move(values);
    return read;
  }

private:
  IngestContext& m_context;
  model::EvidenceKind m_kind;
  ParseMetrics m_parse;
};

} // namespace

std::unique_ptr<IngestReader>
open_coverage_reader(IngestContext& context, const std::vector<std::string>& /*files*/)
{
  return std::make_unique<MetricsReader>(context, model::EvidenceKind::coverage, evidence::parse_coverage);
}

std::unique_ptr<IngestReader>
open_sarif_reader(IngestContext& context, const std::vector<std::string>& /*files*/)
{
  return std::make_unique<MetricsReader>(context, model::EvidenceKind::sarif, evidence::parse_sarif);
}

} // namespace rl::app
