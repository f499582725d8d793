#include "app/program_support.hpp"

namespace rl::app {

model::InvariantView
invariant_view(const model::Invariant& invariant, const Assessment& assessment, const LinkIndex& links)
{
  model::InvariantView view{invariant, assessment.evaluations.at(invariant.id), {}};
  if (const auto it = links.find(invariant.id); it != links.end()) {
    view.milestones = it->second;
  }
  return view;
}

model::MilestoneView
milestone_view(const model::Milestone& milestone, const model::ProgramMetrics& metrics)
{
  return {milestone, metrics.next_milestone == milestone.id};
}

} // namespace rl::app
