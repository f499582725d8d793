// Coverage (Cobertura XML, lcov) and SARIF: the metrics valid reports yield
// (fixtures written from each format's documentation) and how hostile reports
// (tests/fixtures/hostile/evidence) are refused: util::InputError naming the
// file and line:col / JSON Pointer, never another exception.
#include "evidence/input_text.hpp"
#include "evidence/metrics.hpp"
#include "unit/evidence_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>

namespace {

using rl::test::check_hostile_fixtures;
using rl::test::first_line;
using rl::test::input_error;
using rl::test::k_fixtures;
using rl::test::LimitGuard;
using rl::test::slurp;

std::map<std::string, double>
as_map(const std::vector<rl::evidence::MetricRecord>& metrics)
{
  std::map<std::string, double> out;
  for (const auto& m : metrics) {
    out[m.name] = m.value;
  }
  return out;
}

std::map<std::string, double>
coverage(const std::string& relative)
{
  return as_map(rl::evidence::parse_coverage(slurp(k_fixtures / relative), relative, "coverage"));
}

} // namespace

TEST_CASE("Cobertura reports give their root rates as percentages", "[evidence][metrics]")
{
  // coverage.py without --branch: branches-valid="0", so no branch metric.
  CHECK(coverage("cobertura/coverage_py.xml") == std::map<std::string, double>{{"coverage.line_percent", 85.0}});
  // gcovr, with a DOCTYPE naming the Cobertura DTD (tolerated, never fetched).
  const auto gcovr = coverage("cobertura/gcovr_doctype.xml");
  REQUIRE(gcovr.size() == 2);
  CHECK(gcovr.at("coverage.line_percent") == Approx(73.68421052631579));
  CHECK(gcovr.at("coverage.branch_percent") == Approx(41.66666666666667));
}

TEST_CASE("lcov tracefiles give LF/LH and BRF/BRH summed over records", "[evidence][metrics]")
{
  CHECK(coverage("lcov/two_files.info")
        == std::map<std::string, double>{{"coverage.line_percent", 50.0}, {"coverage.branch_percent", 50.0}});
  CHECK(coverage("lcov/crlf_no_branches.info") == std::map<std::string, double>{{"coverage.line_percent", 100.0}});
}

TEST_CASE("SARIF levels as given or from the result's kind or from its rule", "[evidence][metrics]")
{
  const auto counts = as_map(
    rl::evidence::parse_sarif(slurp(k_fixtures / "sarif/levels_from_rules.sarif"), "levels_from_rules.sarif", "sarif"));
  CHECK(counts
        == std::map<std::string, double>{
          {"sarif.error", 2}, {"sarif.warning", 4}, {"sarif.note", 3}, {"sarif.none", 3}, {"sarif.total", 12}});
}

