#include "app/closeout_edits.hpp"

#include "model/id_patterns.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

namespace rl::app {

namespace {

// `id` with its last number one higher, keeping its width: D09 -> D10,
// M04-V01 -> M04-V02, D99 -> D100; "" when it has no digit.
std::string
next_id(const std::string& id)
{
  const std::size_t last = id.find_last_of("0123456789");
  if (last == std::string::npos) {
    return {};
  }
  std::size_t first = last;
  while (first > 0 && id[first - 1] >= '0' && id[first - 1] <= '9') {
    --first;
  }
  std::string digits = id.substr(first, last - first + 1);
  std::size_t k = digits.size();
  while (k > 0 && digits[k - 1] == '9') {
    digits[--k] = '0';
  }
  if (k == 0) {
    digits.insert(digits.begin(), '1');
  } else {
    ++digits[k - 1];
  }
  return id.substr(0, first) + digits + id.substr(last + 1);
}

// A YAML double-quoted scalar: a JSON string is one.
std::string
quoted(const std::string& text)
{
  return nlohmann::json(text).dump();
}

// One file's lines and the edits to make in them, applied bottom up so that
// line numbers stay valid.
class TextEdit
{
public:
  TextEdit(std::string path, const std::string& text)
    : m_path(std::move(path))
  {
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      m_lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? text.size() : end + 1;
    }
  }

  std::size_t size() const
  {
    return m_lines.size();
  }
  const std::string& line(std::size_t i) const
  {
    return m_lines.at(i);
  }

  // The line before which to add lines that end the block starting at
  // `first` and ending before `end`: blank and comment lines at its end
  // belong to what follows.
  std::size_t block_end(std::size_t first, std::size_t end) const
  {
    while (end > first + 1) {
      const std::string& l = m_lines[end - 1];
      const std::size_t c = l.find_first_not_of(' ');
      if (c != std::string::npos && l[c] != '#') {
        break;
      }
      --end;
    }
    return end;
  }

  void insert(std::size_t before, std::vector<std::string> lines)
  {
    m_inserts[before].push_back(std::move(lines));
  }

  // Replaces the token (up to a space or '#') at `column` of line `at` by `text`.
  void replace_token(std::size_t at, std::size_t column, const std::string& text)
  {
    std::string& l = m_lines.at(at);
    std::size_t end = column;
    while (end < l.size() && l[end] != ' ' && l[end] != '#') {
      ++end;
    }
    l.replace(column, end - column, text);
  }

  std::string text() const
  {
    std::string out;
    for (std::size_t i = 0; i <= m_lines.size(); ++i) {
      if (const auto it = m_inserts.find(i); it != m_inserts.end()) {
        for (const auto& block : it->second) {
          for (const std::string& l : block) {
            out += l + '\n';
          }
        }
      }
      if (i < m_lines.size()) {
        out += m_lines[i] + '\n';
      }
    }
    return out;
  }

