#pragma once

// Internal to report/: the DocWriter that renders a closed milestone's two
// closeout documents, shared by closeout_docs.cpp (the entry points, the
// sections both documents have, and the summary) and closeout_docs_audit.cpp
// (the audit). Not a public header: only report/*.cpp include it.

#include "model/placeholders.hpp"
#include "report/closeout_docs.hpp"
#include "report/markdown.hpp"

#include <string>
#include <vector>

namespace rl::report::detail {

using model::CloseoutEvent;
using model::CloseoutEventKind;
using model::GateOutcome;

class DocWriter
{
public:
  DocWriter(const model::Definitions& d,
            const model::Milestone& m,
            const model::CloseoutRecord& r,
            const std::vector<model::CloseoutRecord>& all)
    : m_defs(d)
    , m_ms(m)
    , m_record(r)
    , m_event(*r.last_close())
    , m_all(all)
    , m_values(m_event.frozen ? m_event.frozen->placeholders : model::placeholder_values(d))
  {
  }

  // The summary (closeout_docs.cpp) and the audit (closeout_docs_audit.cpp).
  std::string summary();
  std::string audit();

private:
  void line(const std::string& text = {})
  {
    m_out += text;
    m_out += '\n';
  }

  void prose(const std::string& text)
  {
    line(trim_trailing(text));
    line();
  }

  // Program text (from the YAML) with its placeholders as of the close.
  std::string text(const std::string& yaml_text) const
  {
    return model::expand_placeholders(yaml_text, m_values);
  }

  void section(const std::string& title)
  {
    line("---");
    line();
    line("## " + title);
    line();
  }

  void sub(const std::string& title)
  {
    line("### " + title);
    line();
  }

  // Sections of both documents (closeout_docs.cpp).
  void bullets(const std::vector<std::string>& items, const std::string& when_empty);
  void header(const std::string& title);
  void invariants_table();
  const model::InvariantAtClose* snapshot(const std::string& id) const;
  void gates_table();
  void ci_history();
  void findings();
  std::string next_step() const;

  // Sections of the summary (closeout_docs.cpp).
  void deferred();
  void exit_criteria();
  std::string verdict_line() const;
  void references();

  // Sections of the audit (closeout_docs_audit.cpp).
  void tree_lines(const model::ConditionSnapshot& c, const std::string& indent);
  void evidence_trees();
  void gate_block(const model::GateResult& g);
  void gate_detail(const std::string& name, const std::string& when_absent);
  bool up_to_this(const model::CloseoutRecord& r, const CloseoutEvent& e) const;
  std::vector<std::pair<std::string, std::string>> dimensions() const;
  std::vector<const model::CloseoutRecord*> in_program_order() const;
  // The milestone's invariant links (id, role) as its close froze them: the
  // ids it was closed with, whatever invariant was renamed since.
  std::vector<std::pair<std::string, std::string>> frozen_links() const;
  void registry();
  void score_trend();
  void appendix();

  const model::Definitions& m_defs;
  const model::Milestone& m_ms;
  const model::CloseoutRecord& m_record;
  const CloseoutEvent& m_event;
  const std::vector<model::CloseoutRecord>& m_all;
  model::Placeholders m_values;
  std::string m_out;
};

} // namespace rl::report::detail
