#include "util/fs.hpp"

#include "util/error.hpp"
#include "util/limits.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
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
  struct stat st
  {};
  if (::fstat(fd, &st) != 0) {
    fail(errno);
  }
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw InputError(fmt::format("{}: not a regular file (a {}); refusing to read it",
                                 path.generic_string(),
                                 S_ISDIR(st.st_mode) ? "folder" : "device or socket"),
                     "name a regular file (a symlink in an input folder may point at a device)");
  }
  const std::uint64_t cap = limits().file_bytes;
  auto too_big = [&](std::uint64_t bytes) {
    ::close(fd);
    throw InputError(
      fmt::format("{}: the file is larger than {} bytes (at least {})", path.generic_string(), cap, bytes),
      limit_help("file-bytes"));
  };
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > cap) {
    too_big(static_cast<std::uint64_t>(st.st_size));
  }
  // Sized once from the file's size (one read for a regular file); a file
  // that grows meanwhile, or a pipe, is read on to its end (up to the limit).
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
    if (size > cap) {
      too_big(size);
    }
  }
  ::close(fd);
  out.resize(size);
}

void
write_atomically(const std::filesystem::path& path, const std::string& content)
{
  const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    throw StoreError(fmt::format("cannot create {}: {}", parent.generic_string(), ec.message()));
  }
  std::string temp = (parent / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    throw StoreError(
      fmt::format("cannot create a temporary file beside {}: {}", path.generic_string(), std::strerror(errno)));
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
relative_path_problem(std::string_view relative)
{
  if (relative.empty()) {
    return "the path is empty";
  }
  if (relative.find('\0') != std::string_view::npos) {
    return "the path contains a NUL byte";
  }
  if (relative.find('\\') != std::string_view::npos) {
    return "the path contains a backslash (write '/' between folders)";
  }
  if (relative.front() == '/') {
    return "the path is absolute";
  }
  std::size_t start = 0;
  bool first = true;
  while (start <= relative.size()) {
    const std::size_t slash = relative.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? relative.size() : slash;
    const std::string_view part = relative.substr(start, end - start);
    if (part.empty()) {
      return "the path has an empty component ('//' or a trailing '/')";
    }
    if (part == "..") {
      return "the path leads out of its folder ('..')";
    }
    if (part == ".") {
      return "the path has a '.' component";
    }
    if (first && (part == ".git" || part == ".ledger")) {
      return fmt::format("the path is inside {}/, which refactor-ledger does not write to", part);
    }
    first = false;
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return {};
}

bool
resolves_inside(const std::filesystem::path& root, const std::filesystem::path& path)
{
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::canonical(root, ec);
  if (ec) {
    return false;
  }
  const std::filesystem::path target = std::filesystem::canonical(path, ec);
  if (ec) {
    return false;
  }
  auto b = base.begin();
  auto t = target.begin();
  for (; b != base.end(); ++b, ++t) {
    if (t == target.end() || *b != *t) {
      return false;
    }
  }
  return true;
}

std::filesystem::path
contained_output(const std::filesystem::path& root, std::string_view relative, std::string_view what, bool folder)
{
  const std::string problem = relative_path_problem(relative);
  if (!problem.empty()) {
    throw InputError(fmt::format("{}: '{}' cannot be written: {}", what, relative, problem),
                     "name a path inside the program root, relative to it, such as docs/REFACTOR.md");
  }
  std::filesystem::path path = root;
  const std::filesystem::path rel{std::string(relative)};
  for (auto it = rel.begin(); it != rel.end(); ++it) {
    path /= *it;
    struct stat st
    {};
    if (::lstat(path.c_str(), &st) != 0) {
      break; // from here on nothing exists yet: created as plain folders and a file
    }
    const bool last = std::next(it) == rel.end();
    if (S_ISLNK(st.st_mode)) {
      throw InputError(fmt::format("{}: '{}' cannot be written: {} is a symlink, and refactor-ledger never "
                                   "writes or reads a generated file through a symlink",
                                   what,
                                   relative,
                                   display_path(path, root)),
                       "replace the symlink with a real folder or file, or point the output elsewhere");
    }
    if (!last && !S_ISDIR(st.st_mode)) {
      throw InputError(
        fmt::format("{}: '{}' cannot be written: {} is not a folder", what, relative, display_path(path, root)),
        "point the output at a path whose folders are folders");
    }
    if (last && !(folder ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))) {
      throw InputError(
        fmt::format(
          "{}: '{}' cannot be written: it exists and is not a {}", what, relative, folder ? "folder" : "regular file"),
        "remove it, or point the output elsewhere");
    }
  }
  return root / rel;
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