  util::SourceLocation at(const YAML::Mark& mark) const
  {
    return {m_path, mark.line + 1, mark.column + 1};
  }

private:
  std::string m_path;
  std::vector<std::string> m_lines;
  std::map<std::size_t, std::vector<std::vector<std::string>>> m_inserts;
};

// The entry of the list `key` (deferrals, risks) with `id`, and the line
// where the next entry starts (or the end of the file).
struct Entry
{
  YAML::Node node;
  std::size_t first = 0; // its first line
  std::size_t end = 0;   // one past its last line
};

std::optional<Entry>
find_entry(const YAML::Node& root, const char* key, const std::string& id, const TextEdit& file)
{
  const YAML::Node list = root[key];
  if (!list || !list.IsSequence()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    if (item.IsMap() && item["id"] && item["id"].IsScalar() && item["id"].Scalar() == id) {
      Entry e{item, static_cast<std::size_t>(item.Mark().line), file.size()};
      if (i + 1 < list.size()) {
        e.end = static_cast<std::size_t>(list[i + 1].Mark().line);
      }
      e.end = file.block_end(e.first, e.end);
      return e;
    }
  }
  return std::nullopt;
}

// Sets the entry's `status:` to `status` and appends `event` (a flow mapping)
// to its `history:` list.
void
update_entry(TextEdit& file, const Entry& e, const std::string& status, const std::string& event)
{
  const std::string indent(static_cast<std::size_t>(e.node.Mark().column), ' ');
  std::vector<std::string> at_end;
  if (const YAML::Node s = e.node["status"]) {
    file.replace_token(s.Mark().line, s.Mark().column, status);
  } else {
    at_end.push_back(indent + "status: " + status);
  }
  const YAML::Node history = e.node["history"];
  if (!history) {
    at_end.push_back(indent + "history:");
    at_end.push_back(indent + "  - " + event);
    file.insert(e.end, at_end);
    return;
  }
  if (!at_end.empty()) {
    file.insert(e.end, at_end);
  }
  if (!history.IsSequence() || history.Style() == YAML::EmitterStyle::Flow) {
    throw util::InputError({{util::Severity::error,
                             file.at(history.Mark()),
                             "close cannot add to a history written as a flow list ([...])",
                             "write the history as a block list (one '- ' item per line), or make this "
                             "closeout edit by hand"}});
  }
  // The history ends where the next key of the entry starts, else with it.
  std::size_t end = e.end;
  bool after = false;
  for (const auto& kv : e.node) {
    if (after) {
      end = std::min(end, static_cast<std::size_t>(kv.first.Mark().line));
      break;
    }
    after = kv.first.Scalar() == "history";
  }
  end = file.block_end(static_cast<std::size_t>(history.Mark().line), end);
  const std::string item_indent(static_cast<std::size_t>(history.Mark().column), ' ');
  file.insert(end, {item_indent + "- " + event});
}

struct YamlFile
{
  TextEdit edit;
  YAML::Node root;
};

YamlFile
open_yaml(const std::filesystem::path& root, const std::string& path)
{
  const std::string text = util::read_text(root / path);
  try {
    return {TextEdit(path, text), YAML::Load(text)};
  } catch (const YAML::Exception& e) {
    throw util::InputError({{util::Severity::error,
                             {path, e.mark.line + 1, e.mark.column + 1},
                             "cannot apply the closeout edits: " + e.msg,
                             "fix the file first (refactor-ledger validate)"}});
  }
}

} // namespace

