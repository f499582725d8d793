// JUnit XML, every dialect, through expat. About 650 lines, kept in one file
// on purpose: most of it is one class, the expat state machine (JunitParser),
// whose callbacks share its state; the three entry points at the end feed it
// a buffer, a stream or blocks. The dialects it reads are listed in the
// README ("ingest junit").
#include "evidence/junit.hpp"

#include "util/error.hpp"
#include "util/limits.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include <expat.h>

namespace rl::evidence {

namespace {

// An element's attributes as expat gives them: name, value, name, value, ...,
// nullptr. get(name) is nullptr when absent; a repeated attribute cannot
// occur (expat refuses it).
struct Attributes
{
  const XML_Char** expat = nullptr;

  const char* get(const char* name) const
  {
    for (int i = 0; expat[i] != nullptr; i += 2) {
      if (std::strcmp(expat[i], name) == 0) {
        return expat[i + 1];
      }
    }
    return nullptr;
  }

  // Calls fn(name, value) for every attribute, in document order.
  template<typename Fn>
  void each(Fn&& fn) const
  {
    for (int i = 0; expat[i] != nullptr; i += 2) {
      fn(expat[i], expat[i + 1]);
    }
  }
};

// The attributes of a <testcase> that matter, read in one pass (a test case
// has a handful of attributes; looking each name up would compare them all
// six times over).
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
    static constexpr std::pair<const char*, const char * CaseAttributes::*> k_fields[] = {
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
          this->*member = value;
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
severity(model::ResultStatus outcome)
{
  switch (outcome) {
  case model::ResultStatus::passed:
    return 0;
  case model::ResultStatus::skipped:
    return 1;
  case model::ResultStatus::expected_failure:
    return 2;
  case model::ResultStatus::flaky:
    return 3;
  case model::ResultStatus::failed:
    return 4;
  case model::ResultStatus::error:
    return 5;
  }
  return 0;
}

// Blocks fed to expat: this size while events fire; doubled while none does
// (one token spans the blocks, and expat 2.5 tokenizes an incomplete token
// again from its start on every call, so fixed blocks make a long token
// quadratic); never more than the token limit needs.
constexpr std::size_t k_min_block = std::size_t{64} * 1024;
constexpr std::size_t k_max_block = std::size_t{1} << 30;

// expat holds an incomplete token in one buffer of at most INT_MAX bytes.
constexpr std::uint64_t k_max_token_bytes = std::uint64_t{1} << 30;

// A name from the document, short enough for a message (cut on a UTF-8
// boundary; expat hands out valid UTF-8).
std::string
quoted(std::string_view name)
{
  constexpr std::size_t k_max = 64;
  if (name.size() <= k_max) {
    return std::string(name);
  }
  std::size_t cut = k_max;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(name.substr(0, cut)) + "…";
}

class JunitParser
{
public:
  JunitParser(const std::string& path,
              const std::function<void(const TestCaseRecord&)>& on_case,
              JunitParseStats* stats)
    : m_path(path)
    , m_on_case(on_case)
    , m_stats(stats)
    , m_parser(XML_ParserCreate(nullptr))
    , m_max_depth(util::limits().depth)
    , m_max_token(std::min(util::limits().token_bytes, k_max_token_bytes))
    , m_max_file(util::limits().file_bytes)
  {
    if (m_parser == nullptr) {
      throw std::bad_alloc();
    }
    XML_SetUserData(m_parser, this);
    XML_SetElementHandler(m_parser, &JunitParser::start_thunk, &JunitParser::end_thunk);
    XML_SetCharacterDataHandler(m_parser, &JunitParser::text_thunk);
    // Every other token (comments, processing instructions, declarations,
    // white space outside the root) reaches this handler, so that every
    // token is an event whose length is checked. "Expand": it does not turn
    // off the expansion of the predefined entities (&amp; ...).
    XML_SetDefaultHandlerExpand(m_parser, &JunitParser::other_thunk);
    XML_SetEntityDeclHandler(m_parser, &JunitParser::entity_thunk);
    XML_SetParamEntityParsing(m_parser, XML_PARAM_ENTITY_PARSING_NEVER);
  }
  ~JunitParser()
  {
    XML_ParserFree(m_parser);
  }
  JunitParser(const JunitParser&) = delete;
  JunitParser& operator=(const JunitParser&) = delete;

  // The first (and smallest) block fed to expat; tests and fuzzing lower it.
  void set_min_block(std::size_t bytes)
  {
    m_min_block = bytes;
  }

  // Feeds the document to expat block by block; read(dst, n) fills dst with
  // up to n bytes and returns how many (fewer only at the end). Both parse
  // functions use this one loop, so they see the same events.
  template<typename Read>
  JunitFileInfo run(Read&& read)
  {
    std::size_t block = m_min_block;
    std::uint64_t fed = 0;
    std::uint64_t pending = 0; // bytes of the token left incomplete by the last block
    for (;;) {
      void* buffer = XML_GetBuffer(m_parser, static_cast<int>(block));
      if (buffer == nullptr) {
        throw std::bad_alloc();
      }
      const std::size_t n = read(static_cast<char*>(buffer), block);
      const bool final = n < block;
      if (fed + n > m_max_file) {
        throw util::InputError(
          std::vector<util::Diagnostic>{{util::Severity::error,
                                         {m_path, 0, 0},
                                         fmt::format("the file is longer than {} bytes", m_max_file),
                                         util::limit_help("file-bytes")}});
      }
      if (m_stats != nullptr) {
        m_stats->bytes_fed += n;
        m_stats->bytes_scanned += pending + n;
        ++m_stats->feeds;
      }
      fed += n;
      const std::uint64_t events_before = m_events;
      if (XML_ParseBuffer(m_parser, static_cast<int>(n), final ? 1 : 0) == XML_STATUS_ERROR) {
        fail_parse();
      }
      if (final) {
        break;
      }
      const XML_Index at = XML_GetCurrentByteIndex(m_parser);
      pending = at >= 0 ? fed - static_cast<std::uint64_t>(at) : fed;
      if (pending > m_max_token) {
        // The same refusal as token_fits() would make once the token ends;
        // expat would otherwise buffer it whole.
        fail_here(token_message(), util::limit_help("token-bytes"));
      }
      if (m_events == events_before) {
        const std::uint64_t room = m_max_token + 1 - pending;
        block = static_cast<std::size_t>(
          std::max<std::uint64_t>(m_min_block, std::min<std::uint64_t>({2 * block, room, k_max_block})));
      } else {
        block = m_min_block;
      }
    }
    return m_info;
  }

private:
  std::string token_message() const
  {
    return fmt::format("an XML token (a tag with its attributes, a comment, a declaration) longer than {} bytes",
                       m_max_token);
  }

  [[noreturn]] void fail_at(int line, int column, std::string message, std::string help)
  {
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error, {m_path, line, column}, std::move(message), std::move(help)}});
  }

