// The risk register (milestones/risks.yaml) and the deferred issues
// (milestones/deferrals.yaml) (see parse_internal.hpp).

#include "loader/parse_internal.hpp"

#include <yaml-cpp/yaml.h>

namespace rl::loader::detail {

void
parse_risks_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  root.for_each("risks", [&](const YAML::Node& node) {
    const MapReader map(
      node,
      file,
      "risk",
      {"id", "title", "priority", "status", "milestones", "milestones_note", "invariants", "description", "history"});
    if (!map.valid()) {
      return;
    }
    model::Risk risk;
    risk.origin = map.origin();
    risk.id = map.required_id("id", IdKind::risk);
    risk.title = map.required_string("title");
    risk.priority = map.required_enum<model::Priority>("priority").value_or(risk.priority);
    risk.status = map.required_enum<model::RiskStatus>("status").value_or(risk.status);
    risk.milestones = map.ref_list("milestones", IdKind::milestone);
    risk.milestones_note = map.optional_string("milestones_note");
    risk.invariants = map.ref_list("invariants", IdKind::invariant);
    risk.description = map.optional_string("description");
    map.for_each("history", [&](const YAML::Node& item) {
      const MapReader h(item, file, "risk history entry", {"date", "status", "milestone", "note"});
      if (!h.valid()) {
        return;
      }
      model::RiskChange change;
      change.date = h.required_date("date");
      change.status = h.required_enum<model::RiskStatus>("status").value_or(change.status);
      change.milestone = h.optional_ref("milestone", IdKind::milestone);
      change.note = h.optional_string("note");
      risk.history.push_back(std::move(change));
    });
    out.risks.push_back(std::move(risk));
  });
}

void
parse_deferrals_file(const MapReader& root, model::Definitions& out)
{
  const FileContext& file = root.file();
  root.for_each("deferrals", [&](const YAML::Node& node) {
    const MapReader map(node,
                        file,
                        "deferral",
                        {"id",
                         "what",
                         "why",
                         "risk",
                         "discovered_in",
                         "deferred_to",
                         "exit_criteria",
                         "blocker",
                         "status",
                         "source_ref",
                         "history"});
    if (!map.valid()) {
      return;
    }
    model::Deferral d;
    d.origin = map.origin();
    d.id = map.required_id("id", IdKind::deferral);
    d.what = map.required_string("what");
    d.why = map.optional_string("why");
    d.risk = map.optional_string("risk");
    if (auto ref = map.required_ref("discovered_in", IdKind::milestone)) {
      d.discovered_in = std::move(*ref);
    }
    // A milestone id (checked to exist), or free text: "post-M10", "Phase 3".
    if (const std::string target = map.optional_string("deferred_to"); file.ids->valid(IdKind::milestone, target)) {
      d.deferred_to = model::Ref{target, file.origin(map.get("deferred_to"))};
    } else {
      d.deferred_to_text = target;
    }
    d.exit_criteria = map.optional_string("exit_criteria");
    d.blocker = map.optional_bool("blocker", false);
    d.status = map.optional_enum<model::DeferralStatus>("status").value_or(d.status);
    d.source_ref = map.optional_string("source_ref");
    map.for_each("history", [&](const YAML::Node& item) {
      const MapReader h(item, file, "deferral history entry", {"date", "event", "milestone", "to", "note"});
      if (!h.valid()) {
        return;
      }
      model::DeferralEvent event;
      event.date = h.required_date("date");
      event.event = h.required_enum<model::DeferralEventKind>("event").value_or(event.event);
      event.milestone = h.optional_ref("milestone", IdKind::milestone);
      event.to = h.optional_string("to");
      event.note = h.optional_string("note");
      if (event.event == model::DeferralEventKind::retargeted && event.to.empty()) {
        const model::Origin at = h.origin();
        file.sink.error({at.path, at.line, at.column},
                        "a retargeted event needs 'to': the new target (a milestone id or free text)",
                        "add e.g. 'to: M05' to this entry");
      }
      d.history.push_back(std::move(event));
    });
    out.deferrals.push_back(std::move(d));
  });
}

} // namespace rl::loader::detail
