#include "evidence/ci_run.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <regex>

namespace rl::evidence {

namespace {

using nlohmann::json;

const std::vector<std::string> k_conclusions{"",
                                             "success",
                                             "failure",
                                             "cancelled",
                                             "skipped",
                                             "timed_out",
                                             "neutral",
                                             "action_required",
                                             "stale",
                                             "startup_failure"};

std::string
string_field(const json& object, std::initializer_list<const char*> names)
{
  for (const char* name : names) {
    const auto it = object.find(name);
    if (it != object.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return {};
}

std::optional<std::int64_t>
integer_field(const json& object, std::initializer_list<const char*> names)
{
  for (const char* name : names) {
    const auto it = object.find(name);
    if (it != object.end() && it->is_number_integer()) {
      return it->get<std::int64_t>();
    }
  }
  return std::nullopt;
}

std::string
time_field(const json& object, std::initializer_list<const char*> names)
{
  const std::string text = string_field(object, names);
  if (text.empty() || text.rfind("0001-01-01", 0) == 0) { // gh prints the zero time for "never"
    return {};
  }
  return normalize_time(text).value_or(std::string());
}

// "https://github.com/o/r/actions/runs/123[/job/456]" -> "o/r"
std::string
repository_from_url(const std::string& url)
{
  static const std::regex k_url(R"(https?://[^/]+/([^/]+/[^/]+)/actions/runs/\d+.*)");
  std::smatch m;
  if (std::regex_match(url, m, k_url)) {
    return m[1].str();
  }
  return {};
}

class DocumentReader
{
public:
  DocumentReader(const std::string& path, const std::string& repository)
    : m_path(path),
      m_repository(repository)
  {
  }

  [[noreturn]] void
  fail(const std::string& message, const std::string& help) const
  {
    throw util::InputError(
      std::vector<util::Diagnostic>{{util::Severity::error, {m_path, 0, 0}, message, help}});
  }

  std::string
  conclusion(const json& object) const
  {
    std::string value = string_field(object, {"conclusion"});
    std::transform(value.begin(), value.end(), value.begin(), [](char c) {
      return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    if (std::find(k_conclusions.begin(), k_conclusions.end(), value) == k_conclusions.end()) {
      fail(fmt::format("unknown CI conclusion '{}'", value),
           "GitHub conclusions: success, failure, cancelled, skipped, timed_out, neutral, "
           "action_required, stale, startup_failure");
    }
    return value;
  }

  CiJobRecord
  job(const json& j) const
  {
    CiJobRecord out;
    out.id = integer_field(j, {"id", "databaseId"}).value_or(0);
    out.name = string_field(j, {"name"});
    out.status = string_field(j, {"status"});
    out.conclusion = conclusion(j);
    out.started_at = time_field(j, {"started_at", "startedAt"});
    out.completed_at = time_field(j, {"completed_at", "completedAt"});
    json steps = json::array();
    if (const auto it = j.find("steps"); it != j.end() && it->is_array()) {
      for (const json& s : *it) {
        steps.push_back({{"name", string_field(s, {"name"})},
                         {"number", integer_field(s, {"number"}).value_or(0)},
                         {"status", string_field(s, {"status"})},
                         {"conclusion", string_field(s, {"conclusion"})}});
      }
    }
    out.steps_json = steps.dump();
    return out;
  }

  CiRunRecord
  run(const json& j) const
  {
    CiRunRecord out;
    const auto id = integer_field(j, {"id", "databaseId"});
    if (!id) {
      fail("a workflow run without an id",
           "pass the REST run object or `gh run view --json databaseId,...` output");
    }
    out.run_id = *id;
    out.attempt = integer_field(j, {"run_attempt", "attempt"}).value_or(1);
    out.workflow_name = string_field(j, {"name", "workflowName"});
    out.workflow_path = string_field(j, {"path"});
    if (const auto at = out.workflow_path.find('@'); at != std::string::npos) {
      out.workflow_path.resize(at);
    }
    out.head_sha = string_field(j, {"head_sha", "headSha"});
    out.head_branch = string_field(j, {"head_branch", "headBranch"});
    out.event = string_field(j, {"event"});
    out.status = string_field(j, {"status"});
    out.conclusion = conclusion(j);
    out.created_at = time_field(j, {"created_at", "createdAt", "run_started_at", "startedAt"});
    out.updated_at = time_field(j, {"updated_at", "updatedAt"});
    out.url = string_field(j, {"html_url", "url"});
    if (const auto repo = j.find("repository"); repo != j.end() && repo->is_object()) {
      out.repository = string_field(*repo, {"full_name", "nameWithOwner"});
    }
    if (out.repository.empty()) {
      out.repository = repository_from_url(out.url);
    }
    if (out.repository.empty()) {
      out.repository = m_repository;
    }
    if (out.repository.empty()) {
      fail(fmt::format("run {} does not say its repository", out.run_id),
           "pass --repo OWNER/NAME, or include the url field (gh run view --json url,...)");
    }
    if (out.created_at.empty() && out.updated_at.empty()) {
      fail(fmt::format("run {} has no created_at/updatedAt time", out.run_id),
           "include createdAt and updatedAt (gh) or pass the REST run object");
    }
    if (const auto jobs = j.find("jobs"); jobs != j.end() && jobs->is_array()) {
      out.has_jobs = true;
      for (const json& job_json : *jobs) {
        out.jobs.push_back(job(job_json));
      }
    }
    return out;
  }

  CiDocument
  read(const json& doc) const
  {
    CiDocument out;
    if (doc.is_array()) { // gh run list --json
      for (const json& item : doc) {
        out.runs.push_back(run(item));
      }
    } else if (!doc.is_object()) {
      fail("not a GitHub Actions document: expected a JSON object or array",
           "pass a workflow run (REST or gh --json), a run list or a jobs document");
    } else if (const auto runs = doc.find("workflow_runs"); runs != doc.end()) {
      for (const json& item : *runs) {
        out.runs.push_back(run(item));
      }
    } else if (const auto jobs = doc.find("jobs"); jobs != doc.end() && !doc.contains("id")
                                                   && !doc.contains("databaseId")) {
      std::map<std::pair<std::int64_t, std::int64_t>, CiDocument::Jobs> by_run;
      for (const json& item : *jobs) {
        const auto run_id = integer_field(item, {"run_id"});
        if (!run_id) {
          fail("a job without run_id", "pass the REST jobs document (.../runs/{id}/jobs)");
        }
        const std::int64_t attempt = integer_field(item, {"run_attempt"}).value_or(1);
        auto& entry = by_run[{*run_id, attempt}];
        entry.run_id = *run_id;
        entry.attempt = attempt;
        entry.repository = repository_from_url(string_field(item, {"html_url", "run_url"}));
        if (entry.repository.empty()) {
          entry.repository = m_repository;
        }
        entry.jobs.push_back(job(item));
      }
      for (auto& [key, entry] : by_run) {
        out.job_lists.push_back(std::move(entry));
      }
    } else if (doc.contains("id") || doc.contains("databaseId")) {
      out.runs.push_back(run(doc));
    } else {
      fail("not a GitHub Actions document: no run id, workflow_runs or jobs",
           "pass a workflow run (REST or gh --json), a run list or a jobs document");
    }
    return out;
  }

private:
  std::string m_path;
  std::string m_repository;
};

} // namespace

CiDocument
parse_github_document(const std::string& text,
                      const std::string& display_path,
                      const std::string& repository)
{
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based offset of the error; turn it into line:col.
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string message = e.what();
    if (const auto pos = message.find("syntax error"); pos != std::string::npos) {
      message = message.substr(pos);
    }
    throw util::InputError(std::vector<util::Diagnostic>{
      {util::Severity::error, {display_path, line, column}, "invalid JSON: " + message, "fix the JSON"}});
  }
  return DocumentReader(display_path, repository).read(doc);
}

} // namespace rl::evidence
