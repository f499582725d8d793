#include "evidence/junit.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include <expat.h>
#include <pugixml.hpp>

namespace rl::evidence {

namespace {

// An element's attributes, from either parser: get(name) is nullptr when absent.
struct Attributes
{
  const XML_Char** expat = nullptr;
  pugi::xml_node node;

  const char*
  get(const char* name) const
  {
    if (expat != nullptr) {
      for (int i = 0; expat[i] != nullptr; i += 2) {
        if (std::strcmp(expat[i], name) == 0) {
          return expat[i + 1];
        }
      }
      return nullptr;
    }
    const pugi::xml_attribute a = node.attribute(name);
    return a ? a.value() : nullptr;
  }

  // Calls fn(name, value) for every attribute, in document order.
  template <typename Fn>
  void
  each(Fn&& fn) const
  {
    if (expat != nullptr) {
      for (int i = 0; expat[i] != nullptr; i += 2) {
        fn(expat[i], expat[i + 1]);
      }
      return;
    }
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      fn(a.name(), a.value());
    }
  }
};

// The attributes of a <testcase> that matter, read in one pass (a test case
// has a handful of attributes; looking each name up would compare them all
// six times over). A repeated attribute keeps its first value, as get() does.
struct CaseAttributes
{
  const char* name = nullptr;
  const char* classname = nullptr;
  const char* file = nullptr;
  const char* time = nullptr;
  const char* result = nullptr;
  const char* status = nullptr;

  explicit CaseAttributes(const Attributes& attrs)
  {
    static constexpr std::pair<const char*, const char* CaseAttributes::*> k_fields[] = {
      {"name", &CaseAttributes::name},
      {"classname", &CaseAttributes::classname},
      {"file", &CaseAttributes::file},
      {"time", &CaseAttributes::time},
      {"result", &CaseAttributes::result},
      {"status", &CaseAttributes::status},
    };
    attrs.each([this](const char* key, const char* value) {
      for (const auto& [field, member] : k_fields) {
        if (key[0] == field[0] && std::strcmp(key, field) == 0) {
          if (this->*member == nullptr) {
            this->*member = value;
          }
          return;
        }
      }
    });
  }
};

const char*
attribute(const Attributes& attrs, const char* name)
{
  return attrs.get(name);
}

// "0,160", "1E-07", "" and garbage are all seen in the wild.
std::optional<double>
parse_seconds(const char* text)
{
  if (text == nullptr || *text == '\0') {
    return std::nullopt;
  }
  // A decimal comma becomes a point; short values (all real ones) are
  // copied to the stack, not the heap.
  const std::size_t size = std::strlen(text);
  std::array<char, 64> small{};
  std::string large;
  char* value = small.data();
  if (size >= small.size()) {
    large.assign(text, size);
    value = large.data();
  } else {
    std::memcpy(value, text, size + 1);
  }
  for (char* c = value; *c != '\0'; ++c) {
    if (*c == ',') {
      *c = '.';
    }
  }
  char* end = nullptr;
  const double seconds = std::strtod(value, &end);
  if (end == value || seconds < 0) {
    return std::nullopt;
  }
  return seconds;
}

int
severity(TestOutcome outcome)
{
  switch (outcome) {
  case TestOutcome::passed:
    return 0;
  case TestOutcome::skipped:
    return 1;
  case TestOutcome::expected_failure:
    return 2;
  case TestOutcome::flaky:
    return 3;
  case TestOutcome::failed:
    return 4;
  case TestOutcome::error:
    return 5;
  }
  return 0;
}

class JunitParser
{
public:
  JunitParser(const std::string& path, const std::function<void(const TestCaseRecord&)>& on_case)
    : m_path(path),
      m_on_case(on_case),
      m_parser(XML_ParserCreate(nullptr))
  {
    if (m_parser == nullptr) {
      throw std::bad_alloc();
    }
    XML_SetUserData(m_parser, this);
    XML_SetElementHandler(m_parser, &JunitParser::start_thunk, &JunitParser::end_thunk);
    XML_SetCharacterDataHandler(m_parser, &JunitParser::text_thunk);
    XML_SetEntityDeclHandler(m_parser, &JunitParser::entity_thunk);
    XML_SetParamEntityParsing(m_parser, XML_PARAM_ENTITY_PARSING_NEVER);
  }
  ~JunitParser()
  {
    XML_ParserFree(m_parser);
  }
  JunitParser(const JunitParser&) = delete;
  JunitParser& operator=(const JunitParser&) = delete;

