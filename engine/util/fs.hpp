#pragma once

#include <filesystem>
#include <string>

namespace rl::util {

// Reads a whole file. Throws StoreError naming the file when it cannot be read.
std::string read_text(const std::filesystem::path& path);

// The same into `out`, replacing its content and reusing its capacity (no
// new allocation when reading many files of similar size).
void read_into(const std::filesystem::path& path, std::string& out);

// Writes `content` to `path` atomically: a temporary file in the same directory,
// flushed and fsync'ed, then renamed over the target. Readers see the old or the
// new content, never a mix. Creates missing parent directories. Throws StoreError.
void write_atomically(const std::filesystem::path& path, const std::string& content);

// `path` relative to `base` with '/' separators (the form used in diagnostics
// and in the database); `path` itself when it is not under `base`.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& base);

} // namespace rl::util
