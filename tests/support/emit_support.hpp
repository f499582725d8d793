#pragma once

// For the tests of report::emit (tests/unit/test_report_emit_*.cpp): what an
// emit writes, and which formats a result type offers.

#include "model/enums.hpp"
#include "report/emit.hpp"
#include "report/sink.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace rl::test {

// What report::emit writes for `result` in `format`, output and errors apart.
// (The emit overload must be declared before this is instantiated.)
template<typename Result>
report::StringSink
emit_captured(const Result& result, model::OutputFormat format)
{
  report::StringSink sink;
  report::emit(result, format, sink);
  return sink;
}

// The output of emitting `result` in `format`, which writes no error.
template<typename Result>
std::string
emitted(const Result& result, model::OutputFormat format)
{
  const report::StringSink sink = emit_captured(result, format);
  CHECK(sink.err_text.empty());
  return sink.out_text;
}

// The formats Result can be written in (report::k_formats), in their order.
template<typename Result>
std::vector<model::OutputFormat>
formats_of()
{
  const auto allowed = report::k_formats<Result>;
  return {allowed.begin(), allowed.end()};
}

template<typename Result>
bool
offers(model::OutputFormat format)
{
  const auto allowed = report::k_formats<Result>;
  return std::find(allowed.begin(), allowed.end(), format) != allowed.end();
}

} // namespace rl::test