  JunitFileInfo
  run(std::istream& in, std::size_t block_bytes = std::size_t{1} << 16)
  {
    std::vector<char> buffer(block_bytes == 0 ? 1 : block_bytes);
    bool done = false;
    while (!done) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const auto n = static_cast<int>(in.gcount());
      done = n == 0 || in.eof();
      if (XML_Parse(m_parser, buffer.data(), n, done ? 1 : 0) == XML_STATUS_ERROR) {
        fail_here(m_error.empty() ? fmt::format("malformed XML: {}",
                                                XML_ErrorString(XML_GetErrorCode(m_parser)))
                                  : m_error,
                  m_help.empty() ? "the file is not well-formed XML; was it cut short?" : m_help);
      }
      if (in.bad()) {
        throw util::StoreError(fmt::format("cannot read {}", m_path));
      }
    }
    if (!m_seen_root) {
      fail_here("empty file: no JUnit XML", "pass a JUnit XML file");
    }
    return m_info;
  }

private:
  [[noreturn]] void
  fail_here(const std::string& message, const std::string& help)
  {
    const int line = static_cast<int>(XML_GetCurrentLineNumber(m_parser));
    const int column = static_cast<int>(XML_GetCurrentColumnNumber(m_parser)) + 1;
    throw util::InputError(
      std::vector<util::Diagnostic>{{util::Severity::error, {m_path, line, column}, message, help}});
  }

  void
  stop(std::string message, std::string help)
  {
    m_error = std::move(message);
    m_help = std::move(help);
    XML_StopParser(m_parser, XML_FALSE);
  }

