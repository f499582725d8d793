#pragma once

#include "loader/loader.hpp"
#include "model/id_patterns.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>

namespace rl::loader {

// One YAML file read and told apart by its top-level key.
struct YamlFile
{
  enum class Kind { program, milestone, risks, deferrals, invariants };
  const SourceText* source = nullptr;
  YAML::Node root;
  Kind kind = Kind::program;
};

// Reads one file. nullopt when it is not valid YAML at all (reported to
// `sink`; `*readable` is then false) or when its kind cannot be told or it
// sits in the wrong folder (reported; `*readable` stays true).
std::optional<YamlFile> read_source(const SourceText& source, util::DiagnosticSink& sink, bool* readable);

// Appends what one file defines to `out`, reading ids by `ids` (the
// program's patterns: parse the program file first). Problems go to `sink`.
// Records the program file's location in `program_files` (there must be one).
void parse_file(const YamlFile& file,
                const model::IdPatterns& ids,
                model::Definitions& out,
                std::vector<model::Origin>& program_files,
                util::DiagnosticSink& sink);

// Cross-file checks on everything parsed.
// `unparsed` lists the files that were not valid YAML: references to what
// they may define are not reported (their syntax error already is).
void validate_definitions(const model::Definitions& definitions,
                          const model::IdPatterns& ids,
                          const std::vector<model::Origin>& program_files,
                          const std::vector<std::string>& unparsed,
                          util::DiagnosticSink& sink);

} // namespace rl::loader
