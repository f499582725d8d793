#include "app/audit.hpp"

#include "app/assess.hpp"
#include "app/git.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace rl::app {

std::string
os_user()
{
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
    return user;
  }
  return "unknown";
}

std::string
head_commit(const std::filesystem::path& root)
{
  return git_output(root, {"rev-parse", "--verify", "-q", "HEAD"}).value_or("");
}

model::AuditEntry
make_entry(const GlobalOptions& global,
           const std::filesystem::path& root,
           std::string action,
           std::string milestone,
           std::string summary,
           const std::string& by)
{
  model::AuditEntry e;
  e.at = current_time().text();
  e.user = by.empty() ? os_user() : by;
  e.action = std::move(action);
  e.milestone = std::move(milestone);
  e.command = global.command_line;
  e.commit = head_commit(root);
  e.summary = std::move(summary);
  model::assign_audit_id(e);
  return e;
}

} // namespace rl::app