  static void
  start_thunk(void* self, const XML_Char* name, const XML_Char** attrs)
  {
    Attributes a;
    a.expat = attrs;
    static_cast<JunitParser*>(self)->start(name, a);
  }
  static void
  end_thunk(void* self, const XML_Char* name)
  {
    static_cast<JunitParser*>(self)->end(name);
  }
  static void
  text_thunk(void* self, const XML_Char* text, int length)
  {
    static_cast<JunitParser*>(self)->text(text, length);
  }
  static void
  entity_thunk(void* self,
               const XML_Char* name,
               int,
               const XML_Char*,
               int,
               const XML_Char*,
               const XML_Char*,
               const XML_Char*,
               const XML_Char*)
  {
    static_cast<JunitParser*>(self)->stop(
      fmt::format("the document declares the entity '{}': DTD entity declarations are refused",
                  name),
      "JUnit files never need entities; this file may be an XML external entity or "
      "entity-expansion attack");
  }

public:
  void
  start(const char* name, const Attributes& attrs)
  {
    ++m_depth;
    if (!m_seen_root) {
      m_seen_root = true;
      if (std::strcmp(name, "testsuites") != 0 && std::strcmp(name, "testsuite") != 0) {
        stop(fmt::format("not a JUnit XML file: the root element is <{}>", name),
             "JUnit XML starts with <testsuites> or <testsuite>");
        return;
      }
    }
    if (std::strcmp(name, "testsuite") == 0) {
      const char* suite = attribute(attrs, "name");
      m_suites.emplace_back(suite != nullptr ? suite : "");
      join_suites();
      if (!m_info.taken_at) {
        if (const char* ts = attribute(attrs, "timestamp")) {
          m_info.taken_at = normalize_time(ts);
        }
      }
      if (const char* file = attribute(attrs, "file")) {
        m_suite_files.emplace_back(file);
      } else {
        m_suite_files.emplace_back(m_suite_files.empty() ? "" : m_suite_files.back());
      }
      return;
    }
    if (std::strcmp(name, "testcase") == 0) {
      if (m_in_case) {
        stop("a <testcase> inside another <testcase>", "JUnit test cases do not nest");
        return;
      }
      m_in_case = true;
      m_case_depth = m_depth;
      // Reset in place: the strings keep their capacity from case to case.
      m_case.suite = m_suite_path;
      m_case.outcome = TestOutcome::passed;
      m_case.message.clear();
      const CaseAttributes a(attrs);
      m_case.name = a.name != nullptr ? a.name : "";
      m_case.classname = a.classname != nullptr ? a.classname : "";
      m_case.file = a.file != nullptr ? a.file : (m_suite_files.empty() ? "" : m_suite_files.back());
      if (m_case.file.empty() && !m_suites.empty() && m_suites.front() == "pytest") {
        m_case.file = pytest_file_from_classname(m_case.classname);
      }
      m_case.duration = parse_seconds(a.time);
      // Outcomes carried on attributes: GoogleTest result="skipped"/"suppressed",
      // status="notrun"; CTest status="disabled"/"notrun".
      const char* result = a.result;
      const char* status = a.status;
      if ((result != nullptr
           && (std::strcmp(result, "skipped") == 0 || std::strcmp(result, "suppressed") == 0))
          || (status != nullptr
              && (std::strcmp(status, "notrun") == 0 || std::strcmp(status, "disabled") == 0))) {
        raise(TestOutcome::skipped);
      }
      return;
    }
    if (!m_in_case) {
      return;
    }
    // Children of a test case that carry its outcome.
    std::optional<TestOutcome> outcome;
    if (std::strcmp(name, "failure") == 0) {
      outcome = TestOutcome::failed;
    } else if (std::strcmp(name, "error") == 0) {
      outcome = TestOutcome::error;
    } else if (std::strcmp(name, "skipped") == 0) {
      const char* type = attribute(attrs, "type");
      outcome = type != nullptr && std::strcmp(type, "pytest.xfail") == 0
                  ? TestOutcome::expected_failure
                  : TestOutcome::skipped;
    } else if (std::strcmp(name, "flakyFailure") == 0 || std::strcmp(name, "flakyError") == 0) {
      outcome = TestOutcome::flaky;
    } else if (std::strcmp(name, "rerunFailure") == 0) {
      outcome = TestOutcome::failed;
    } else if (std::strcmp(name, "rerunError") == 0) {
      outcome = TestOutcome::error;
    }
    if (outcome) {
      const bool first_message = m_case.message.empty();
      raise(*outcome);
      if (first_message) {
        const char* message = attribute(attrs, "message");
        m_case.message = message != nullptr ? cap_message(message) : std::string();
        m_collect_text = m_case.message.empty();
      }
    }
  }

  void
  end(const char* name)
  {
    if (m_in_case && m_depth == m_case_depth && std::strcmp(name, "testcase") == 0) {
      m_in_case = false;
      m_collect_text = false;
      m_case.message = cap_message(std::move(m_case.message));
      m_info.totals.add(m_case.outcome);
      m_on_case(m_case);
    } else if (std::strcmp(name, "testsuite") == 0 && !m_suites.empty()) {
      m_suites.pop_back();
      m_suite_files.pop_back();
      join_suites();
    } else if (m_collect_text
               && (std::strcmp(name, "failure") == 0 || std::strcmp(name, "error") == 0
                   || std::strcmp(name, "skipped") == 0)) {
      m_collect_text = false;
    }
    --m_depth;
  }

  void
  text(const char* data, int length)
  {
    if (m_collect_text && m_case.message.size() <= k_max_message_bytes) {
      m_case.message.append(data, static_cast<std::size_t>(length));
    }
  }

  // In-memory documents (parsed by pugixml) feed the same handlers.
  void
  walk(const pugi::xml_node& node)
  {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (!m_error.empty()) {
        return;
      }
      if (child.type() == pugi::node_element) {
        Attributes a;
        a.node = child;
        start(child.name(), a);
        walk(child);
        end(child.name());
      } else if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        text(child.value(), static_cast<int>(std::strlen(child.value())));
      }
    }
  }

  const JunitFileInfo&
  info() const
  {
    return m_info;
  }
  bool
  seen_root() const
  {
    return m_seen_root;
  }
  const std::string&
  error() const
  {
    return m_error;
  }
  const std::string&
  help() const
  {
    return m_help;
  }

