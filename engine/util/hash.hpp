#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace rl::util {

// SHA-256 of a file's bytes, lower-case hex (OpenSSL). Streams the file.
// Throws StoreError when the file cannot be read.
std::string sha256_file(const std::filesystem::path& path);

// SHA-256 of `data`, lower-case hex.
std::string sha256(std::string_view data);

// 64-bit FNV-1a: for interning strings, not for security.
std::uint64_t fnv1a64(std::string_view data);

} // namespace rl::util