TEST_CASE("hostile coverage reports are invalid input naming the file and line:col", "[evidence][metrics][hostile]")
{
  const std::vector<std::pair<std::string, std::string>> cases{
    {"cobertura_nan.xml",
     "cobertura_nan.xml:3:11: error: line-rate=\"nan\" is not a rate: not a finite decimal number"},
    {"cobertura_inf.xml",
     "cobertura_inf.xml:3:11: error: line-rate=\"inf\" is not a rate: not a finite decimal number"},
    {"cobertura_1e999.xml",
     "cobertura_1e999.xml:3:11: error: line-rate=\"1e999\" is not a rate: not a finite decimal number"},
    {"cobertura_negative.xml", "cobertura_negative.xml:3:11: error: line-rate=\"-0.5\" is not a rate: outside 0 to 1"},
    {"cobertura_above_one.xml", "cobertura_above_one.xml:3:11: error: line-rate=\"1.5\" is not a rate: outside 0 to 1"},
    {"cobertura_not_a_number.xml",
     "cobertura_not_a_number.xml:3:11: error: line-rate=\"abc\" is not a rate: not a finite decimal number"},
    {"cobertura_empty_rate.xml",
     "cobertura_empty_rate.xml:3:11: error: line-rate=\"\" is not a rate: not a finite decimal number"},
    {"cobertura_branch_nan.xml",
     "cobertura_branch_nan.xml:2:27: error: branch-rate=\"NaN\" is not a rate: not a finite decimal number"},
    {"cobertura_invalid_utf8.xml", "cobertura_invalid_utf8.xml:2:36: error: invalid UTF-8 at byte 57 (0xFF)"},
    {"cobertura_entity.xml",
     "cobertura_entity.xml:3:3: error: the document declares an entity (byte 45): DTD entity declarations are "
     "refused"},
    {"cobertura_external_entity.xml",
     "cobertura_external_entity.xml:3:3: error: the document declares an entity (byte 107): DTD entity "
     "declarations are refused"},
    {"cobertura_deep_300.xml",
     "cobertura_deep_300.xml:2:793: error: elements nested deeper than the limit 'depth' (256), at byte 814"},
    {"lcov_lf_negative.info",
     "lcov_lf_negative.info:2:4: error: invalid lcov count 'LF:-10': a count cannot be negative"},
    {"lcov_lh_negative.info",
     "lcov_lh_negative.info:3:4: error: invalid lcov count 'LH:-1': a count cannot be negative"},
    {"lcov_lh_above_lf.info", "lcov_lh_above_lf.info:3:1: error: LH:11 is more than LF:10 (line 2) of the same record"},
    {"lcov_brh_above_brf.info",
     "lcov_brh_above_brf.info:3:1: error: BRH:3 is more than BRF:2 (line 2) of the same record"},
    {"lcov_lf_huge.info",
     "lcov_lf_huge.info:2:4: error: invalid lcov count 'LF:99999999999999999999': more than 9223372036854775807"},
    {"lcov_lf_nan.info", "lcov_lf_nan.info:2:4: error: invalid lcov count 'LF:nan': not a whole number"},
    {"lcov_lf_exponent.info", "lcov_lf_exponent.info:2:4: error: invalid lcov count 'LF:1e3': not a whole number"},
    {"lcov_sum_overflow.info",
     "lcov_sum_overflow.info:6:1: error: the LF counts add up to more than 9223372036854775807"},
    {"lcov_invalid_utf8.info", "lcov_invalid_utf8.info:1:7: error: invalid UTF-8 at byte 6 (0xE9)"},
  };
  check_hostile_fixtures(cases, [](const std::string& text, const std::string& name) {
    rl::evidence::parse_coverage(text, name, "coverage");
  });
}

TEST_CASE("hostile SARIF logs are invalid input naming the file and JSON Pointer", "[evidence][metrics][hostile]")
{
  const std::vector<std::pair<std::string, std::string>> cases{
    {"sarif_1e400.sarif",
     "sarif_1e400.sarif:1:13: error: the number 1e400 at byte 12 is out of range (beyond the largest floating-point "
     "number)"},
    {"sarif_invalid_utf8.sarif",
     "sarif_invalid_utf8.sarif:1:51: error: invalid JSON at byte 50: syntax error while parsing value - invalid "
     "string: ill-formed UTF-8 byte; last read: '\"\\xC3('"},
    {"sarif_results_object.sarif",
     "sarif_results_object.sarif: error: at /runs/0/results: expected an array, found an object"},
    {"sarif_level_number.sarif",
     "sarif_level_number.sarif: error: at /runs/0/results/0/level: expected a string, found the number 3"},
    {"sarif_result_string.sarif",
     "sarif_result_string.sarif: error: at /runs/0/results/1: expected a result (a JSON object), found the string "
     "\"oops\""},
    {"sarif_rule_index_huge.sarif",
     "sarif_rule_index_huge.sarif: error: at /runs/0/results/0/ruleIndex: the number 18446744073709551615 is too "
     "large (more than 9223372036854775807)"},
    {"sarif_deep_300.sarif",
     "sarif_deep_300.sarif:1:1574: error: JSON arrays and objects nested deeper than the limit 'depth' "
     "(256), at byte 1573"},
  };
  check_hostile_fixtures(
    cases, [](const std::string& text, const std::string& name) { rl::evidence::parse_sarif(text, name, "sarif"); });
  CHECK(first_line(input_error(
          [] { rl::evidence::parse_sarif(R"({"runs": [{"results": [{"ruleIndex": 3}]}]})", "r.sarif", "sarif"); }))
        == "r.sarif: error: at /runs/0/results/0: the result refers to rule 3, but tool.driver.rules has 0");
  CHECK(first_line(input_error(
          [] { rl::evidence::parse_sarif(R"({"runs": [{"results": [{"level": "fatal"}]}]})", "l.sarif", "sarif"); }))
        == "l.sarif: error: at /runs/0/results/0/level: unknown SARIF level 'fatal'");
}