  // At expat's current position: the current event's start, or where
  // parsing stopped.
  [[noreturn]] void fail_here(std::string message, std::string help)
  {
    fail_at(static_cast<int>(XML_GetCurrentLineNumber(m_parser)),
            static_cast<int>(XML_GetCurrentColumnNumber(m_parser)) + 1,
            std::move(message),
            std::move(help));
  }

  // XML_ParseBuffer failed: a handler stopped it, or the XML is malformed.
  [[noreturn]] void fail_parse()
  {
    if (!m_error.empty()) {
      fail_at(m_error_line, m_error_column, m_error, m_help);
    }
    const XML_Error code = XML_GetErrorCode(m_parser);
    if (code == XML_ERROR_INVALID_TOKEN || code == XML_ERROR_PARTIAL_CHAR) {
      int offset = 0;
      int size = 0;
      const char* context = XML_GetInputContext(m_parser, &offset, &size);
      if (context != nullptr && offset >= 0 && offset < size) {
        const std::string_view rest(context + offset, static_cast<std::size_t>(size - offset));
        if (util::utf8_sequence_length(rest, 0) == 0) {
          fail_here(fmt::format("malformed XML: invalid UTF-8 at byte offset {} (byte 0x{:02X})",
                                XML_GetCurrentByteIndex(m_parser),
                                static_cast<unsigned>(static_cast<unsigned char>(rest[0]))),
                    "JUnit XML is UTF-8 unless it declares another encoding; the file is corrupt "
                    "or not text");
        }
      }
    }
    fail_here(fmt::format("malformed XML: {}", XML_ErrorString(code)),
              "the file is not well-formed XML; was it cut short?");
  }

