#include "util/version.hpp"

#include "util/build_commit.hpp" // generated at every build by tools/cmake/BuildCommit.cmake

#include <fmt/format.h>
// Only the version macro of pugixml's header is used: util/ does not link pugixml.
#include <pugixml.hpp>
#include <sqlite3.h>

namespace rl::util {

namespace {

// PUGIXML_VERSION is major * 1000 + minor * 10 + patch (1130 for 1.13, 1114 for 1.11.4).
std::string
pugixml_version()
{
  constexpr int k_major = PUGIXML_VERSION / 1000;
  constexpr int k_minor = PUGIXML_VERSION % 1000 / 10;
  constexpr int k_patch = PUGIXML_VERSION % 10;
  return k_patch == 0 ? fmt::format("{}.{}", k_major, k_minor) : fmt::format("{}.{}.{}", k_major, k_minor, k_patch);
}

} // namespace

std::string
version_text()
{
  return fmt::format("refactor-ledger {} (commit {})\nSQLite {}\nyaml-cpp {}\npugixml {}\nfmt {}.{}.{}",
                     k_version,
                     k_build_commit,
                     sqlite3_libversion(),
                     k_yaml_cpp_version,
                     pugixml_version(),
                     FMT_VERSION / 10000,
                     FMT_VERSION / 100 % 100,
                     FMT_VERSION % 100);
}

} // namespace rl::util
