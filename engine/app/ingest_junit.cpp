// Reader of JUnit XML: every file's test cases, stored as one piece of
// evidence per file. The next files are read, hashed and parsed on other
// threads while this one writes the current file to the database; a file
// too large to hold in memory is streamed while it is stored.
#include "app/ingest_reader.hpp"
#include "evidence/junit.hpp"
#include "store/evidence_repo.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>

#include <deque>
#include <fstream>
#include <future>
#include <mutex>
#include <unordered_set>

namespace rl::app {

namespace {

// Appends a parsed test case as the store keeps it.
void
add_case(store::TestResultBlock& block, const evidence::TestCaseRecord& tc)
{
  thread_local std::string identity; // one buffer per parsing thread
  tc.identity_into(identity);
  block.add(identity, tc.file, tc.suite, tc.outcome, tc.duration, tc.message);
}

// A streamed file's cases are written in blocks of this many (bounded memory).
constexpr std::size_t k_stream_block_cases = 16384;

// A JUnit file read, hashed and (when small enough) parsed, off the database thread.
struct Prepared
{
  std::string hash;
  bool duplicate = false;
  std::optional<store::TestResultBlock> cases; // empty: stream it while storing
  evidence::JunitFileInfo info;
  std::exception_ptr error;
};

// Read buffers, reused from file to file: a new one per file would be
// faulted in page by page again (a third of a re-ingest's time).
class BufferPool
{
public:
  std::string take()
  {
    const std::lock_guard lock(m_mutex);
    if (m_free.empty()) {
      return {};
    }
    std::string buffer = std::move(m_free.back());
    m_free.pop_back();
    return buffer;
  }

  void give(std::string buffer)
  {
    const std::lock_guard lock(m_mutex);
    m_free.push_back(std::move(buffer));
  }

private:
  std::mutex m_mutex;
  std::vector<std::string> m_free;
};

// Hands its buffer back to the pool however prepare() ends.
struct PooledBuffer
{
  explicit PooledBuffer(BufferPool& p)
    : pool(p)
    , text(p.take())
  {
  }
  ~PooledBuffer()
  {
    pool.give(std::move(text));
  }
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;

  BufferPool& pool;
  std::string text;
};

Prepared
prepare(const std::string& file, const std::unordered_set<std::string>& known, BufferPool& buffers)
{
  Prepared p;
  try {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (!ec && !std::filesystem::is_regular_file(status)) {
      // A device or FIFO (e.g. a symbolic link to /dev/zero) would be read
      // forever.
      throw util::InputError(std::vector<util::Diagnostic>{
        {util::Severity::error, {file, 0, 0}, "not a regular file", "pass a JUnit XML file"}});
    }
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > util::limits().file_bytes) {
      throw util::InputError(std::vector<util::Diagnostic>{
        {util::Severity::error,
         {file, 0, 0},
         fmt::format("the file is {} bytes, longer than {} bytes", size, util::limits().file_bytes),
         util::limit_help("file-bytes")}});
    }
    // Unreadable (ec): hashing it says so (exit 4).
    if (ec || size > evidence::k_in_memory_limit) {
      p.hash = util::sha256_file(file);
      p.duplicate = known.contains(p.hash);
      return p;
    }
    PooledBuffer buffer(buffers);
    util::read_into(file, buffer.text);
    const std::string& text = buffer.text;
    p.hash = util::sha256(text);
    p.duplicate = known.contains(p.hash);
    if (p.duplicate) {
      return p;
    }
    store::TestResultBlock cases;
    p.info = evidence::parse_junit_buffer(text, file, [&](const evidence::TestCaseRecord& tc) { add_case(cases, tc); });
    cases.index_identities();
    p.cases = std::move(cases);
  } catch (...) {
    p.error = std::current_exception();
  }
  return p;
}

class JunitReader final : public IngestReader
{
public:
  JunitReader(IngestContext& context, const std::vector<std::string>& files)
    : m_context(context)
    , m_files(files)
    , m_known(store::evidence_hashes(context.db, model::EvidenceKind::junit))
  {
    prepare_ahead();
  }

  ReadFile ingest(const std::string& file) override
  {
    Prepared prepared = m_ahead.front().get();
    m_ahead.pop_front();
    prepare_ahead();
    if (prepared.error) {
      std::rethrow_exception(prepared.error);
    }
    ReadFile read;
    SQLite::Database& db = m_context.db;
    if (prepared.duplicate || store::evidence_exists(db, model::EvidenceKind::junit, prepared.hash)) {
      read.file.outcome = model::IngestOutcome::already_ingested;
      return read;
    }
    const EvidenceOptions& options = m_context.options;
    store::TestResultWriter writer(
      db, header_for(model::EvidenceKind::junit, prepared.hash, file, options, m_context.evidence), m_test_cases);
    evidence::JunitFileInfo info;
    if (prepared.cases) {
      writer.add(*prepared.cases);
      info = prepared.info;
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        throw util::StoreError(fmt::format("cannot read {}", file));
      }
      store::TestResultBlock cases;
      info = evidence::parse_junit(in, file, [&](const evidence::TestCaseRecord& tc) {
        add_case(cases, tc);
        if (cases.size() == k_stream_block_cases) {
          writer.add(cases);
          cases.clear();
        }
      });
      writer.add(cases);
    }
    const auto& t = info.totals;
    writer.commit({t.tests, t.passed, t.failed, t.errors, t.skipped},
                  options.at.empty() ? info.taken_at : std::nullopt);
    read.file.outcome = model::IngestOutcome::stored;
    read.file.tests = model::TestCounts{t.tests, t.passed, t.failed, t.errors, t.skipped};
    read.rows = t.tests;
    return read;
  }

private:
  // Two files at a time, so that both cores hash when the files are already
  // stored (and the database thread idles).
  static constexpr std::size_t k_prepared_ahead = 2;

  void prepare_ahead()
  {
    while (m_ahead.size() < k_prepared_ahead && m_next < m_files.size()) {
      m_ahead.push_back(
        std::async(std::launch::async, [this, file = m_files[m_next++]] { return prepare(file, m_known, m_buffers); }));
    }
  }

  IngestContext& m_context;
  const std::vector<std::string>& m_files;       // outlives the reader
  const std::unordered_set<std::string> m_known; // content hashes stored before the command
  store::TestCaseCache m_test_cases;
  BufferPool m_buffers;
  std::size_t m_next = 0;
  std::deque<std::future<Prepared>> m_ahead; // last member: its threads use the ones above
};

} // namespace

std::unique_ptr<IngestReader>
open_junit_reader(IngestContext& context, const std::vector<std::string>& files)
{
  return std::make_unique<JunitReader>(context, files);
}

} // namespace rl::app
