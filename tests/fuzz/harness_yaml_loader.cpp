// yaml_loader: one YAML file of a program, loaded as `load` loads it, beside
// the tiny program's other files but its risks and M00's record (left out for
// speed), so that a valid M01 loads and is stored.

#include "fuzz/harness.hpp"

namespace {

// The folder decides which kinds a file may hold: an invariant catalog
// (top-level `category:` or `invariants:`) goes under invariants/, anything
// else under milestones/ (as M01.yaml).
bool
looks_like_catalog(const std::string& text)
{
  for (const char* key : {"category", "invariants"}) {
    if (text.rfind(key, 0) == 0 || text.find(std::string("\n") + key) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

int
rl_fuzz_yaml_loader(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  const std::string path = looks_like_catalog(text) ? "invariants/fuzz.yaml" : "milestones/M01.yaml";
  std::vector<rl::loader::SourceText> sources = rl::fuzz::tiny_program_sources(
    {path, "milestones/M01.yaml", "milestones/risks.yaml", "milestones/M00.closeout.json"});
  sources.push_back({path, text});
  rl::fuzz::expect_input_error_only([&] { rl::fuzz::load_like_the_app(sources); });
  return 0;
}
