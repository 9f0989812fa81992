#pragma once

// The tuner's side of the harness protocol (docs/harness.md, "The protocol"): one candidate
// process serves one session of requests. Each reply must come on the candidate's descriptor 3,
// signed with this session's key, within the request's timeout; anything else ends the session
// with a status: a crash, a hang (the process is killed), a reply the harness did not sign
// (`rejected`: something else wrote on the channel). What the candidate prints (stdout and
// stderr) is only its log: kept apart, in a file of its scratch directory up to a limit, and
// its end quoted, at most 20 lines and 2 KiB, when the session fails.

#include "backends/protocol.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"
#include "util/process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::backends {

struct Reply {
  Status status = Status::runtime_error;
  std::string message;  // why it is not ok, with the end of the candidate's log
  util::Json body;      // the reply, when there is one
  double seconds = 0;   // the request's round trip, by the tuner's clock

  bool ok() const { return status == Status::ok; }
};

class Session {
 public:
  // Starts `command` (the candidate, or a runner given the candidate; sandboxed or not) and
  // sends it the session's key, drawn from the OS's random source. What it prints goes to
  // `log_file` (its first k_log_limit bytes), when given.
  static util::Expected<Session> open(const std::vector<std::string>& command,
                                      std::chrono::milliseconds timeout,
                                      const std::filesystem::path& log_file = {});
  static constexpr std::size_t k_log_limit = std::size_t{8} << 20;

  // The harness runs for `seed` and `sizes` (name=value); the reply describes it.
  Reply problem(std::uint64_t seed, const std::vector<std::string>& sizes);
  Reply call();
  Reply reference();
  Reply time(int reps, double min_time, int warmup);
  // CPU: the hardware counters of calls that add up to `min_time` s (backends/counters.hpp).
  Reply counters(double min_time, int warmup);
  Reply outputs(const std::filesystem::path& dir);
  Reply initial(const std::filesystem::path& dir);
  Reply refill(std::uint64_t seed);
  Reply end();
  // Says quit and waits (at most the timeout) for the process to exit; kills it otherwise.
  void close();

  bool alive() const { return !m_dead; }
  void set_timeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

 private:
  explicit Session(util::Child child, std::chrono::milliseconds timeout);
  Reply request(const std::string& line);
  Reply ended(const util::ProcessResult& process);

  util::Child m_child;
  std::filesystem::path m_log_file;
  std::chrono::milliseconds m_timeout;
  std::uint64_t m_key[2] = {0, 0};
  std::uint64_t m_sequence = 0;
  bool m_dead = false;
};

}  // namespace kevolve::backends
