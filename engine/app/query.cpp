// `query`: one read-only SQL statement under time and memory limits.
#include "store/query.hpp"
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "store/database.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace rl::app {

namespace {

// Ends the process (exit 3, with the timeout error) when a query runs more
// than a second past its time limit. The progress handler stops a statement
// between two steps of SQLite's virtual machine; this catches a single step
// that runs for minutes (instr() or LIKE over long strings).
class QueryWatchdog
{
public:
  QueryWatchdog(double seconds, const util::InputError& error, report::Sink& sink)
  {
    std::string message;
    for (const util::Diagnostic& d : error.diagnostics()) {
      message += util::format_diagnostic(d, sink.colors_err()) + "\n";
    }
    const auto deadline =
      std::chrono::steady_clock::now()
      + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds + 1));
    m_thread = std::thread([this, deadline, &sink, message = std::move(message)] {
      std::unique_lock lock(m_mutex);
      if (!m_done.wait_until(lock, deadline, [this] { return m_finished; })) {
        sink.err(message); // the main thread is inside SQLite: it prints nothing meanwhile
        sink.flush();
        std::_Exit(static_cast<int>(ExitCode::input_error));
      }
    });
  }
  ~QueryWatchdog()
  {
    {
      const std::lock_guard lock(m_mutex);
      m_finished = true;
    }
    m_done.notify_one();
    m_thread.join();
  }
  QueryWatchdog(const QueryWatchdog&) = delete;
  QueryWatchdog& operator=(const QueryWatchdog&) = delete;

private:
  std::mutex m_mutex;
  std::condition_variable m_done;
  bool m_finished = false;
  std::thread m_thread;
};

store::QueryLimits
query_limits(const QueryOptions& options)
{
  if (!(options.timeout_seconds > 0) || !(options.timeout_seconds <= k_max_query_timeout_seconds)) {
    throw util::UsageError(fmt::format("invalid value '{}' for --timeout: give seconds, more than 0 and at most {:g}",
                                       options.timeout_seconds,
                                       k_max_query_timeout_seconds));
  }
  if (options.max_memory_mb < 1 || options.max_memory_mb > k_max_query_memory_mb) {
    throw util::UsageError(fmt::format(
      "invalid value '{}' for --max-memory: give MiB, from 1 to {}", options.max_memory_mb, k_max_query_memory_mb));
  }
  return {options.timeout_seconds, options.max_memory_mb << 20};
}

} // namespace

model::QueryRows
query(const GlobalOptions& global, const QueryOptions& options)
{
  const store::QueryLimits limits = query_limits(options);
  // Before any connection opens: the memory limit needs SQLite's statistics.
  if (!store::keep_sqlite_memory_statistics()) {
    throw std::logic_error("SQLite was initialised before `query` could keep its memory statistics");
  }
  // Brings the ledger up to date first. On a read-only ledger it already is
  // the file opened read-only or an in-memory copy, which the query reads
  // (the copy with query_only on as the second guard); else the file is
  // opened again read-only.
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  std::optional<SQLite::Database> file;
  if (ledger.in_memory) {
    store::set_query_only(*ledger.db);
  } else if (!ledger.read_only) {
    const std::filesystem::path db_path = ledger.paths.db;
    ledger.db.reset();
    file.emplace(store::open_ledger_readonly(db_path));
  }
  SQLite::Database& db = file ? *file : *ledger.db;
  const QueryWatchdog watchdog(limits.timeout_seconds, store::timeout_error(limits), global.output());
  return store::run_readonly_query(db, options.sql, limits);
}

} // namespace rl::app
