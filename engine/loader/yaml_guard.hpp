#pragma once

// Checks a YAML file against the input bounds before it is loaded into a
// node tree (util/limits.hpp): valid UTF-8 with only YAML-printable
// characters, nesting no deeper than `depth`, no scalar longer than
// `token-bytes`, at most `yaml-aliases` nodes reached through aliases (an
// alias bomb is refused before anything is expanded), and no alias that
// refers to a node containing it (a cycle).

#include "loader/loader.hpp"
#include "util/diagnostic.hpp"

#include <yaml-cpp/node/node.h>

#include <string>

namespace rl::loader {

// False (with one error in `sink`, at the offending position) when the file
// must not be loaded. Cost: one event pass of yaml-cpp's parser, linear in
// the file's size; nothing is expanded.
bool check_yaml_bounds(const SourceText& source, util::DiagnosticSink& sink);

// False (with one error) when the loaded tree nests deeper than `depth`:
// the check for files check_yaml_bounds passes without an event pass (no
// anchors, so the tree has no shared nodes). Iterative.
bool check_yaml_depth(const std::string& path, const YAML::Node& root, util::DiagnosticSink& sink);

} // namespace rl::loader
