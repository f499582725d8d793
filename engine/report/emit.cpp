#include "report/emit.hpp"

#include "report/records.hpp"

#include <fmt/format.h>

#include <functional>

namespace rl::report {

using nlohmann::ordered_json;

void
emit_records(const ordered_json& records,
             const std::vector<std::string>& columns,
             model::OutputFormat format,
             Sink& sink)
{
  sink.out(format_records(records, columns, format));
}

void
emit_object(const ordered_json& object, model::OutputFormat format, Sink& sink)
{
  if (format == model::OutputFormat::json) {
    sink.out(json_text(object));
    return;
  }
  ordered_json rows = ordered_json::array();
  std::function<void(const std::string&, const ordered_json&)> flatten = [&](const std::string& prefix,
                                                                             const ordered_json& value) {
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        flatten(prefix.empty() ? it.key() : prefix + "." + it.key(), it.value());
      }
    } else if (value.is_array() && !value.empty() && value.front().is_object()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        flatten(fmt::format("{}[{}]", prefix, i), value[i]);
      }
    } else {
      rows.push_back({{"field", prefix}, {"value", cell_text(value)}});
    }
  };
  flatten("", object);
  emit_records(rows, {"field", "value"}, format, sink);
}

std::string
json_text(const ordered_json& value)
{
  return value.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

} // namespace rl::report
