#pragma once

// The fuzz harnesses (tests/fuzz/harness_<target>.cpp). Each feeds one input
// to a parser the way the application does and enforces the contract "exit 70
// is unreachable, and input errors are 3": util::InputError is the expected
// answer to invalid input; anything else (another exception, a write by
// `query`) is a finding. The libFuzzer entries (fuzz_<target>.cpp) and the
// regression unit test (tests/unit/test_fuzz_regressions.cpp) call the same
// functions.

#include "evidence/records.hpp"
#include "loader/loader.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

int rl_fuzz_yaml_loader(const std::uint8_t* data, std::size_t size);
int rl_fuzz_junit_stream(const std::uint8_t* data, std::size_t size);
int rl_fuzz_junit_dom(const std::uint8_t* data, std::size_t size);
int rl_fuzz_github_run(const std::uint8_t* data, std::size_t size);
int rl_fuzz_sarif(const std::uint8_t* data, std::size_t size);
int rl_fuzz_cobertura(const std::uint8_t* data, std::size_t size);
int rl_fuzz_lcov(const std::uint8_t* data, std::size_t size);
int rl_fuzz_closeout_record(const std::uint8_t* data, std::size_t size);
int rl_fuzz_query_guard(const std::uint8_t* data, std::size_t size);
int rl_fuzz_ledger_file(const std::uint8_t* data, std::size_t size);

namespace rl::fuzz {

// What a harness reports in the unit tests (where findings throw instead of
// aborting).
class Finding : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// By default a finding prints its reason and aborts (libFuzzer records the
// input); the unit tests switch to throwing Finding.
void set_throw_findings(bool on);

// Reports a finding: prints `what` and aborts, or throws Finding.
[[noreturn]] void finding(const std::string& what);

// Runs `body`. util::InputError (invalid input) is the expected refusal and
// is swallowed; any other exception is a finding naming its type and message.
void expect_input_error_only(const std::function<void()>& body);

// A metric the ledger stores must be a finite number (NaN or infinity would
// be stored as NULL or fail the store: exit 4 for a bad evidence file, which
// must be 3). Anything else is a finding.
void check_metrics(const std::vector<evidence::MetricRecord>& metrics);

// The input as text.
inline std::string
as_text(const std::uint8_t* data, std::size_t size)
{
  return {reinterpret_cast<const char*>(data), size};
}

// A tiny valid program (the golden case query_readonly's input) as sources:
// context for inputs that only make sense inside a program.
struct ContextFile
{
  std::string path;
  std::string text;
};
const std::vector<ContextFile>& tiny_program();

// The tiny program's sources, except those whose path is in `without`.
std::vector<loader::SourceText> tiny_program_sources(const std::vector<std::string>& without = {});

// Loads `sources` as `load` does: load_program, InputError when any file has
// an error; when they load, stores them (definitions, records, the records'
// audit entries) in a fresh in-memory ledger made by the real migrations.
void load_like_the_app(const std::vector<loader::SourceText>& sources);

// The harnesses by target name, for the regression test.
struct Target
{
  std::string_view name;
  int (*run)(const std::uint8_t*, std::size_t);
};
const std::vector<Target>& targets();

} // namespace rl::fuzz
