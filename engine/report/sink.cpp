#include "report/sink.hpp"

#include "util/terminal.hpp"

#include <cstdio>
#include <unistd.h>

namespace rl::report {

namespace {

class StdioSink final : public Sink
{
public:
  void out(std::string_view text) override
  {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  void err(std::string_view text) override
  {
    std::fflush(stdout); // an error line follows the output it refers to
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  void flush() override
  {
    std::fflush(stdout);
    std::fflush(stderr);
  }
  bool colors_out() const override
  {
    return util::colors_stdout();
  }
  bool colors_err() const override
  {
    return util::colors_stderr();
  }
  bool shows_progress() const override
  {
    return isatty(STDERR_FILENO) == 1;
  }
  void progress(std::string_view text) override
  {
    std::FILE* raw = util::raw_stderr();
    std::fwrite(text.data(), 1, text.size(), raw);
    std::fflush(raw);
  }
};

} // namespace

Sink&
stdio()
{
  static StdioSink sink;
  return sink;
}

} // namespace rl::report
