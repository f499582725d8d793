// `show ID`: one definition with what refers to it.
#include "app/ledger.hpp"
#include "app/program.hpp"
#include "app/program_support.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace rl::app {

model::ShowResult
show(const GlobalOptions& global, const std::string& id)
{
  Ledger ledger = open_current(global, ReloadPolicy::if_changed, Access::read);
  const model::Definitions& d = ledger.definitions();
  const Assessment assessment = assess(*ledger.db, d, ledger.paths.root);
  const model::ProgramMetrics metrics = rules::compute_metrics(d, assessment.statuses);
  auto find = [&](const auto& list) {
    return std::find_if(list.begin(), list.end(), [&](const auto& x) { return x.id == id; });
  };
  auto inv = find(d.invariants);
  if (inv == d.invariants.end()) { // an earlier id of a renamed invariant
    inv = std::find_if(d.invariants.begin(), d.invariants.end(), [&](const model::Invariant& x) {
      return std::any_of(x.aliases.begin(), x.aliases.end(), [&](const model::Ref& a) { return a.id == id; });
    });
  }
  if (inv != d.invariants.end()) {
    model::InvariantDetail detail{invariant_view(*inv, assessment, rules::links_by_invariant(d)), {}};
    for (const model::Risk& r : d.risks) {
      for (const model::Ref& ref : r.invariants) {
        if (ref.id == inv->id) {
          detail.risks.push_back(r.id);
        }
      }
    }
    return {std::move(detail)};
  }
  if (const auto m = find(d.milestones); m != d.milestones.end()) {
    model::MilestoneDetail detail{milestone_view(*m, metrics), {}, {}};
    for (const model::Risk& r : d.risks) {
      for (const model::Ref& ref : r.milestones) {
        if (ref.id == id) {
          detail.risks.push_back(r.id);
        }
      }
    }
    for (const model::DeferralState& s : metrics.deferrals) {
      if (s.deferral->discovered_in.id == id || (s.deferral->deferred_to && s.deferral->deferred_to->id == id)) {
        detail.deferrals.push_back(s.deferral->id);
      }
    }
    return {std::move(detail)};
  }
  if (const auto r = find(d.risks); r != d.risks.end()) {
    return {*r};
  }
  for (const model::DeferralState& s : metrics.deferrals) {
    if (s.deferral->id == id) {
      return {model::DeferralView{*s.deferral, s.overdue, s.slipped}};
    }
  }
  throw util::UsageError(fmt::format("no milestone, invariant, risk or deferral has the id '{}'; list them with "
                                     "`refactor-ledger milestones`, `invariants` or `risks`",
                                     id));
}

} // namespace rl::app
