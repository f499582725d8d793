#pragma once

// The bounds every parser applies to untrusted input (YAML, evidence files,
// closeout records). One set per process, set once from the command line
// (`--limit NAME=VALUE`, repeatable) before any input is read. A refusal names
// the limit and how to raise it (limit_help()).

#include <cstdint>
#include <string>
#include <string_view>

namespace rl::util {

struct Limits
{
  // Nesting depth of any document: XML elements, YAML collections, JSON
  // arrays/objects.
  std::uint64_t depth = 256;
  // One token: an XML attribute value or text run, a YAML scalar, a JSON
  // string, an lcov line.
  std::uint64_t token_bytes = 16ull << 20;
  // One input file (YAML, closeout record, evidence file).
  std::uint64_t file_bytes = 4ull << 30;
  // Nodes reached through YAML aliases (*name) in one file, counted as if
  // every alias were expanded (an alias to a 10-node list counts 10).
  std::uint64_t yaml_aliases = 10000;
};

// The limits in force (defaults until set_limit is called).
const Limits& limits();

// Sets one limit by its command-line name: depth, token-bytes, file-bytes,
// yaml-aliases. Values take an optional K/M/G suffix (powers of 1024).
// Throws UsageError on an unknown name or a bad value.
void set_limit(std::string_view assignment);

// "raise it with --limit depth=N" for messages; `name` as in set_limit.
std::string limit_help(std::string_view name);

// Restores the defaults (tests).
void reset_limits();

} // namespace rl::util
