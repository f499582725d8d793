#include "model/gates.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace rl::model {

using json = nlohmann::json;

const GateExemption*
EffectiveGates::exemption(std::string_view gate) const
{
  for (const GateExemption& x : not_applicable) {
    if (x.gate == gate) {
      return &x;
    }
  }
  return nullptr;
}

EffectiveGates
effective_gates(const GateConfig& program, const GateConfig& milestone)
{
  EffectiveGates g;
  auto pick = [](auto& out, const auto& a, const auto& b) {
    if (a) {
      out = *a;
    } else if (b) {
      out = *b;
    }
  };
  pick(g.deliverables, milestone.deliverables, program.deliverables);
  pick(g.dependencies, milestone.dependencies, program.dependencies);
  pick(g.invariants, milestone.invariants, program.invariants);
  pick(g.allow_waived, milestone.allow_waived, program.allow_waived);
  pick(g.ci, milestone.ci, program.ci);
  pick(g.scope, milestone.scope, program.scope);
  pick(g.pattern_absent, milestone.pattern_absent, program.pattern_absent);
  pick(g.metrics, milestone.metrics, program.metrics);
  pick(g.approvals, milestone.approvals, program.approvals);
  pick(g.blocker_deferrals, milestone.blocker_deferrals, program.blocker_deferrals);
  pick(g.waive, milestone.waive, program.waive);
  pick(g.not_applicable, milestone.not_applicable, program.not_applicable);
  return g;
}

std::string
gates_to_json(const GateConfig& c)
{
  json j = json::object();
  for (const auto& [key, member] : k_gate_flags) {
    if (const auto& flag = c.*member) {
      j[key] = *flag;
    }
  }
  if (c.ci) {
    j["ci"] = *c.ci;
  }
  if (c.approvals) {
    j["approvals"] = *c.approvals;
  }
  if (c.pattern_absent) {
    json list = json::array();
    for (const PatternGate& p : *c.pattern_absent) {
      list.push_back({{"pattern", p.pattern}, {"files", p.files}, {"note", p.note}});
    }
    j["pattern_absent"] = list;
  }
  if (c.metrics) {
    json list = json::array();
    for (const MetricGate& m : *c.metrics) {
      list.push_back({{"metric", m.metric}, {"op", m.op}, {"value", m.value}});
    }
    j["metrics"] = list;
  }
  if (c.waive) {
    json list = json::array();
    for (const GateWaiver& w : *c.waive) {
      list.push_back({{"gate", w.gate}, {"by", w.by}, {"reason", w.reason}, {"until", w.until}});
    }
    j["waive"] = list;
  }
  if (c.not_applicable) {
    json list = json::array();
    for (const GateExemption& x : *c.not_applicable) {
      list.push_back({{"gate", x.gate}, {"reason", x.reason}});
    }
    j["not_applicable"] = list;
  }
  return j.dump();
}

GateConfig
gates_from_json(const std::string& text)
{
  GateConfig c;
  try {
    const json j = json::parse(text);
    for (const auto& [key, member] : k_gate_flags) {
      if (j.contains(key)) {
        c.*member = j.at(key).get<bool>();
      }
    }
    if (j.contains("ci")) {
      c.ci = j.at("ci").get<std::vector<std::string>>();
    }
    if (j.contains("approvals")) {
      c.approvals = j.at("approvals").get<std::vector<std::string>>();
    }
    if (j.contains("pattern_absent")) {
      c.pattern_absent.emplace();
      for (const json& p : j.at("pattern_absent")) {
        c.pattern_absent->push_back(
          {p.at("pattern").get<std::string>(), p.at("files").get<std::string>(), p.at("note").get<std::string>()});
      }
    }
    if (j.contains("metrics")) {
      c.metrics.emplace();
      for (const json& m : j.at("metrics")) {
        c.metrics->push_back(
          {m.at("metric").get<std::string>(), m.at("op").get<std::string>(), m.at("value").get<double>()});
      }
    }
    if (j.contains("waive")) {
      c.waive.emplace();
      for (const json& w : j.at("waive")) {
        c.waive->push_back({w.at("gate").get<std::string>(),
                            w.at("by").get<std::string>(),
                            w.at("reason").get<std::string>(),
                            w.at("until").get<std::string>()});
      }
    }
    if (j.contains("not_applicable")) {
      c.not_applicable.emplace();
      for (const json& x : j.at("not_applicable")) {
        c.not_applicable->push_back({x.at("gate").get<std::string>(), x.at("reason").get<std::string>()});
      }
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("bad gates JSON: ") + e.what());
  }
  return c;
}

} // namespace rl::model
