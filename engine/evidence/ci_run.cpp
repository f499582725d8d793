#include "evidence/ci_run.hpp"

#include "evidence/input_text.hpp"
#include "evidence/json_access.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace rl::evidence {

namespace {

using nlohmann::json;

// One time field; nullopt when absent, null or gh's zero time.
std::optional<model::Timestamp>
time_value(const JsonNode& object, std::string_view name)
{
  const std::optional<std::string> text = object.string_member(name);
  if (!text) {
    return std::nullopt;
  }
  if (text->empty() || text->rfind("0001-01-01", 0) == 0) { // gh prints the zero time for "never"
    return std::nullopt;
  }
  // A time is ~30 bytes; a longer string is refused as such, with its length,
  // rather than quoted as "not a time".
  constexpr std::size_t k_max_time_bytes = 64;
  if (text->size() > k_max_time_bytes) {
    object.fail_member(name,
                       fmt::format("a time of {} bytes ('{}')", text->size(), printable(*text, 40)),
                       "GitHub writes times as ISO 8601, e.g. 2026-02-08T07:50:00Z");
  }
  if (const std::optional<model::Timestamp> time = model::Timestamp::parse(*text)) {
    return time;
  }
  object.fail_member(name,
                     fmt::format("'{}' is not a time", printable(*text)),
                     "GitHub writes times as ISO 8601, e.g. 2026-02-08T07:50:00Z");
}

// The first of `names` present; every one present must be a time.
std::optional<model::Timestamp>
time_field(const JsonNode& object, std::initializer_list<std::string_view> names)
{
  std::optional<std::optional<model::Timestamp>> first;
  for (const std::string_view name : names) {
    const std::optional<model::Timestamp> time = time_value(object, name);
    if (!first && object.member(name)) {
      first = time;
    }
  }
  return first.value_or(std::nullopt);
}

// "https://github.com/o/r/actions/runs/123[/job/456]" or
// "https://api.github.com/repos/o/r/actions/runs/123" -> "o/r"; "" otherwise.
// (Parsed by hand: std::regex recurses per character and overflows the stack
// on a long URL.)
std::string
repository_from_url(std::string_view url)
{
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (url.substr(0, scheme.size()) == scheme) {
      url.remove_prefix(scheme.size());
      const std::size_t host_end = url.find('/');
      if (host_end == 0 || host_end == std::string_view::npos) {
        return {};
      }
      url.remove_prefix(host_end + 1);
      const std::size_t runs = url.find("/actions/runs/");
      if (runs == std::string_view::npos) {
        return {};
      }
      std::string_view repository = url.substr(0, runs);
      const std::string_view rest = url.substr(runs + 14);
      if (rest.empty() || rest.front() < '0' || rest.front() > '9') {
        return {};
      }
      if (repository.substr(0, 6) == "repos/" && std::count(repository.begin(), repository.end(), '/') == 2) {
        repository.remove_prefix(6);
      }
      const std::size_t slash = repository.find('/');
      if (slash == 0 || slash == std::string_view::npos || slash + 1 == repository.size()
          || repository.find('/', slash + 1) != std::string_view::npos) {
        return {};
      }
      return std::string(repository);
    }
  }
  return {};
}

const char* const k_document_help = "pass a workflow run (REST or gh --json), a run list or a jobs document";

class DocumentReader
{
public:
  DocumentReader(const std::string& path, const std::string& repository)
    : m_path(path)
    , m_repository(repository)
  {
  }