  // Stops parsing with a refusal at the current event (or at line:column).
  void stop(std::string message, std::string help, int line = 0, int column = 0)
  {
    m_error = std::move(message);
    m_help = std::move(help);
    m_error_line = line != 0 ? line : static_cast<int>(XML_GetCurrentLineNumber(m_parser));
    m_error_column = line != 0 ? column : static_cast<int>(XML_GetCurrentColumnNumber(m_parser)) + 1;
    XML_StopParser(m_parser, XML_FALSE);
  }

  // Every event but text: counts it and checks its token's length.
  bool token_fits()
  {
    if (!m_error.empty()) {
      return false; // stopped: expat may still report the rest of a token
    }
    ++m_events;
    if (static_cast<std::uint64_t>(XML_GetCurrentByteCount(m_parser)) > m_max_token) {
      stop(token_message(), util::limit_help("token-bytes"));
      return false;
    }
    return true;
  }

  // A suite path or file attribute, copied into every case below it.
  bool inherited_fits(const char* what, std::size_t size)
  {
    if (size > k_max_inherited_bytes) {
      stop(fmt::format("{} of {} bytes: at most {} are accepted", what, size, k_max_inherited_bytes),
           "no real suite path or file name is that long; this file may be an attempt to make the "
           "ledger copy it into every test case");
      return false;
    }
    return true;
  }

  static void start_thunk(void* self, const XML_Char* name, const XML_Char** attrs)
  {
    static_cast<JunitParser*>(self)->start(name, Attributes{attrs});
  }
  static void end_thunk(void* self, const XML_Char* name)
  {
    static_cast<JunitParser*>(self)->end(name);
  }
  static void text_thunk(void* self, const XML_Char* text, int length)
  {
    static_cast<JunitParser*>(self)->text(text, length);
  }
  static void other_thunk(void* self, const XML_Char*, int)
  {
    static_cast<JunitParser*>(self)->token_fits();
  }
  static void entity_thunk(void* self,
                           const XML_Char* name,
                           int,
                           const XML_Char*,
                           int,
                           const XML_Char*,
                           const XML_Char*,
                           const XML_Char*,
                           const XML_Char*)
  {
    auto* parser = static_cast<JunitParser*>(self);
    if (parser->token_fits()) {
      parser->stop(
        fmt::format("the document declares the entity '{}': DTD entity declarations are refused", quoted(name)),
        "JUnit files never need entities; this file may be an XML external entity or "
        "entity-expansion attack");
    }
  }

