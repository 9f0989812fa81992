// The candidate's side of the tuner's channel (docs/harness.md, "The protocol"): requests arrive
// one per line on stdin; replies leave on file descriptor 3, never stdout, each signed with a
// key the tuner sent in its first request (SipHash-2-4). A kernel can print whatever it likes
// and even write to descriptor 3, but without the key its lines are not replies: the tuner
// rejects the candidate. The tuner (backends/session.cpp) uses the same signing code.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#if defined(__unix__)
#include <unistd.h>
#endif

namespace kevolve::detail {

// SipHash-2-4 (Aumasson and Bernstein): a keyed hash, short enough to keep here.
inline std::uint64_t siphash(const std::uint64_t key[2], const void* data, std::size_t size) {
  auto rotl = [](std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
  std::uint64_t v0 = 0x736f6d6570736575ull ^ key[0], v1 = 0x646f72616e646f6dull ^ key[1];
  std::uint64_t v2 = 0x6c7967656e657261ull ^ key[0], v3 = 0x7465646279746573ull ^ key[1];
  auto round = [&] {
    v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32);
    v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;
    v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;
    v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32);
  };
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  auto word = [&](std::size_t at, std::size_t n) {
    std::uint64_t m = 0;
    for (std::size_t k = 0; k < n; ++k) m |= static_cast<std::uint64_t>(p[at + k]) << (8 * k);
    return m;
  };
  for (; i + 8 <= size; i += 8) {
    std::uint64_t m = word(i, 8);
    v3 ^= m, round(), round(), v0 ^= m;
  }
  std::uint64_t last = word(i, size - i) | (static_cast<std::uint64_t>(size & 0xff) << 56);
  v3 ^= last, round(), round(), v0 ^= last;
  v2 ^= 0xff;
  round(), round(), round(), round();
  return v0 ^ v1 ^ v2 ^ v3;
}

inline std::string hex64(std::uint64_t v) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(v));
  return buffer;
}

// The signature of reply number `sequence` with this text.
inline std::string reply_mac(const std::uint64_t key[2], std::uint64_t sequence,
                             const std::string& json) {
  std::string signed_text = std::to_string(sequence) + " " + json;
  return hex64(siphash(key, signed_text.data(), signed_text.size()));
}

// "op arg arg ..." split at spaces; `rest` is everything after the op (a path may hold spaces).
struct Request {
  std::string op;
  std::vector<std::string> args;
  std::string rest;
};

class Channel {
 public:
  static constexpr int k_reply_fd = 3;

  // False at the end of stdin.
  bool read(Request& request) {
    std::string line;
    char chunk[4096];
    while (std::fgets(chunk, sizeof chunk, stdin)) {
      line += chunk;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (line.empty()) return false;
    if (line.back() == '\n') line.pop_back();
    request = Request{};
    std::size_t space = line.find(' ');
    request.op = line.substr(0, space);
    if (space != std::string::npos) request.rest = line.substr(space + 1);
    for (std::size_t at = 0; !request.rest.empty();) {
      std::size_t next = request.rest.find(' ', at);
      request.args.push_back(request.rest.substr(at, next - at));
      if (next == std::string::npos) break;
      at = next + 1;
    }
    return true;
  }

  void set_key(const std::string& hex) {
    for (int i = 0; i < 2; ++i) {
      m_key[i] =
          std::strtoull(hex.substr(static_cast<std::size_t>(16 * i), 16).c_str(), nullptr, 16);
    }
  }

  // One reply, signed. Returns false when the descriptor is gone (the tuner went away).
  bool reply(const std::string& json) {
    std::string line = "kevolve-reply " + std::to_string(m_sequence) + " " +
                       reply_mac(m_key, m_sequence, json) + " " + json + "\n";
    ++m_sequence;
#if defined(__unix__)
    for (std::size_t at = 0; at < line.size();) {
      ssize_t n = ::write(k_reply_fd, line.data() + at, line.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      at += static_cast<std::size_t>(n);
    }
    return true;
#else
    return false;
#endif
  }

 private:
  std::uint64_t m_key[2] = {0, 0};
  std::uint64_t m_sequence = 0;
};

}  // namespace kevolve::detail
