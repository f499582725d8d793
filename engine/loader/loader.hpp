#pragma once

#include "model/closeout.hpp"
#include "model/entities.hpp"
#include "util/diagnostic.hpp"

#include <string>
#include <vector>

namespace rl::loader {

// One input file: its path relative to the program root ('/' separators, e.g.
// "milestones/M01.yaml") and its content. Reading files is app/'s job; the
// loader works on text so tests need no files.
struct SourceText
{
  std::string path;
  std::string text;
};

// Parses every source and checks them together (duplicate ids across files,
// references to unknown milestones, invariants, risks or phases, dependency
// cycles, ...). Every problem goes to `sink`; the result is meaningful only
// when the sink has no errors. Collections come back in canonical order.
struct LoadedProgram
{
  model::Definitions definitions;             // closed state applied from the records
  std::vector<model::CloseoutRecord> records; // milestones/*.closeout.json, by milestone
  // With `unlock`: the definition fields of that closed milestone that differ
  // from the ones its record froze (the edit `reopen` permits), sorted.
  std::vector<std::string> unlocked_changes;
};

// Parses every source: YAML files and closeout records (paths ending in
// ".closeout.json"). A record closes its milestone (status, closeout, score)
// and locks its definition: a closed milestone whose YAML no longer matches
// the definition its record froze is an error naming the changed fields,
// except for milestone `unlock` (what `reopen` loads): its changes are
// returned in unlocked_changes.
LoadedProgram load_program(const std::vector<SourceText>& sources,
                           util::DiagnosticSink& sink,
                           const std::string& unlock = {});

// load_program without the records.
model::Definitions load_definitions(const std::vector<SourceText>& sources, util::DiagnosticSink& sink);

// Where the value of `keys` (a path of mapping keys from the document's root,
// e.g. {"program", "outputs", "log"}) is written in the YAML `source`, for a
// diagnostic found after loading (e.g. a symlinked output file); the file's
// first line when the key is absent or the text does not parse.
util::SourceLocation locate_key(const SourceText& source, const std::vector<std::string>& keys);

} // namespace rl::loader