  // nullopt while not completed (null, absent or ""); gh writes upper case.
  std::optional<model::CiConclusion> conclusion(const JsonNode& object) const
  {
    std::string value = object.string_member("conclusion").value_or("");
    if (value.empty()) {
      return std::nullopt;
    }
    std::transform(value.begin(), value.end(), value.begin(), [](char c) {
      return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    const std::optional<model::CiConclusion> known = model::parse_enum<model::CiConclusion>(value);
    if (!known) {
      object.fail_member("conclusion",
                         fmt::format("unknown CI conclusion '{}'", printable(value)),
                         "GitHub conclusions: " + model::allowed_values<model::CiConclusion>());
    }
    return known;
  }

  CiJobRecord job(const JsonNode& j) const
  {
    j.require_object("a job");
    CiJobRecord out;
    out.id = j.integer_member({"id", "databaseId"}, 0).value_or(0);
    out.name = j.string_member("name").value_or("");
    out.status = j.string_member("status").value_or("");
    out.conclusion = conclusion(j);
    out.started_at = time_field(j, {"started_at", "startedAt"});
    out.completed_at = time_field(j, {"completed_at", "completedAt"});
    json steps = json::array();
    if (const auto list = j.array_member("steps")) {
      for (const JsonNode& s : *list) {
        s.require_object("a step");
        steps.push_back({{"name", s.string_member("name").value_or("")},
                         {"number", s.integer_member("number", 0).value_or(0)},
                         {"status", s.string_member("status").value_or("")},
                         {"conclusion", s.string_member("conclusion").value_or("")}});
      }
    }
    out.steps_json = steps.dump();
    return out;
  }

  CiRunRecord run(const JsonNode& j) const
  {
    j.require_object("a workflow run");
    CiRunRecord out;
    const auto id = j.integer_member({"id", "databaseId"}, 0);
    if (!id) {
      j.fail("a workflow run without an id", "pass the REST run object or `gh run view --json databaseId,...` output");
    }
    out.run_id = *id;
    out.attempt = j.integer_member({"run_attempt", "attempt"}, 1).value_or(1);
    out.workflow_name = j.string_member({"name", "workflowName"}).value_or("");
    out.workflow_path = j.string_member("path").value_or("");
    if (const auto at = out.workflow_path.find('@'); at != std::string::npos) {
      out.workflow_path.resize(at);
    }
    out.head_sha = j.string_member({"head_sha", "headSha"}).value_or("");
    out.head_branch = j.string_member({"head_branch", "headBranch"}).value_or("");
    out.event = j.string_member("event").value_or("");
    out.status = j.string_member("status").value_or("");
    out.conclusion = conclusion(j);
    out.created_at = time_field(j, {"created_at", "createdAt", "run_started_at", "startedAt"});
    out.updated_at = time_field(j, {"updated_at", "updatedAt"});
    out.url = j.string_member({"html_url", "url"}).value_or("");
    if (const auto repo = j.object_member("repository")) {
      out.repository = repo->string_member({"full_name", "nameWithOwner"}).value_or("");
    }
    if (out.repository.empty()) {
      out.repository = repository_from_url(out.url);
    }
    if (out.repository.empty()) {
      out.repository = m_repository;
    }
    if (out.repository.empty()) {
      j.fail(fmt::format("run {} does not say its repository", out.run_id),
             "pass --repo OWNER/NAME, or include the url field (gh run view --json url,...)");
    }
    if (!out.created_at && !out.updated_at) {
      j.fail(fmt::format("run {} has no created_at/updatedAt time", out.run_id),
             "include createdAt and updatedAt (gh) or pass the REST run object");
    }
    if (const auto jobs = j.array_member("jobs")) {
      out.has_jobs = true;
      for (const JsonNode& job_json : *jobs) {
        out.jobs.push_back(job(job_json));
      }
    }
    return out;
  }

  CiDocument read(const JsonNode& doc) const
  {
    CiDocument out;
    if (doc.value().is_array()) { // gh run list --json
      for (const JsonNode& item : doc.elements("workflow runs")) {
        out.runs.push_back(run(item));
      }
    } else if (!doc.value().is_object()) {
      doc.fail(fmt::format("not a GitHub Actions document: expected a JSON object or array, found {}",
                           json_type_name(doc.value())),
               k_document_help);
    } else if (const auto runs = doc.member("workflow_runs")) {
      for (const JsonNode& item : runs->elements("workflow runs")) {
        out.runs.push_back(run(item));
      }
    } else if (const auto jobs = doc.member("jobs"); jobs && !doc.member("id") && !doc.member("databaseId")) {
      std::map<std::pair<std::int64_t, std::int64_t>, CiDocument::Jobs> by_run;
      for (const JsonNode& item : jobs->elements("jobs")) {
        item.require_object("a job");
        const auto run_id = item.integer_member("run_id", 0);
        if (!run_id) {
          item.fail("a job without run_id", "pass the REST jobs document (.../runs/{id}/jobs)");
        }
        const std::int64_t attempt = item.integer_member("run_attempt", 1).value_or(1);
        auto& entry = by_run[{*run_id, attempt}];
        entry.run_id = *run_id;
        entry.attempt = attempt;
        entry.repository = repository_from_url(item.string_member({"html_url", "run_url"}).value_or(""));
        if (entry.repository.empty()) {
          entry.repository = m_repository;
        }
        entry.jobs.push_back(job(item));
      }
      for (auto& [key, entry] : by_run) {
        out.job_lists.push_back(std::move(entry));
      }
    } else if (doc.member("id") || doc.member("databaseId")) {
      out.runs.push_back(run(doc));
    } else {
      doc.fail("not a GitHub Actions document: no run id, workflow_runs or jobs", k_document_help);
    }
    return out;
  }

private:
  std::string m_path;
  std::string m_repository;
};

} // namespace

CiDocument
parse_github_document(const std::string& text, const std::string& display_path, const std::string& repository)
{
  const json doc = parse_json_bounded(text, display_path, k_document_help);
  return DocumentReader(display_path, repository).read(JsonNode(doc, "", display_path));
}

} // namespace rl::evidence
