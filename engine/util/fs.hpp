#pragma once

#include <filesystem>
#include <string>
#include <string_view>

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

// Why `relative` (a path named by the program's own files: program.yaml's
// outputs.*, a closeout record's documents) cannot name a file inside the
// program root, or empty when it can: it must be relative, '/'-separated, with
// no '.' or '..' component, no empty component, no NUL or backslash, and not
// inside the .git or .ledger folders.
std::string relative_path_problem(std::string_view relative);

// True when `path` (which must exist) resolves, through any symlinks, to
// `root` or to something inside it. Both are canonicalised.
bool resolves_inside(const std::filesystem::path& root, const std::filesystem::path& path);

// root / relative, for reading or writing a generated file: `relative` must
// pass relative_path_problem, and no existing component from root down to the
// file itself may be a symlink (a generated file is never written or read
// through a symlink) or, above the file, anything but a directory. Throws
// InputError naming `what` (e.g. "outputs.log (milestones/program.yaml:12:8)")
// and saying what to do. `folder`: the path names a folder (files are
// written inside it), not a file.
std::filesystem::path contained_output(const std::filesystem::path& root,
                                       std::string_view relative,
                                       std::string_view what,
                                       bool folder = false);

} // namespace rl::util