private:
  // m_suite_path: the enclosing suites' names joined with '/'.
  void
  join_suites()
  {
    m_suite_path.clear();
    for (std::size_t i = 0; i < m_suites.size(); ++i) {
      if (i != 0) {
        m_suite_path += '/';
      }
      m_suite_path += m_suites[i];
    }
  }

  void
  raise(TestOutcome outcome)
  {
    if (severity(outcome) > severity(m_case.outcome)) {
      m_case.outcome = outcome;
    }
  }

  std::string m_path;
  const std::function<void(const TestCaseRecord&)>& m_on_case;
  XML_Parser m_parser;
  JunitFileInfo m_info;
  std::vector<std::string> m_suites;
  std::string m_suite_path;
  std::vector<std::string> m_suite_files;
  TestCaseRecord m_case;
  bool m_seen_root = false;
  bool m_in_case = false;
  bool m_collect_text = false;
  int m_depth = 0;
  int m_case_depth = 0;
  std::string m_error;
  std::string m_help;
};

std::pair<int, int>
line_column(std::string_view text, std::size_t offset)
{
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

[[noreturn]] void
fail_at(const std::string& path, std::string_view text, std::size_t offset, std::string message, std::string help)
{
  const auto [line, column] = line_column(text, offset);
  throw util::InputError(std::vector<util::Diagnostic>{
    {util::Severity::error, {path, line, column}, std::move(message), std::move(help)}});
}

} // namespace

JunitFileInfo
parse_junit_buffer(std::string_view text,
                   const std::string& display_path,
                   const std::function<void(const TestCaseRecord&)>& on_case)
{
  // Refuse DTD entity declarations before anything parses the document.
  if (const std::size_t entity = text.find("<!ENTITY"); entity != std::string_view::npos) {
    std::size_t name_start = entity + 8;
    while (name_start < text.size() && (text[name_start] == ' ' || text[name_start] == '%')) {
      ++name_start;
    }
    std::size_t name_end = name_start;
    while (name_end < text.size() && text[name_end] != ' ' && text[name_end] != '\t'
           && text[name_end] != '\n' && text[name_end] != '>') {
      ++name_end;
    }
    fail_at(display_path,
            text,
            entity,
            fmt::format("the document declares the entity '{}': DTD entity declarations are refused",
                        text.substr(name_start, name_end - name_start)),
            "JUnit files never need entities; this file may be an XML external entity or "
            "entity-expansion attack");
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result result =
    doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    fail_at(display_path,
            text,
            static_cast<std::size_t>(result.offset),
            fmt::format("malformed XML: {}", result.description()),
            "the file is not well-formed XML; was it cut short?");
  }
  JunitParser parser(display_path, on_case);
  parser.walk(doc);
  if (!parser.error().empty()) {
    const pugi::xml_node root = doc.document_element();
    const std::ptrdiff_t offset = root ? root.offset_debug() : 0;
    fail_at(display_path, text, offset < 0 ? 0 : static_cast<std::size_t>(offset), parser.error(), parser.help());
  }
  if (!parser.seen_root()) {
    fail_at(display_path, text, 0, "empty file: no JUnit XML", "pass a JUnit XML file");
  }
  return parser.info();
}

JunitFileInfo
parse_junit(std::istream& in,
            const std::string& display_path,
            const std::function<void(const TestCaseRecord&)>& on_case)
{
  JunitParser parser(display_path, on_case);
  return parser.run(in);
}

JunitFileInfo
parse_junit_blocks(std::istream& in,
                   const std::string& display_path,
                   const std::function<void(const TestCaseRecord&)>& on_case,
                   std::size_t block_bytes)
{
  JunitParser parser(display_path, on_case);
  return parser.run(in, block_bytes);
}

} // namespace rl::evidence
