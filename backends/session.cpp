#include "backends/session.hpp"

#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/random.hpp"
#include "util/text.hpp"
#include <kevolve/detail/channel.hpp>

#include <fmt/format.h>

#include <cstring>

namespace kevolve::backends {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_reply = "kevolve-reply ";

// The end of what the candidate printed, to quote in a message: its last `lines` lines, at
// most k_tail_bytes of them, control characters (a terminal's escapes) shown as '?'.
std::string log_tail(const std::string& log, std::size_t lines = 20) {
  constexpr std::size_t k_tail_bytes = 2048;
  const std::string_view text = util::trim(log);
  std::size_t start = text.size() > k_tail_bytes ? text.size() - k_tail_bytes : 0;
  // Not from the middle of a UTF-8 character.
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  bool whole_lines = start == 0;
  for (std::size_t i = text.size(), seen = 0; i > start; --i) {
    if (text[i - 1] == '\n' && ++seen == lines) {
      start = i;
      whole_lines = true;
      break;
    }
  }
  if (start == text.size()) return {};
  std::string out = start == 0 ? "\n" : whole_lines ? "\n...\n" : "\n...";
  for (char c : text.substr(start)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\n' && c != '\t') || u == 0x7F ? '?' : c;
  }
  return out;
}

// The harness's own message, as long as a log's tail at most.
std::string quoted(const std::string& message) {
  return message.size() <= 2048 ? message : message.substr(0, 2048) + "...";
}

Status status_of(const std::string& text) {
  if (text == "input_modified") return Status::wrong_result;
  Status s = Status::runtime_error;
  return parse_status(text, s) ? s : Status::runtime_error;
}

}  // namespace

Session::Session(util::Child child, std::chrono::milliseconds timeout)
    : m_child(std::move(child)), m_timeout(timeout) {}

util::Expected<Session> Session::open(const std::vector<std::string>& command,
                                      std::chrono::milliseconds timeout, const fs::path& log_file) {
  util::ProcessOptions options;
  options.reply_channel = true;
  options.log_file = log_file;
  options.max_output = k_log_limit;
  auto child = util::Child::start(command, options);
  if (!child) return util::unexpected(child.error());
  Session session(std::move(*child), timeout);
  session.m_log_file = log_file;
  for (std::uint64_t& k : session.m_key) k = util::os_random();
  Reply hello =
      session.request("hello " + detail::hex64(session.m_key[0]) + detail::hex64(session.m_key[1]));
  if (!hello.ok()) {
    return util::unexpected(fmt::format("the candidate did not start the protocol ({}): {}",
                                        name_of(hello.status), hello.message));
  }
  return session;
}

Reply Session::ended(const util::ProcessResult& process) {
  m_dead = true;
  Reply r;
  r.seconds = process.seconds;
  std::string log = log_tail(m_child.log());
  if (process.interrupted) {
    r.message = "interrupted";
  } else if (process.timed_out) {
    r.status = Status::timeout;
    r.message = fmt::format("killed after {:.1f} s (timeout){}", process.seconds, log);
  } else if (process.signal != 0) {
    r.status = Status::crashed;
    r.message = fmt::format("{}{}", process.describe(), log);
  } else if (process.exit_code > 128 && process.exit_code < 128 + 65) {
    // In the sandbox, bubblewrap reports a signal that ended the candidate as 128 + signal.
    r.status = Status::crashed;
    r.message = fmt::format("killed by signal {} ({}){}", process.exit_code - 128,
                            strsignal(process.exit_code - 128), log);
  } else {
    r.message = fmt::format("{} before replying{}", process.describe(), log);
  }
  m_child.kill();
  if (!m_log_file.empty()) KEVOLVE_LOG("session: the candidate's output: {}", m_log_file.string());
  return r;
}

Reply Session::request(const std::string& line) {
  Reply r;
  if (m_dead) {
    r.message = "the candidate's process has ended";
    return r;
  }
  if (util::interrupted()) {
    r.message = "interrupted";
    return r;
  }
  // The round trip counts from before the request leaves: the harness may start on it before
  // this thread is scheduled again.
  const auto start = std::chrono::steady_clock::now();
  if (auto sent = m_child.send(line); !sent) return ended(m_child.read_reply(m_timeout));
  util::ProcessResult got = m_child.read_reply(m_timeout);
  if (got.timed_out || got.interrupted || got.exit_code != 0 || got.signal != 0 ||
      got.output.empty())
    return ended(got);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // "kevolve-reply <sequence> <mac> <json>", signed for this sequence number.
  const std::string& text = got.output;
  std::size_t a = text.find(' ', k_reply.size());
  std::size_t b = a == std::string::npos ? a : text.find(' ', a + 1);
  std::string json = b == std::string::npos ? "" : text.substr(b + 1);
  bool signed_ok = text.rfind(k_reply, 0) == 0 && b != std::string::npos &&
                   text.substr(k_reply.size(), a - k_reply.size()) == std::to_string(m_sequence) &&
                   text.substr(a + 1, b - a - 1) == detail::reply_mac(m_key, m_sequence, json);
  ++m_sequence;
  if (!signed_ok) {
    m_dead = true;
    m_child.kill();
    r.status = Status::rejected;
    r.message = fmt::format(
        "a line on the result channel was not the harness's reply (forged or out of turn): {}",
        text.substr(0, 200));
    return r;
  }
  auto parsed = util::parse_json(json, "reply");
  if (!parsed || !parsed->is_object()) {
    r.message = fmt::format("unreadable reply: {}", json.substr(0, 200));
    return r;
  }
  r.body = std::move(*parsed);
  std::string status = r.body.value("status", "");
  r.status = status == "ok" ? Status::ok : status_of(status);
  if (!r.ok()) r.message = quoted(r.body.value("message", status)) + log_tail(m_child.log(), 6);
  return r;
}

Reply Session::problem(std::uint64_t seed, const std::vector<std::string>& sizes) {
  std::string line = fmt::format("problem {}", seed);
  for (const std::string& s : sizes) line += " " + s;
  return request(line);
}

Reply Session::call() { return request("call"); }
Reply Session::reference() { return request("reference"); }
Reply Session::time(int reps, double min_time, int warmup) {
  return request(fmt::format("time {} {} {}", reps, min_time, std::max(warmup, 0)));
}
Reply Session::counters(double min_time, int warmup) {
  return request(fmt::format("counters {} {}", min_time, std::max(warmup, 0)));
}
Reply Session::outputs(const fs::path& dir) { return request("outputs " + dir.string()); }
Reply Session::initial(const fs::path& dir) { return request("initial " + dir.string()); }
Reply Session::refill(std::uint64_t seed) { return request(fmt::format("refill {}", seed)); }
Reply Session::end() { return request("end"); }

void Session::close() {
  if (!m_dead && m_child.send("quit")) (void)m_child.read_reply(m_timeout);
  m_dead = true;
  m_child.kill();
}

}  // namespace kevolve::backends
