#include "tool/cluster/slurm.hpp"

#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <unistd.h>

namespace kevolve::cluster {

namespace {

std::string single_quoted(std::string_view word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string joined(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ",") + id;
  return list;
}

std::string_view first_line(std::string_view text) {
  text = util::trim(text);
  return text.substr(0, text.find('\n'));
}

// A job id as SLURM writes it: digits, and for an array task "_" and digits.
bool is_job_id(std::string_view id) {
  const auto underscore = id.find('_');
  const auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (underscore == std::string_view::npos) return digits(id);
  return digits(id.substr(0, underscore)) && digits(id.substr(underscore + 1));
}

bool belongs_to(std::string_view row_id, std::string_view id) {
  return row_id == id || (row_id.size() > id.size() && row_id.substr(0, id.size()) == id &&
                          row_id[id.size()] == '_');
}

util::Expected<util::ProcessResult> run(const SlurmSettings& settings,
                                        const std::vector<std::string>& argv,
                                        bool survives_interrupt = false) {
  util::ProcessOptions options;
  options.timeout = settings.command_timeout;
  options.survives_interrupt = survives_interrupt;
  options.max_output = 16 * 1024 * 1024;  // squeue over a large array
  auto result = util::run_process(argv, options);
  if (!result) {
    return util::unexpected(fmt::format(
        "{} (is SLURM's client installed and on PATH? Debian: slurm-client)", result.error()));
  }
  if (result->timed_out || result->interrupted) {
    return util::unexpected(fmt::format("{} did not answer within {} ms{}", argv[0],
                                        settings.command_timeout.count(),
                                        result->interrupted ? " (interrupted)" : ""));
  }
  return result;
}

}  // namespace

std::string job_name(std::string_view name) {
  std::string safe;
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    safe += plain ? c : '_';
  }
  return safe.empty() ? "kevolve" : safe;
}

std::string job_script(const JobRequest& request) {
  std::string script =
      "#!/bin/sh\n"
      "# Written by kevolve (tool/cluster/slurm.cpp): the job runs this one command.\n"
      "exec";
  for (const auto& word : request.command) script += " " + single_quoted(word);
  return script + "\n";
}

std::string time_limit_text(std::chrono::seconds limit) {
  // SLURM counts whole minutes (it rounds seconds up); H:MM:SS says so plainly.
  const auto total = limit.count();
  return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
}

std::vector<std::string> sbatch_command(const SlurmSettings& settings, const JobRequest& request,
                                        const std::filesystem::path& script) {
  std::vector<std::string> argv{settings.sbatch, "--parsable",
                                "--job-name=" + job_name(request.name)};
  const auto option = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) argv.push_back(fmt::format("--{}={}", name, value));
  };
  option("array", request.array);
  option("partition", request.partition);
  option("account", request.account);
  option("gres", request.gres);
  if (request.time_limit.count() > 0) option("time", time_limit_text(request.time_limit));
  option("output", request.output.string());
  option("error", request.output.string());
  option("chdir",
         (request.working_dir.empty() ? settings.script_dir : request.working_dir).string());
  if (!request.requeue) argv.push_back("--no-requeue");
  argv.insert(argv.end(), request.extra_options.begin(), request.extra_options.end());
  argv.push_back(script.string());
  return argv;
}

std::vector<std::string> squeue_command(const SlurmSettings& settings,
                                        const std::vector<std::string>& ids) {
  // -r: one line per array task; -t all: finished jobs too (for MinJobAge after they end).
  return {settings.squeue, "-h", "-r", "-t", "all", "-j", joined(ids), "-o", "%i|%T|%N|%r"};
}

util::Expected<std::string> parse_job_id(std::string_view sbatch_output) {
  // The id is sbatch's last line: its warnings (on stderr, read together) come before.
  std::string_view line = util::trim(sbatch_output);
  if (const auto newline = line.find_last_of('\n'); newline != std::string_view::npos) {
    line = line.substr(newline + 1);
  }
  const std::string_view id = line.substr(0, line.find(';'));
  if (!is_job_id(id)) {
    return util::unexpected(
        fmt::format("sbatch --parsable printed '{}', not a job id", first_line(sbatch_output)));
  }
  return std::string(id);
}

