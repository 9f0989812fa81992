#include "backends/protocol.hpp"

#include "backends/runner.hpp"
#include "util/interrupt.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace kevolve::backends {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_marker = "kevolve-result: ";

std::string tail(const std::string& output, std::size_t lines = 12) {
  std::size_t at = output.size();
  for (std::size_t n = 0; n < lines && at > 0; ++n) {
    at = output.rfind('\n', at - 1);
    if (at == std::string::npos) {
      at = 0;
      break;
    }
  }
  std::string t = std::string(util::trim(std::string_view(output).substr(at)));
  return t.empty() ? t : "\n" + t;
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  RunResult r;
  if (util::interrupted()) {
    r.message = "interrupted";
    return r;
  }
  std::vector<std::string> args = argv;
  for (const std::string& s : options.sizes) {
    args.push_back("--size");
    args.push_back(s);
  }
  util::ProcessOptions p;
  p.timeout = options.timeout;
  p.max_output = 1 << 20;
  ProcessLauncher fresh;
  Launcher& launcher = options.launcher ? *options.launcher : fresh;
  auto process = launcher.launch(args, p);
  if (!process) {
    r.message = process.error();
    return r;
  }
  r.seconds = process->seconds;
  if (process->interrupted) {
    r.message = "interrupted";
    return r;
  }
  if (process->timed_out) {
    r.status = Status::timeout;
    r.message =
        fmt::format("killed after {:.1f} s (timeout){}", process->seconds, tail(process->output));
    return r;
  }
  if (process->signal != 0) {
    r.status = Status::crashed;
    r.message = fmt::format("{}{}", process->describe(), tail(process->output));
    return r;
  }
  auto at = process->output.rfind(k_marker);
  if (at == std::string::npos) {
    r.status = Status::runtime_error;
    r.message =
        fmt::format("{} without a result line{}", process->describe(), tail(process->output));
    return r;
  }
  std::string line = process->output.substr(at + k_marker.size());
  line = line.substr(0, line.find('\n'));
  auto json = util::parse_json(line, "result line");
  if (!json || !json->is_object()) {
    r.message = fmt::format("unreadable result line: {}", line);
    return r;
  }
  r.result = std::move(*json);
  std::string status = r.result.value("status", "");
  if (status == "ok" && process->exit_code == 0) {
    r.status = Status::ok;
  } else if (status == "input_modified") {
    r.status = Status::wrong_result;
    r.message = r.result.value("message", "it wrote to an input");
  } else {
    r.status = Status::runtime_error;
    r.message = fmt::format("{}: {}", process->describe(), r.result.value("message", status));
  }
  return r;
}

}  // namespace

std::string_view name_of(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::compile_error:
      return "compile_error";
    case Status::runtime_error:
      return "runtime_error";
    case Status::timeout:
      return "timeout";
    case Status::wrong_result:
      return "wrong_result";
    case Status::crashed:
      return "crashed";
  }
  return "?";
}

bool parse_status(std::string_view text, Status& status) {
  for (Status s : {Status::ok, Status::compile_error, Status::runtime_error, Status::timeout,
                   Status::wrong_result, Status::crashed}) {
    if (name_of(s) == text) {
      status = s;
      return true;
    }
  }
  return false;
}

RunResult run_describe(const fs::path& executable, const RunOptions& options) {
  return run({executable.string(), "describe"}, options);
}

RunResult run_verify(const fs::path& executable, std::uint64_t seed, const fs::path& out_dir,
                     bool reference, const RunOptions& options) {
  return run({executable.string(), reference ? "reference" : "verify", "--seed",
              std::to_string(seed), "--out", out_dir.string()},
             options);
}

RunResult run_time(const fs::path& executable, int reps, double min_time,
                   const RunOptions& options) {
  std::vector<std::string> args = {executable.string(),  "time",       "--reps",
                                   std::to_string(reps), "--min-time", fmt::format("{}", min_time)};
  if (options.warmup >= 0) args.insert(args.end(), {"--warmup", std::to_string(options.warmup)});
  return run(args, options);
}

Description description_from(const util::Json& r) {
  Description d;
  auto member = [&](const char* key) -> const util::Json* {
    auto it = r.find(key);
    return it == r.end() ? nullptr : &*it;
  };
  if (const util::Json* sizes = member("sizes"); sizes && sizes->is_object()) {
    for (auto it = sizes->begin(); it != sizes->end(); ++it)
      d.sizes.emplace_back(it.key(), it->get<std::vector<long>>());
  }
  if (const util::Json* problem = member("problem"); problem && problem->is_object()) {
    for (auto it = problem->begin(); it != problem->end(); ++it)
      d.problem.emplace_back(it.key(), it->get<long>());
  }
  if (const util::Json* buffers = member("buffers"); buffers && buffers->is_array()) {
    for (const util::Json& b : *buffers) {
      d.buffers.push_back({b.value("name", ""), b.value("type", ""), b.value("role", ""),
                           b.value("count", std::size_t{0})});
    }
  }
  d.traffic = r.value("traffic", 0.0);
  d.work = r.value("work", 0.0);
  if (const util::Json* tolerances = member("tolerances"); tolerances && tolerances->is_object()) {
    for (auto it = tolerances->begin(); it != tolerances->end(); ++it) {
      d.tolerances[it.key()] = {it->at(0).get<double>(), it->at(1).get<double>()};
    }
  }
  d.has_reference = r.value("has_reference", false);
  return d;
}

}  // namespace kevolve::backends
