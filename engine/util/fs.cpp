#include "util/fs.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rl::util {

std::string
read_text(const std::filesystem::path& path)
{
  std::string out;
  read_into(path, out);
  return out;
}

void
read_into(const std::filesystem::path& path, std::string& out)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw StoreError(fmt::format("cannot read {}: {}", path.generic_string(), std::strerror(errno)));
  }
  auto fail = [&](int error) {
    ::close(fd);
    throw StoreError(fmt::format("cannot read {}: {}", path.generic_string(), std::strerror(error)));
  };
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    fail(errno);
  }
  // Sized once from the file's size (one read for a regular file); a file
  // that grows meanwhile, or a pipe, is read on to its end.
  std::size_t size = 0;
  out.resize(S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : 65536);
  for (;;) {
    if (size == out.size()) {
      out.resize(out.size() * 2);
    }
    const ssize_t n = ::read(fd, out.data() + size, out.size() - size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(errno);
    }
    if (n == 0) {
      break;
    }
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(size);
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