util::Expected<std::vector<JobStatus>> parse_squeue(std::string_view output) {
  std::vector<JobStatus> statuses;
  int line_number = 0;
  for (auto line : util::split(output, '\n')) {
    ++line_number;
    line = util::trim(line);
    if (line.empty()) continue;
    const auto fields = util::split(line, '|');
    if (fields.size() != 4 || !is_job_id(fields[0])) {
      return util::unexpected(
          fmt::format("squeue's line {} is '{}', not ID|STATE|NODE|REASON", line_number, line));
    }
    JobStatus status;
    status.id = std::string(fields[0]);
    status.state = std::string(fields[1]);
    status.outcome = outcome_of(fields[1]);
    status.node = std::string(fields[2]);
    status.reason = std::string(fields[3]);
    statuses.push_back(std::move(status));
  }
  return statuses;
}

std::optional<ExitStatus> exit_status_of(std::string_view scontrol_line) {
  // Our job names hold no spaces or '=' (job_name), so the first " ExitCode=" is the field.
  constexpr std::string_view k_field = " ExitCode=";
  const auto at = scontrol_line.find(k_field);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view value = scontrol_line.substr(at + k_field.size());
  value = value.substr(0, value.find_first_of(" \n"));
  return parse_exit_status(value);
}

SlurmClient::SlurmClient(SlurmSettings settings) : m_settings(std::move(settings)) {}

util::Expected<std::string> SlurmClient::submit(const JobRequest& request) {
  if (request.command.empty()) {
    return util::unexpected(fmt::format("job '{}' has no command", request.name));
  }
  for (const auto& option : request.extra_options) {
    if (option.size() < 3 || option.compare(0, 2, "--") != 0 ||
        option.find('\n') != std::string::npos) {
      return util::unexpected(fmt::format("job '{}': the sbatch option '{}' does not start with --",
                                          request.name, option));
    }
  }
  if (auto made = util::ensure_directory(m_settings.script_dir); !made) {
    return util::unexpected(made.error());
  }
  const auto script = m_settings.script_dir /
                      fmt::format("{}-{}-{}.sh", job_name(request.name), getpid(), ++m_scripts);
  if (auto written = util::write_file_atomically(script, job_script(request)); !written) {
    return util::unexpected(written.error());
  }
  auto result = run(m_settings, sbatch_command(m_settings, request, script));
  if (!result) return util::unexpected(result.error());
  if (!result->ok()) {
    return util::unexpected(fmt::format("sbatch refused job '{}' ({}): {}", job_name(request.name),
                                        result->describe(), first_line(result->output)));
  }
  return parse_job_id(result->output);
}

util::Expected<void> SlurmClient::wait_for_turn() {
  if (!m_polled) return {};
  const auto next = m_last_poll + m_settings.poll_interval;
  while (std::chrono::steady_clock::now() < next) {
    if (util::interrupted()) return util::unexpected(std::string("interrupted"));
    const auto left = next - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(100)));
  }
  return {};
}

util::Expected<ExitStatus> SlurmClient::exit_status(const std::string& id) {
  if (auto known = m_exit_statuses.find(id); known != m_exit_statuses.end()) return known->second;
  auto result = run(m_settings, {m_settings.scontrol, "-o", "show", "job", id});
  if (!result) return util::unexpected(result.error());
  const auto status = result->ok() ? exit_status_of(result->output) : std::nullopt;
  if (!status) {
    return util::unexpected(fmt::format("scontrol show job {} gave no ExitCode ({}): {}", id,
                                        result->describe(), first_line(result->output)));
  }
  m_exit_statuses[id] = *status;
  return *status;
}

