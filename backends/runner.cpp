#include "backends/runner.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace kevolve::backends {

namespace {

constexpr std::string_view k_ready = "kevolve-ready";
constexpr std::string_view k_done = "kevolve-done ";
constexpr std::chrono::milliseconds k_start_timeout{120000};

}  // namespace

util::Expected<util::ProcessResult> ProcessLauncher::launch(const std::vector<std::string>& argv,
                                                            const util::ProcessOptions& options) {
  return util::run_process(argv, options);
}

util::Expected<util::ProcessResult> FreshRunner::launch(const std::vector<std::string>& argv,
                                                        const util::ProcessOptions& options) {
  std::vector<std::string> args = {m_runner.string()};
  args.insert(args.end(), argv.begin(), argv.end());
  return util::run_process(args, options);
}

util::Expected<void> Runner::start(const util::ProcessOptions& options) {
  util::ProcessOptions o = options;
  o.timeout = {};
  auto child = util::Child::start({m_runner.string()}, o);
  if (!child) return util::unexpected(child.error());
  ++m_starts;
  util::ProcessResult ready = child->read_until(k_ready, k_start_timeout);
  if (ready.exit_code != 0 || ready.timed_out || ready.interrupted || !child->running()) {
    std::string said(util::trim(ready.output));
    return util::unexpected(fmt::format("the device runner did not start ({}){}",
                                        ready.interrupted ? "interrupted" : ready.describe(),
                                        said.empty() ? "" : ": " + said));
  }
  m_child = std::move(*child);
  return {};
}

util::Expected<util::ProcessResult> Runner::launch(const std::vector<std::string>& argv,
                                                   const util::ProcessOptions& options) {
  std::string request;
  for (const std::string& a : argv) {
    if (a.find_first_of("\t\n") != std::string::npos)
      return util::unexpected(fmt::format("a runner request cannot hold tabs or newlines: {}", a));
    request += (request.empty() ? "" : "\t") + a;
  }
  if (!m_child || !m_child->running()) {
    m_child.reset();
    if (auto started = start(options); !started) return util::unexpected(started.error());
  }
  if (auto sent = m_child->send(request); !sent) {
    // It died between requests: one fresh start, then the request.
    m_child.reset();
    if (auto started = start(options); !started) return util::unexpected(started.error());
    if (auto again = m_child->send(request); !again) return util::unexpected(again.error());
  }
  util::ProcessResult result = m_child->read_until(k_done, options.timeout);
  bool answered = !result.timed_out && !result.interrupted && result.signal == 0 &&
                  result.exit_code == 0 && result.output.rfind(k_done) != std::string::npos;
  if (!answered) {
    // Killed, crashed or exited mid-request: the status comes from how it ended.
    if (!result.timed_out && !result.interrupted && result.signal == 0 && result.exit_code == 0)
      result.exit_code = 1;
    m_child.reset();
    return result;
  }
  // The answer's last line: "kevolve-done <exit code>[ device-lost <error>]".
  std::size_t at = result.output.rfind(k_done);
  std::string done(util::trim(std::string_view(result.output).substr(at + k_done.size())));
  result.output.erase(at);
  result.exit_code = std::atoi(done.c_str());
  if (done.find("device-lost") != std::string::npos) {
    result.output += fmt::format(
        "\nthe device is in an error state after this run ({}); the "
        "runner restarts",
        done.substr(done.find("device-lost") + 12));
    m_child.reset();
  }
  return result;
}

}  // namespace kevolve::backends