  void start(const char* name, const Attributes& attrs)
  {
    if (!token_fits()) {
      return;
    }
    m_text_bytes = 0;
    if (++m_depth > m_max_depth) {
      stop(fmt::format("elements nested deeper than {} levels", m_max_depth), util::limit_help("depth"));
      return;
    }
    if (!m_seen_root) {
      m_seen_root = true;
      if (std::strcmp(name, "testsuites") != 0 && std::strcmp(name, "testsuite") != 0) {
        stop(fmt::format("not a JUnit XML file: the root element is <{}>", quoted(name)),
             "JUnit XML starts with <testsuites> or <testsuite>");
        return;
      }
    }
    if (std::strcmp(name, "testsuite") == 0) {
      start_suite(attrs);
      return;
    }
    if (std::strcmp(name, "testcase") == 0) {
      start_case(attrs);
      return;
    }
    if (!m_in_case) {
      return;
    }
    // Children of a test case that carry its outcome.
    std::optional<model::ResultStatus> outcome;
    if (std::strcmp(name, "failure") == 0 || std::strcmp(name, "rerunFailure") == 0) {
      outcome = model::ResultStatus::failed;
    } else if (std::strcmp(name, "error") == 0 || std::strcmp(name, "rerunError") == 0) {
      outcome = model::ResultStatus::error;
    } else if (std::strcmp(name, "skipped") == 0) {
      const char* type = attribute(attrs, "type");
      outcome = type != nullptr && std::strcmp(type, "pytest.xfail") == 0 ? model::ResultStatus::expected_failure
                                                                          : model::ResultStatus::skipped;
    } else if (std::strcmp(name, "flakyFailure") == 0 || std::strcmp(name, "flakyError") == 0) {
      outcome = model::ResultStatus::flaky;
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

  // The suite path is one buffer: a suite appends "/name" and its end cuts
  // it back, so nesting costs the names' length, not depth x path length.
  void start_suite(const Attributes& attrs)
  {
    const char* suite = attribute(attrs, "name");
    const char* file = attribute(attrs, "file");
    SuiteFrame frame{m_suite_path.size(), file != nullptr};
    if (m_suites.empty()) {
      m_outer_is_pytest = suite != nullptr && std::strcmp(suite, "pytest") == 0;
    } else {
      m_suite_path += '/';
    }
    if (suite != nullptr) {
      m_suite_path += suite;
    }
    m_suites.push_back(frame);
    if (!inherited_fits("a suite path (the enclosing suites' names joined with '/')", m_suite_path.size())) {
      return;
    }
    if (file != nullptr) {
      if (!inherited_fits("a file attribute", std::strlen(file))) {
        return;
      }
      m_suite_files.emplace_back(file);
    }
    if (!m_info.taken_at) {
      if (const char* ts = attribute(attrs, "timestamp")) {
        m_info.taken_at = model::Timestamp::parse(ts);
      }
    }
  }

  void end_suite()
  {
    const SuiteFrame frame = m_suites.back();
    m_suites.pop_back();
    m_suite_path.resize(frame.path_size);
    if (frame.has_file) {
      m_suite_files.pop_back();
    }
  }

  void start_case(const Attributes& attrs)
  {
    if (m_in_case) {
      stop("a <testcase> inside another <testcase>", "JUnit test cases do not nest");
      return;
    }
    m_in_case = true;
    m_case_depth = m_depth;
    // Reset in place: the strings keep their capacity from case to case.
    m_case.suite = m_suite_path;
    m_case.outcome = model::ResultStatus::passed;
    m_case.message.clear();
    const CaseAttributes a(attrs);
    m_case.name = a.name != nullptr ? a.name : "";
    m_case.classname = a.classname != nullptr ? a.classname : "";
    if (a.file != nullptr) {
      if (!inherited_fits("a file attribute", std::strlen(a.file))) {
        return;
      }
      m_case.file = a.file;
    } else {
      m_case.file = m_suite_files.empty() ? "" : m_suite_files.back();
    }
    if (m_case.file.empty() && m_outer_is_pytest) {
      m_case.file = pytest_file_from_classname(m_case.classname);
    }
    m_case.duration = parse_seconds(a.time);
    // Outcomes carried on attributes: GoogleTest result="skipped"/"suppressed",
    // status="notrun"; CTest status="disabled"/"notrun".
    const char* result = a.result;
    const char* status = a.status;
    if ((result != nullptr && (std::strcmp(result, "skipped") == 0 || std::strcmp(result, "suppressed") == 0))
        || (status != nullptr && (std::strcmp(status, "notrun") == 0 || std::strcmp(status, "disabled") == 0))) {
      raise(model::ResultStatus::skipped);
    }
  }

  void end(const char* name)
  {
    if (!token_fits()) {
      return;
    }
    m_text_bytes = 0;
    if (m_in_case && m_depth == m_case_depth && std::strcmp(name, "testcase") == 0) {
      m_in_case = false;
      m_collect_text = false;
      m_case.message = cap_message(std::move(m_case.message));
      m_info.totals.add(m_case.outcome);
      m_on_case(m_case);
    } else if (std::strcmp(name, "testsuite") == 0 && !m_suites.empty()) {
      end_suite();
    } else if (m_collect_text
               && (std::strcmp(name, "failure") == 0 || std::strcmp(name, "error") == 0
                   || std::strcmp(name, "skipped") == 0)) {
      m_collect_text = false;
    }
    --m_depth;
  }

  // Text arrives in pieces (at line ends, references and block ends, which
  // differ with the blocks): its length is counted over the pieces between
  // two tags, and refused where it starts.
  void text(const char* data, int length)
  {
    if (!m_error.empty()) {
      return;
    }
    ++m_events;
    if (m_text_bytes == 0) {
      m_text_line = static_cast<int>(XML_GetCurrentLineNumber(m_parser));
      m_text_column = static_cast<int>(XML_GetCurrentColumnNumber(m_parser)) + 1;
    }
    const auto size = static_cast<std::size_t>(length);
    m_text_bytes += size;
    if (m_text_bytes > m_max_token) {
      stop(fmt::format("the text of an element is longer than {} bytes", m_max_token),
           util::limit_help("token-bytes"),
           m_text_line,
           m_text_column);
      return;
    }
    // One byte past the cap tells cap_message to cut (on a UTF-8 boundary).
    if (m_collect_text && m_case.message.size() <= k_max_message_bytes) {
      m_case.message.append(data, std::min(size, k_max_message_bytes + 1 - m_case.message.size()));
    }
  }

  void raise(model::ResultStatus outcome)
  {
    if (severity(outcome) > severity(m_case.outcome)) {
      m_case.outcome = outcome;
    }
  }

  struct SuiteFrame
  {
    std::size_t path_size = 0; // m_suite_path's size before this suite
    bool has_file = false;     // pushed a file onto m_suite_files
  };

  std::string m_path;
  const std::function<void(const TestCaseRecord&)>& m_on_case;
  JunitParseStats* m_stats;
  XML_Parser m_parser;
  std::uint64_t m_max_depth;
  std::uint64_t m_max_token;
  std::uint64_t m_max_file;
  JunitFileInfo m_info;
  std::vector<SuiteFrame> m_suites;
  std::string m_suite_path;               // the enclosing suites' names joined with '/'
  std::vector<std::string> m_suite_files; // the `file` attributes of enclosing suites
  bool m_outer_is_pytest = false;
  TestCaseRecord m_case;
  bool m_seen_root = false;
  bool m_in_case = false;
  bool m_collect_text = false;
  std::uint64_t m_depth = 0;
  std::uint64_t m_case_depth = 0;
  std::uint64_t m_events = 0;
  std::size_t m_min_block = k_min_block;
  std::uint64_t m_text_bytes = 0; // since the last tag
  int m_text_line = 0;
  int m_text_column = 0;
  std::string m_error;
  std::string m_help;
  int m_error_line = 0;
  int m_error_column = 0;
};

} // namespace

JunitFileInfo
parse_junit_buffer(std::string_view text,
                   const std::string& display_path,
                   const std::function<void(const TestCaseRecord&)>& on_case,
                   JunitParseStats* stats)
{
  JunitParser parser(display_path, on_case, stats);
  std::size_t offset = 0;
  return parser.run([&](char* out, std::size_t n) {
    const std::size_t count = std::min(n, text.size() - offset);
    std::memcpy(out, text.data() + offset, count);
    offset += count;
    return count;
  });
}

JunitFileInfo
parse_junit(std::istream& in,
            const std::string& display_path,
            const std::function<void(const TestCaseRecord&)>& on_case,
            JunitParseStats* stats)
{
  JunitParser parser(display_path, on_case, stats);
  return parser.run([&](char* out, std::size_t n) {
    in.read(out, static_cast<std::streamsize>(n));
    if (in.bad()) {
      throw util::StoreError(fmt::format("cannot read {}", display_path));
    }
    return static_cast<std::size_t>(in.gcount());
  });
}

JunitFileInfo
parse_junit_blocks(std::istream& in,
                   const std::string& display_path,
                   const std::function<void(const TestCaseRecord&)>& on_case,
                   std::size_t block_bytes)
{
  JunitParser parser(display_path, on_case, nullptr);
  parser.set_min_block(block_bytes == 0 ? 1 : block_bytes);
  return parser.run([&](char* out, std::size_t n) {
    in.read(out, static_cast<std::streamsize>(n));
    if (in.bad()) {
      throw util::StoreError(fmt::format("cannot read {}", display_path));
    }
    return static_cast<std::size_t>(in.gcount());
  });
}

} // namespace rl::evidence
