#pragma once

#include <string>
#include <string_view>

namespace rl::report {

// Where a command's output goes. Use cases (app/) never print: they return a
// result, and report::emit() writes it here; the notes and warnings a use case
// has while it runs (a reload, a missing commit, progress) go here too. The
// program writes to standard output and error (stdio()); tests collect the
// text (StringSink).
class Sink
{
public:
  virtual ~Sink() = default;
  // The result: what scripts read (JSON, CSV) or people read (table).
  virtual void out(std::string_view text) = 0;
  // Notes, warnings and errors, each a whole line with its newline.
  virtual void err(std::string_view text) = 0;
  // A progress line redrawn in place ("\r[3/10] file\x1b[K"): shown only
  // when standard error is a terminal; `text` is already terminal-safe.
  virtual bool shows_progress() const
  {
    return false;
  }
  virtual void progress(std::string_view /*text*/)
  {
  }
  // Whether out() / err() text may carry colours (util::paint): only the
  // standard streams, by --color, NO_COLOR and whether they are terminals.
  virtual bool colors_out() const
  {
    return false;
  }
  virtual bool colors_err() const
  {
    return false;
  }
  // Pushes out what was written (before the process ends without unwinding).
  virtual void flush()
  {
  }
};

// Standard output and standard error (through util::guard_terminal_output's
// filter when they are terminals).
Sink& stdio();

// Collects the text, for tests.
class StringSink final : public Sink
{
public:
  void out(std::string_view text) override
  {
    out_text += text;
  }
  void err(std::string_view text) override
  {
    err_text += text;
  }

  std::string out_text;
  std::string err_text;
};

} // namespace rl::report
