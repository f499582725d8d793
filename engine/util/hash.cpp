#include "util/hash.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <vector>

#include <openssl/evp.h>

namespace rl::util {

namespace {

struct DigestContext
{
  DigestContext()
    : ctx(EVP_MD_CTX_new())
  {
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
      throw std::bad_alloc();
    }
  }
  ~DigestContext()
  {
    EVP_MD_CTX_free(ctx);
  }
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;

  void update(const void* data, std::size_t size)
  {
    EVP_DigestUpdate(ctx, data, size);
  }

  std::string hex()
  {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, digest, &length);
    std::string out;
    out.reserve(std::size_t{length} * 2);
    for (unsigned int i = 0; i < length; ++i) {
      out += fmt::format("{:02x}", digest[i]);
    }
    return out;
  }

  EVP_MD_CTX* ctx;
};

} // namespace

std::string
sha256_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw StoreError(fmt::format("cannot read {}", path.generic_string()));
  }
  DigestContext digest;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    digest.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    throw StoreError(fmt::format("cannot read {}", path.generic_string()));
  }
  return digest.hex();
}

std::string
sha256(std::string_view data)
{
  DigestContext digest;
  digest.update(data.data(), data.size());
  return digest.hex();
}

std::uint64_t
fnv1a64(std::string_view data)
{
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

} // namespace rl::util