std::vector<FileWrite>
closeout_edits(const std::filesystem::path& root,
               const model::Definitions& d,
               const std::string& milestone,
               const std::string& date,
               const CloseoutEdits& edits)
{
  if (edits.defer.size() != edits.defer_to.size()) {
    throw util::UsageError("each --defer WHAT needs its --to TARGET (a milestone id or free text), in the same "
                           "order: close M05 --defer \"Pin the remaining actions\" --to M06");
  }
  const std::string note = fmt::format("closeout of {}", milestone);
  std::map<std::string, YamlFile> files; // by path
  auto file_of = [&](const std::string& path) -> YamlFile& {
    auto it = files.find(path);
    if (it == files.end()) {
      it = files.emplace(path, open_yaml(root, path)).first;
    }
    return it->second;
  };
  // --resolve D06 and --mitigate I03: the entry's status changes and its
  // history gains the event.
  auto settle = [&](const auto& list,
                    const std::vector<std::string>& ids,
                    std::string_view option,
                    std::string_view kind,
                    auto is_open,
                    std::string_view open_word,
                    std::string_view new_status,
                    std::string_view event_key) {
    std::set<std::string> seen;
    std::vector<decltype(list.begin())> entries;
    for (const std::string& id : ids) { // every id checked before any file is read
      const auto x = std::find_if(list.begin(), list.end(), [&](const auto& y) { return y.id == id; });
      if (x == list.end()) {
        throw util::UsageError(fmt::format("{} {}: no such {}", option, id, kind));
      }
      if (!seen.insert(id).second) {
        throw util::UsageError(fmt::format("{} {}: given twice; name each {} once", option, id, kind));
      }
      if (!is_open(*x)) {
        throw util::UsageError(
          fmt::format("{} {}: the {} is {}, not {}", option, id, kind, model::to_string(x->status), open_word));
      }
      entries.push_back(x);
    }
    for (const auto& x : entries) {
      const std::string& id = x->id;
      YamlFile& f = file_of(x->origin.path);
      const std::string list_key = fmt::format("{}s", kind);
      const std::optional<Entry> e = find_entry(f.root, list_key.c_str(), id, f.edit);
      if (!e) {
        throw util::InputError(
          fmt::format("{}: {} {} is not an entry of its {}: list", x->origin.path, kind, id, list_key),
          "make this closeout edit by hand");
      }
      update_entry(
        f.edit,
        *e,
        std::string(new_status),
        fmt::format(
          "{{date: \"{}\", {}: {}, milestone: {}, note: {}}}", date, event_key, new_status, milestone, quoted(note)));
    }
  };
  settle(
    d.deferrals,
    edits.resolve,
    "--resolve",
    "deferral",
    [](const model::Deferral& x) { return x.status == model::DeferralStatus::open; },
    "open",
    "resolved",
    "event");
  settle(
    d.risks,
    edits.mitigate,
    "--mitigate",
    "risk",
    [](const model::Risk& x) { return x.status == model::RiskStatus::active; },
    "active",
    "mitigated",
    "status");
  if (!edits.defer.empty()) {
    if (d.deferrals.empty()) {
      throw util::UsageError("--defer adds to the program's deferrals file, and it has none: create "
                             "milestones/deferrals.yaml with a first entry by hand");
    }
    // New ids continue the highest one in program order: D15 -> D16, M04-V09 -> M04-V10.
    const model::IdPatterns patterns(d.program.ids);
    std::set<std::string> taken;
    const model::Deferral* highest = nullptr;
    for (const model::Deferral& x : d.deferrals) {
      taken.insert(x.id);
      if (highest == nullptr || model::natural_less(highest->id, x.id)) {
        highest = &x;
      }
    }
    std::vector<std::string> new_ids;
    std::string previous = highest->id;
    for (std::size_t i = 0; i < edits.defer.size(); ++i) {
      std::string id = next_id(previous);
      if (id.empty() || taken.contains(id) || !patterns.valid(model::IdKind::deferral, id)) {
        throw util::UsageError(fmt::format(
          "--defer: cannot tell the id after {} ({}); add the deferral to {} by hand",
          previous,
          id.empty()
            ? "it has no number to count on"
            : fmt::format("{} is not {}", id, taken.contains(id) ? "free" : patterns.describe(model::IdKind::deferral)),
          d.deferrals.back().origin.path));
      }
      taken.insert(id);
      new_ids.push_back(id);
      previous = std::move(id);
    }
    const std::string& path = d.deferrals.back().origin.path;
    YamlFile& f = file_of(path);
    const std::optional<Entry> last = find_entry(f.root, "deferrals", d.deferrals.back().id, f.edit);
    if (!last) {
      throw util::InputError(fmt::format("{}: its deferrals: list cannot be extended in place", path),
                             "add the deferral by hand");
    }
    const std::string indent(static_cast<std::size_t>(last->node.Mark().column), ' ');
    const std::string dash = indent.substr(0, indent.size() >= 2 ? indent.size() - 2 : 0) + "- ";
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < edits.defer.size(); ++i) {
      const std::string& id = new_ids[i];
      lines.push_back(fmt::format("{}id: {}", dash, id));
      lines.push_back(fmt::format("{}what: {}", indent, quoted(edits.defer[i])));
      lines.push_back(fmt::format("{}discovered_in: {}", indent, milestone));
      lines.push_back(fmt::format("{}deferred_to: {}", indent, quoted(edits.defer_to[i])));
      lines.push_back(indent + "status: open");
      lines.push_back(indent + "history:");
      lines.push_back(
        indent
        + fmt::format("  - {{date: \"{}\", event: opened, milestone: {}, note: {}}}", date, milestone, quoted(note)));
    }
    f.edit.insert(last->end, lines);
  }
  std::vector<FileWrite> out;
  out.reserve(files.size());
  for (const auto& [path, f] : files) {
    out.push_back({path, f.edit.text()});
  }
  return out;
}

} // namespace rl::app