util::Expected<std::vector<JobStatus>> SlurmClient::poll(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (!is_job_id(id)) return util::unexpected(fmt::format("'{}' is not a SLURM job id", id));
  }
  if (ids.empty()) return std::vector<JobStatus>{};
  if (auto turn = wait_for_turn(); !turn) return util::unexpected(turn.error());
  auto result = run(m_settings, squeue_command(m_settings, ids));
  m_last_poll = std::chrono::steady_clock::now();
  m_polled = true;
  ++m_squeue_calls;
  if (!result) return util::unexpected(result.error());
  std::vector<JobStatus> listed;
  if (result->ok()) {
    auto parsed = parse_squeue(result->output);
    if (!parsed) return util::unexpected(parsed.error());
    listed = std::move(*parsed);
  } else if (result->output.find("Invalid job id") == std::string::npos) {
    // squeue fails that way when it knows none of the ids: then all are unknown, below.
    return util::unexpected(
        fmt::format("squeue failed ({}): {}", result->describe(), first_line(result->output)));
  }
  std::vector<JobStatus> statuses;
  for (const auto& id : ids) {
    bool found = false;
    for (auto& status : listed) {
      if (!belongs_to(status.id, id)) continue;
      found = true;
      if (status.outcome == JobOutcome::failed) {
        // Still failed without its exit status: one job's record must not end the poll.
        auto exit = exit_status(status.id);
        if (exit) {
          status.exit = *exit;
        } else {
          status.reason += "; " + exit.error();
        }
      }
      statuses.push_back(status);
    }
    if (!found) {
      JobStatus missing;
      missing.id = id;
      missing.reason = "squeue does not list it (finished over MinJobAge ago, or never existed)";
      statuses.push_back(std::move(missing));
    }
  }
  return statuses;
}

util::Expected<std::vector<JobStatus>> SlurmClient::wait(const std::vector<std::string>& ids,
                                                         std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto statuses = poll(ids);
    if (!statuses) return statuses;
    const bool done = std::all_of(statuses->begin(), statuses->end(),
                                  [](const JobStatus& s) { return is_final(s.outcome); });
    if (done || std::chrono::steady_clock::now() >= deadline) return statuses;
  }
}

util::Expected<void> SlurmClient::cancel(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  std::vector<std::string> argv{m_settings.scancel};
  for (const auto& id : ids) {
    if (!is_job_id(id)) return util::unexpected(fmt::format("'{}' is not a SLURM job id", id));
    argv.push_back(id);
  }
  // A cancel is what an interrupt asks for: it runs to its end.
  auto result = run(m_settings, argv, true);
  if (!result) return util::unexpected(result.error());
  if (!result->ok()) {
    return util::unexpected(fmt::format("scancel {} failed ({}): {}", joined(ids),
                                        result->describe(), first_line(result->output)));
  }
  return {};
}

util::Expected<unsigned> parse_cpus(std::string_view output) {
  unsigned total = 0;
  for (std::string_view line : util::split(output, '\n')) {
    line = util::trim(line);
    const auto slash = line.rfind('/');
    if (line.empty() || slash == std::string_view::npos) continue;
    auto count = util::parse_int(util::trim(line.substr(slash + 1)));
    if (!count || *count < 0)
      return util::unexpected(fmt::format("sinfo: not a CPU count: {}", line));
    total += static_cast<unsigned>(*count);
  }
  if (total == 0) return util::unexpected(std::string("sinfo lists no CPUs"));
  return total;
}

util::Expected<unsigned> SlurmClient::cpus(const std::string& partition) {
  std::vector<std::string> argv{m_settings.sinfo, "-h", "-o", "%C"};
  if (!partition.empty()) argv.insert(argv.end(), {"-p", partition});
  auto result = run(m_settings, argv);
  if (!result) return util::unexpected(result.error());
  if (!result->ok()) {
    return util::unexpected(
        fmt::format("sinfo failed ({}): {}", result->describe(), first_line(result->output)));
  }
  return parse_cpus(result->output);
}

}  // namespace kevolve::cluster
