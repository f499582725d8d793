#include "app/ingest_reader.hpp"

#include "evidence/input_text.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <array>
#include <filesystem>
#include <stdexcept>

namespace rl::app {

namespace {

// clang-format off
constexpr std::array k_readers{
  //              name          stores                        directories  tests  warns without commit  reader
  IngestReaderKind{"junit",      model::EvidenceKind::junit,    ".xml",      true,  true,                 open_junit_reader},
  IngestReaderKind{"github-run", model::EvidenceKind::ci_run,   ".json",     false, false,                open_github_run_reader},
  IngestReaderKind{"coverage",   model::EvidenceKind::coverage, ".xml",      false, false,                open_coverage_reader},
  IngestReaderKind{"sarif",      model::EvidenceKind::sarif,    ".sarif",    false, false,                open_sarif_reader},
};
// clang-format on

} // namespace

const IngestReaderKind&
ingest_reader_kind(std::string_view name)
{
  for (const IngestReaderKind& row : k_readers) {
    if (row.name == name) {
      return row;
    }
  }
  throw std::logic_error("no ingest reader is named " + std::string(name));
}

void
check_evidence_size(const std::string& file)
{
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec) {
    evidence::require_file_size(size, file);
  }
}

std::string
hash_evidence_file(const std::string& file)
{
  check_evidence_size(file); // before hashing reads it
  return util::sha256_file(file);
}

std::string
read_evidence_file(const std::string& file)
{
  check_evidence_size(file);
  return util::read_text(file); // StoreError (exit 4) when it cannot be read
}

} // namespace rl::app
