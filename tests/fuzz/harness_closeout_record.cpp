// closeout_record: one milestones/<ID>.closeout.json record, read as `load`
// reads it. The record is named after the milestone it names (when that is a
// valid id) and loaded with the tiny program, so a record of M00, M01 or M02
// reaches the lock check against that milestone's YAML.

#include "fuzz/harness.hpp"

#include "loader/yaml_reader.hpp"
#include "model/closeout.hpp"

int
rl_fuzz_closeout_record(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only([&] {
    std::string milestone = "M00";
    rl::model::RecordParseError error;
    if (const auto record = rl::model::parse_record(text, error)) {
      if (rl::loader::is_valid_id(rl::loader::IdKind::milestone, record->milestone)) {
        milestone = record->milestone;
      }
    }
    const std::string path = rl::model::record_path(milestone);
    std::vector<rl::loader::SourceText> sources =
      rl::fuzz::tiny_program_sources({"milestones/M00.closeout.json", path});
    sources.push_back({path, text});
    rl::fuzz::load_like_the_app(sources);
  });
  return 0;
}
