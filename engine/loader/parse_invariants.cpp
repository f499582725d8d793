// An invariant catalog file (invariants/*.yaml): its category and
// invariants (see parse_internal.hpp).

#include "loader/parse_internal.hpp"

#include <yaml-cpp/yaml.h>

namespace rl::loader::detail {

void
parse_invariants_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  std::string category_id;
  if (!root.has("category")) {
    root.required_string("category");
  } else {
    const MapReader map(root.get("category"), file, "category", {"id", "name", "order"});
    if (map.valid()) {
      model::Category category;
      category.origin = map.origin();
      category.id = map.required_id("id", IdKind::category);
      category.name = map.required_string("name");
      category.order = static_cast<int>(map.optional_integer("order", 0).value_or(0));
      category_id = category.id;
      out.categories.push_back(std::move(category));
    }
  }
  root.for_each("invariants", [&](const YAML::Node& node) {
    const MapReader map(node,
                        file,
                        "invariant",
                        {"id",
                         "name",
                         "statement",
                         "surface",
                         "verification",
                         "coverage",
                         "coverage_note",
                         "priority",
                         "notes",
                         "recommendation",
                         "statement_changed",
                         "verify",
                         "waiver",
                         "aliases"});
    if (!map.valid()) {
      return;
    }
    model::Invariant inv;
    inv.origin = map.origin();
    inv.id = map.required_id("id", IdKind::invariant);
    inv.name = map.required_string("name");
    inv.category = category_id;
    inv.statement = map.required_string("statement");
    inv.surface = map.optional_string("surface");
    map.for_each("verification", [&](const YAML::Node& item) {
      const MapReader v(item, file, "verification method", {"method", "text"});
      if (v.valid()) {
        model::VerificationEntry entry;
        entry.method = v.required_enum<model::VerificationMethod>("method").value_or(entry.method);
        entry.text = v.optional_string("text");
        inv.verification.push_back(std::move(entry));
      }
    });
    inv.coverage = map.required_enum<model::Coverage>("coverage").value_or(inv.coverage);
    inv.coverage_note = map.optional_string("coverage_note");
    inv.priority = map.required_enum<model::Priority>("priority").value_or(inv.priority);
    inv.notes = map.string_list("notes");
    inv.aliases = map.ref_list("aliases", IdKind::invariant);
    if (const YAML::Node rec = map.get("recommendation")) {
      const MapReader r(rec, file, "recommendation", {"action", "text", "milestone"});
      if (r.valid()) {
        inv.recommendation = model::Recommendation{
          r.required_string("action"), r.optional_string("text"), r.optional_ref("milestone", IdKind::milestone)};
      }
    }
    inv.statement_changed = map.optional_date("statement_changed");
    if (const YAML::Node verify = map.get("verify")) {
      model::VerifyRules rules;
      if (auto rule = parse_rule(verify, file, 0, &rules)) {
        rules.root = std::move(*rule);
        inv.verify = std::move(rules);
      }
    }
    if (const YAML::Node waiver = map.get("waiver")) {
      const MapReader w(waiver, file, "waiver", {"owner", "reason", "expires"});
      if (w.valid()) {
        inv.waiver = model::Waiver{w.required_string("owner"), w.required_string("reason"), w.required_date("expires")};
      }
    }
    out.invariants.push_back(std::move(inv));
  });
}

} // namespace rl::loader::detail
