#include "util/terminal.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <unistd.h>

namespace rl::util {

namespace {

std::FILE* g_raw_stderr = nullptr;
ColorMode g_color_mode = ColorMode::automatic;

constexpr std::string_view k_reset = "\x1b[0m";

// Indexed by Color.
constexpr std::string_view k_colors[] = {"\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[1;31m", "\x1b[1;33m"};

bool
colors(int fd)
{
  const char* no_color = std::getenv("NO_COLOR"); // NOLINT(concurrency-mt-unsafe): read before any thread
  if (g_color_mode == ColorMode::never || (no_color != nullptr && *no_color != '\0')) {
    return false;
  }
  return g_color_mode == ColorMode::always || ::isatty(fd) != 0;
}

// The length of the colour sequence of ours at the start of `text` (0: none).
std::size_t
our_sequence(std::string_view text)
{
  if (text.starts_with(k_reset)) {
    return k_reset.size();
  }
  for (const std::string_view color : k_colors) {
    if (text.starts_with(color)) {
      return color.size();
    }
  }
  return 0;
}

// Bytes at the end of `text` that may start one of our colour sequences,
// cut by the buffer: carried over to the next write.
std::size_t
incomplete_sequence(std::string_view text)
{
  const std::size_t escape = text.rfind('\x1b');
  if (escape == std::string_view::npos || text.size() - escape >= 8) {
    return 0;
  }
  const std::string_view tail = text.substr(escape);
  if (k_reset.starts_with(tail) && tail.size() < k_reset.size()) {
    return tail.size();
  }
  for (const std::string_view color : k_colors) {
    if (color.starts_with(tail) && tail.size() < color.size()) {
      return tail.size();
    }
  }
  return 0;
}

// terminal_safe(text), our colour sequences excepted.
std::string
safe_but_colors(std::string_view text)
{
  std::string out;
  std::size_t start = 0;
  std::size_t at = text.find('\x1b');
  while (at != std::string_view::npos) {
    const std::size_t length = our_sequence(text.substr(at));
    if (length > 0) {
      out += terminal_safe(text.substr(start, at - start));
      out += text.substr(at, length);
      start = at + length;
    }
    at = text.find('\x1b', at + std::max<std::size_t>(length, 1));
  }
  out += terminal_safe(text.substr(start));
  return out;
}

// Trivially destructible: glibc may flush the streams after static objects
// are destroyed.
struct Sink
{
  int fd;
  char carry[8]; // an incomplete UTF-8 or colour sequence at the end of the last write
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
  std::size_t tail = incomplete_sequence(text);
  if (tail == 0) {
    tail = incomplete_tail(text);
  }
  text.copy(sink->carry, tail, text.size() - tail);
  sink->carried = tail;
  text.resize(text.size() - tail);
  if (!write_all(sink->fd, safe_but_colors(text))) {
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

void
set_color_mode(ColorMode mode)
{
  g_color_mode = mode;
}

bool
colors_stdout()
{
  return colors(STDOUT_FILENO);
}

bool
colors_stderr()
{
  return colors(STDERR_FILENO);
}

std::string
paint(std::string_view text, Color color, bool enabled)
{
  if (!enabled) {
    return std::string(text);
  }
  std::string out(k_colors[static_cast<std::size_t>(color)]);
  out += text;
  out += k_reset;
  return out;
}

std::FILE*
raw_stderr()
{
  return g_raw_stderr != nullptr ? g_raw_stderr : stderr;
}

} // namespace rl::util
