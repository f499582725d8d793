#include "util/fs.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rl::util {

std::string
read_text(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw StoreError(
      fmt::format("cannot read {}: {}", path.generic_string(), std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void
write_atomically(const std::filesystem::path& path, const std::string& content)
{
  const std::filesystem::path parent =
    path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    throw StoreError(fmt::format("cannot create {}: {}", parent.generic_string(), ec.message()));
  }
  std::string temp = (parent / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    throw StoreError(fmt::format("cannot create a temporary file beside {}: {}",
                                 path.generic_string(),
                                 std::strerror(errno)));
  }
  const char* data = content.data();
  std::size_t left = content.size();
  bool ok = true;
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      ok = false;
      break;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  const int saved_errno = errno;
  ok = ok && ::fchmod(fd, 0644) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : saved_errno;
    std::remove(temp.c_str());
    throw StoreError(fmt::format("cannot write {}: {}", path.generic_string(), std::strerror(err)));
  }
}

std::string
display_path(const std::filesystem::path& path, const std::filesystem::path& base)
{
  const std::filesystem::path relative = path.lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") {
    return path.generic_string();
  }
  return relative.generic_string();
}

} // namespace rl::util
