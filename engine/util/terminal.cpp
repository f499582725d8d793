#include "util/terminal.hpp"

#include "util/text.hpp"

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>

#include <unistd.h>

namespace rl::util {

namespace {

std::FILE* g_raw_stderr = nullptr;

// Trivially destructible: glibc may flush the streams after static objects
// are destroyed.
struct Sink
{
  int fd;
  char carry[4]; // an incomplete UTF-8 sequence at the end of the last write
  std::size_t carried;
};

bool
write_all(int fd, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Bytes at the end of `text` that start a UTF-8 sequence not yet complete.
std::size_t
incomplete_tail(std::string_view text)
{
  const std::size_t n = text.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const auto b = static_cast<unsigned char>(text[n - back]);
    if ((b & 0xC0) == 0x80) {
      continue; // a continuation byte: look further back for its lead
    }
    const std::size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

ssize_t
guarded_write(void* cookie, const char* buffer, size_t size)
{
  auto* sink = static_cast<Sink*>(cookie);
  std::string text(sink->carry, sink->carried);
  sink->carried = 0;
  text.append(buffer, size);
  const std::size_t tail = incomplete_tail(text);
  text.copy(sink->carry, tail, text.size() - tail);
  sink->carried = tail;
  text.resize(text.size() - tail);
  if (!write_all(sink->fd, terminal_safe(text))) {
    return -1;
  }
  return static_cast<ssize_t>(size);
}

int
guarded_close(void* cookie)
{
  auto* sink = static_cast<Sink*>(cookie);
  if (sink->carried > 0) {
    write_all(sink->fd, terminal_safe(std::string_view(sink->carry, sink->carried)));
    sink->carried = 0;
  }
  return 0;
}

// One per guarded stream, for the life of the process (the streams are never
// closed; glibc flushes them at exit).
Sink g_stdout_sink{STDOUT_FILENO, {}, 0};
Sink g_stderr_sink{STDERR_FILENO, {}, 0};

std::FILE*
guarded(Sink& sink, int buffering)
{
  cookie_io_functions_t io{};
  io.write = guarded_write;
  io.close = guarded_close;
  std::FILE* f = ::fopencookie(&sink, "w", io);
  if (f != nullptr) {
    std::setvbuf(f, nullptr, buffering, buffering == _IONBF ? 0 : 4096);
  }
  return f;
}

} // namespace

void
guard_terminal_output()
{
  g_raw_stderr = stderr;
  if (::isatty(STDOUT_FILENO) != 0) {
    if (std::FILE* f = guarded(g_stdout_sink, _IOLBF)) {
      stdout = f;
    }
  }
  if (::isatty(STDERR_FILENO) != 0) {
    if (std::FILE* f = guarded(g_stderr_sink, _IONBF)) {
      stderr = f;
    }
  }
}

std::FILE*
raw_stderr()
{
  return g_raw_stderr != nullptr ? g_raw_stderr : stderr;
}

} // namespace rl::util
