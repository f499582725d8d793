// ledger_file: one committed ledger file (ledger/<time>-<hash>.json), read as
// every command imports it: parsed and checked (store::parse_ledger_event),
// then, when it parses, imported into a fresh in-memory ledger made by the
// real migrations and read back. A parse refusal is the expected answer to
// invalid input; an exception while importing what parsed would be exit 4 or
// 70 for a file from a pull request, so it is a finding. So is a file whose
// parse does not survive a round trip through format_ledger_event.

#include "fuzz/harness.hpp"

#include "store/database.hpp"
#include "store/ledger_files.hpp"

int
rl_fuzz_ledger_file(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only([&] {
    rl::store::LedgerParseError error;
    const auto event = rl::store::parse_ledger_event(text, error);
    if (!event) {
      if (error.message.empty()) {
        rl::fuzz::finding("parse_ledger_event refused a file without saying why");
      }
      return;
    }
    const std::string formatted = rl::store::format_ledger_event(*event);
    rl::store::LedgerParseError again_error;
    const auto again = rl::store::parse_ledger_event(formatted, again_error);
    if (!again) {
      rl::fuzz::finding("a parsed ledger file, formatted again, does not parse: " + again_error.message);
    }
    if (rl::store::format_ledger_event(*again) != formatted) {
      rl::fuzz::finding("a parsed ledger file does not survive a format/parse round trip");
    }
    SQLite::Database db = rl::store::open_memory_ledger();
    const rl::store::LedgerMark empty = rl::store::ledger_mark(db);
    rl::store::TestCaseCache cache;
    rl::store::import_ledger_event(db, *event, "20260101T000000Z-0000000000000000.json", cache);
    // Read back as a command writing its file does (every test selected).
    static_cast<void>(rl::store::ledger_event_since(db, empty, {"*"}));
    rl::store::forget_ledger_files(db);
  });
  return 0;
}