TEST_CASE("token-bytes bounds an lcov line and an XML value and a SARIF string", "[evidence][metrics][hostile]")
{
  const LimitGuard guard("token-bytes=16");
  CHECK(first_line(input_error(
          [] { rl::evidence::parse_coverage("SF:/a/very/long/path.c\nLF:1\nLH:1\n", "long.info", "coverage"); }))
        == "long.info:1:1: error: a line of 22 bytes, more than the limit 'token-bytes' (16 bytes)");
  CHECK(first_line(input_error([] {
          rl::evidence::parse_coverage(
            "<coverage line-rate=\"0.5\">\n<source>seventeen bytes..</source></coverage>", "long.xml", "coverage");
        }))
        == "long.xml:2:9: error: an attribute value or text longer than the limit 'token-bytes' (16 bytes)");
  CHECK(first_line(input_error([] {
          rl::evidence::parse_sarif(
            R"({"runs": [{"results": [{"message": {"text": "seventeen bytes.."}}]}]})", "long.sarif", "sarif");
        }))
        == "long.sarif: error: at /runs/0/results/0/message/text: a string of 17 bytes, more than the limit "
           "'token-bytes' (16 bytes)");
}

TEST_CASE("every value of a SARIF log given a value of any other type is an InputError or accepted",
          "[evidence][metrics][hostile]")
{
  const nlohmann::json base = nlohmann::json::parse(slurp(k_fixtures / "sarif/levels_from_rules.sarif"));
  const std::vector<nlohmann::json> values{nlohmann::json("text"),
                                           nlohmann::json(-1),
                                           nlohmann::json(18446744073709551615ULL),
                                           nlohmann::json(1.5),
                                           nlohmann::json::object(),
                                           nlohmann::json::array(),
                                           nlohmann::json(false),
                                           nlohmann::json(nullptr)};
  // The fields the reader reads refuse any other kind of value (null is
  // "absent"); the others (message texts, names) may hold anything.
  const std::regex read_field(R"(/runs/\d+/(results/\d+/(level|kind|ruleId|ruleIndex|rule/id|rule/index))"
                              R"(|tool/driver/rules/\d+/(id|defaultConfiguration/level)))");
  const nlohmann::json flat = base.flatten();
  int refused = 0;
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    for (const auto& value : values) {
      nlohmann::json doc = base;
      doc[nlohmann::json::json_pointer(it.key())] = value;
      CAPTURE(it.key(), value.dump());
      const std::string error = input_error([&] { rl::evidence::parse_sarif(doc.dump(), "x.sarif", "sarif"); });
      if (std::regex_match(it.key(), read_field) && !value.is_null() && !(value.is_string() && it.value().is_string())
          && !(value == -1 && it.key().find("ndex") != std::string::npos)) { // -1: "no index" (SARIF 3.27.6)
        CHECK(error.find("x.sarif: error: at ") == 0);
      }
      refused += error != "(accepted)";
    }
  }
  CHECK(refused > 50);
}

TEST_CASE("UTF-8 validation and printable quoting", "[evidence][metrics]")
{
  using rl::evidence::invalid_utf8_offset;
  CHECK_FALSE(invalid_utf8_offset("plain ASCII"));
  CHECK_FALSE(invalid_utf8_offset("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")); // é € 😀
  CHECK(invalid_utf8_offset("caf\xE9") == 3u);                                   // Latin-1
  CHECK(invalid_utf8_offset("a\xC0\xAF") == 1u);                                 // overlong '/'
  CHECK(invalid_utf8_offset("a\xED\xA0\x80") == 1u);                             // surrogate U+D800
  CHECK(invalid_utf8_offset("a\xF4\x90\x80\x80") == 1u);                         // above U+10FFFF
  CHECK(invalid_utf8_offset("ab\xE2\x82") == 2u);                                // truncated
  CHECK(rl::evidence::printable("a\x1b[31mb\xFF") == "a\\x1B[31mb\\xFF");
  CHECK(rl::evidence::printable("0123456789", 4) == "0123...");
  const auto where = rl::evidence::location_at("ab\ncd\nef", 4, "f");
  CHECK(where.line == 2);
  CHECK(where.column == 2);
}
