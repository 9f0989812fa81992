#pragma once

// The SLURM jobs of one tune, watched together: one squeue for all of them at most once per
// poll interval, whichever thread asks (builds wait in parallel), and an answer file awaited
// while its job is watched, so that a job that ends without answering is noticed.

#include "tool/cluster/slurm.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace kevolve::executor {

class JobWatch {
 public:
  JobWatch(cluster::SlurmSettings settings, std::chrono::milliseconds poll_interval);
  ~JobWatch();  // cancels the jobs still tracked (an interrupt, an error)

  util::Expected<std::string> submit(const cluster::JobRequest& request);
  // The latest status of a job or array task ("12_3"); squeue is asked when the last answer is
  // older than the poll interval. Nothing while squeue has not listed it yet.
  std::optional<cluster::JobStatus> status(const std::string& id);
  void done(const std::string& id);  // no longer watched (its job answered)
  void cancel_all();
  std::size_t squeue_calls() const;

 private:
  void forget_finished();

  mutable std::mutex m_mutex;
  cluster::SlurmClient m_client;
  std::chrono::milliseconds m_interval;
  std::chrono::steady_clock::time_point m_polled{};
  std::set<std::string> m_jobs;  // submitted ids (an array's id stands for its tasks)
  std::map<std::string, cluster::JobStatus> m_seen;
  std::string m_poll_error;
};

// What became of an awaited answer: the file's JSON, or the job's end without it.
struct Awaited {
  std::optional<util::Json> answer;
  std::optional<cluster::JobStatus> ended;  // final without an answer
  std::string error;                        // the answer unreadable, squeue failing, interrupted
};

// Waits for `answer` (written atomically by the job) while `job` runs.
Awaited await_answer(JobWatch& watch, const std::string& job, const std::filesystem::path& answer);

// "lost on node2 (NODE_FAIL)", "failed on node1 (exit 3)": a job's end, for messages.
std::string describe(const cluster::JobStatus& status);

}  // namespace kevolve::executor
