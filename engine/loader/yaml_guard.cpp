#include "loader/yaml_guard.hpp"

#include "util/limits.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace rl::loader {

namespace {

struct Refusal
{
  YAML::Mark mark;
  std::string message;
  std::string help;
};

// Counts, for every node, the nodes it stands for once its aliases are
// expanded (saturating), without expanding anything.
class BoundsHandler : public YAML::EventHandler
{
public:
  void OnDocumentStart(const YAML::Mark&) override
  {
  }
  void OnDocumentEnd() override
  {
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    leaf(mark, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    if (std::find(m_open_anchors.begin(), m_open_anchors.end(), anchor) != m_open_anchors.end()) {
      throw Refusal{mark,
                    "this alias refers to a node that contains it (a cycle)",
                    "replace the alias with the value it should have"};
    }
    const auto it = m_sizes.find(anchor);
    const std::uint64_t size = it == m_sizes.end() ? 1 : it->second;
    m_expanded = add(m_expanded, size);
    if (m_expanded > util::limits().yaml_aliases) {
      throw Refusal{
        mark,
        fmt::format("aliases in this file expand to more than {} nodes (an alias bomb?)", util::limits().yaml_aliases),
        util::limit_help("yaml-aliases")};
    }
    add_to_parent(size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override
  {
    if (value.size() > util::limits().token_bytes) {
      throw Refusal{mark,
                    fmt::format("a scalar of {} bytes, longer than {} bytes", value.size(), util::limits().token_bytes),
                    util::limit_help("token-bytes")};
    }
    // Escapes in double-quoted scalars ("\ud800") can make what the file
    // does not contain: a value that is not UTF-8.
    if (const auto problem = util::check_text(value, false)) {
      throw Refusal{mark,
                    fmt::format("this scalar's value is not valid UTF-8 ({})", problem->what),
                    "check the escapes in this double-quoted string (a lone surrogate such as "
                    "\\ud800 is not a character)"};
    }
    leaf(mark, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark,
                       const std::string&,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override
  {
    open(mark, anchor);
  }
  void OnSequenceEnd() override
  {
    close();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
  {
    open(mark, anchor);
  }
  void OnMapEnd() override
  {
    close();
  }

private:
  struct Frame
  {
    YAML::anchor_t anchor;
    std::uint64_t size;
  };

  static std::uint64_t add(std::uint64_t a, std::uint64_t b)
  {
    const std::uint64_t sum = a + b;
    return sum < a ? UINT64_MAX : sum;
  }

  void add_to_parent(std::uint64_t size)
  {
    if (!m_stack.empty()) {
      m_stack.back().size = add(m_stack.back().size, size);
    }
  }

  void leaf(const YAML::Mark&, YAML::anchor_t anchor)
  {
    if (anchor != YAML::NullAnchor) {
      m_sizes[anchor] = 1;
    }
    add_to_parent(1);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor)
  {
    if (m_stack.size() >= util::limits().depth) {
      throw Refusal{
        mark, fmt::format("nesting deeper than {} levels", util::limits().depth), util::limit_help("depth")};
    }
    m_stack.push_back({anchor, 1});
    if (anchor != YAML::NullAnchor) {
      m_open_anchors.push_back(anchor);
    }
  }

  void close()
  {
    const Frame frame = m_stack.back();
    m_stack.pop_back();
    if (frame.anchor != YAML::NullAnchor) {
      m_sizes[frame.anchor] = frame.size;
      m_open_anchors.erase(std::find(m_open_anchors.begin(), m_open_anchors.end(), frame.anchor));
    }
    add_to_parent(frame.size);
  }

  std::vector<Frame> m_stack;
  std::vector<YAML::anchor_t> m_open_anchors;
  std::unordered_map<YAML::anchor_t, std::uint64_t> m_sizes;
  std::uint64_t m_expanded = 0;
};

} // namespace

bool
check_yaml_bounds(const SourceText& source, util::DiagnosticSink& sink)
{
  if (const auto problem = util::check_text(source.text, true)) {
    sink.error({source.path, static_cast<int>(problem->line), static_cast<int>(problem->column)},
               fmt::format("{}: a YAML file must be UTF-8 text without control characters", problem->what),
               "save the file as UTF-8; write a control character as an escape in a "
               "double-quoted string (\"\\e\", \"\\x07\") if it is really meant");
    return false;
  }
  // Without an anchor ('&') there is no alias to expand, and a file no longer
  // than token-bytes has no longer scalar: the event pass (as costly as the
  // parse itself) is needed only otherwise; depth is then checked on the
  // loaded tree (check_yaml_depth).
  if (source.text.find('&') == std::string::npos && source.text.size() <= util::limits().token_bytes) {
    return true;
  }
  std::istringstream in(source.text);
  BoundsHandler handler;
  try {
    // The first document only: YAML::Load reads no other, and yaml-cpp 0.7's
    // parser can loop forever on the garbage after it (a fuzzer finding).
    YAML::Parser parser(in);
    parser.HandleNextDocument(handler);
  } catch (const Refusal& r) {
    sink.error({source.path, r.mark.line + 1, r.mark.column + 1}, r.message, r.help);
    return false;
  } catch (const YAML::Exception&) {
    return true; // a syntax error: YAML::Load reports it with its position
  }
  return true;
}

bool
check_yaml_depth(const std::string& path, const YAML::Node& root, util::DiagnosticSink& sink)
{
  const std::uint64_t limit = util::limits().depth;
  std::vector<std::pair<YAML::Node, std::uint64_t>> stack;
  stack.emplace_back(root, 0);
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node.IsMap() && !node.IsSequence()) {
      continue;
    }
    if (depth >= limit) {
      const YAML::Mark mark = node.Mark();
      sink.error({path, mark.line + 1, mark.column + 1},
                 fmt::format("nesting deeper than {} levels", limit),
                 util::limit_help("depth"));
      return false;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (node.IsMap()) {
        stack.emplace_back(it->first, depth + 1);
        stack.emplace_back(it->second, depth + 1);
      } else {
        stack.emplace_back(*it, depth + 1);
      }
    }
  }
  return true;
}

} // namespace rl::loader
