#include "tool/executor/jobs.hpp"

#include "util/interrupt.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <thread>
#include <vector>

namespace kevolve::executor {

namespace fs = std::filesystem;

JobWatch::JobWatch(cluster::SlurmSettings settings, std::chrono::milliseconds poll_interval)
    : m_client([&] {
        settings.poll_interval = poll_interval;
        return settings;
      }()),
      m_interval(poll_interval) {}

JobWatch::~JobWatch() { cancel_all(); }

util::Expected<std::string> JobWatch::submit(const cluster::JobRequest& request) {
  std::lock_guard lock(m_mutex);
  auto id = m_client.submit(request);
  if (id) m_jobs.insert(*id);
  return id;
}

std::optional<cluster::JobStatus> JobWatch::status(const std::string& id) {
  std::lock_guard lock(m_mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - m_polled >= m_interval && !m_jobs.empty()) {
    auto polled = m_client.poll({m_jobs.begin(), m_jobs.end()});
    m_polled = std::chrono::steady_clock::now();
    if (polled) {
      for (cluster::JobStatus& s : *polled) m_seen[s.id] = std::move(s);
      forget_finished();
    } else {
      m_poll_error = polled.error();
      KEVOLVE_LOG("cluster: squeue: {}", polled.error());
    }
  }
  auto seen = m_seen.find(id);
  if (seen == m_seen.end()) return std::nullopt;
  return seen->second;
}

// A job (or every task of an array) that is final is asked about no more.
void JobWatch::forget_finished() {
  for (auto it = m_jobs.begin(); it != m_jobs.end();) {
    bool any = false, all_final = true;
    auto note = [&](const cluster::JobStatus& s) {
      any = true;
      all_final = all_final && cluster::is_final(s.outcome);
    };
    if (auto single = m_seen.find(*it); single != m_seen.end()) note(single->second);
    const std::string tasks = *it + "_";
    for (auto s = m_seen.lower_bound(tasks); s != m_seen.end() && s->first.rfind(tasks, 0) == 0;
         ++s)
      note(s->second);
    it = any && all_final ? m_jobs.erase(it) : std::next(it);
  }
}

void JobWatch::done(const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_jobs.erase(id);
}

void JobWatch::cancel_all() {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> running;
  for (const std::string& id : m_jobs) {
    auto seen = m_seen.find(id);
    if (seen == m_seen.end() || !cluster::is_final(seen->second.outcome)) running.push_back(id);
  }
  if (running.empty()) return;
  if (auto cancelled = m_client.cancel(running); !cancelled)
    KEVOLVE_LOG("cluster: cancelling {}: {}", fmt::join(running, " "), cancelled.error());
  m_jobs.clear();
}

std::size_t JobWatch::squeue_calls() const {
  std::lock_guard lock(m_mutex);
  return m_client.squeue_calls();
}

std::string describe(const cluster::JobStatus& s) {
  std::string text = fmt::format("job {} {}", s.id, cluster::to_string(s.outcome));
  if (!s.node.empty()) text += " on " + s.node;
  if (s.exit) text += fmt::format(" (exit {}, signal {})", s.exit->code, s.exit->signal);
  if (!s.state.empty()) text += fmt::format(" ({})", s.state);
  if (!s.reason.empty() && s.reason != "None") text += ": " + s.reason;
  return text;
}

namespace {

std::optional<util::Json> read_answer(const fs::path& file, std::string& error) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  auto json = util::read_json_file(file);
  if (!json) {
    error = json.error();
    return std::nullopt;
  }
  return std::move(*json);
}

}  // namespace

Awaited await_answer(JobWatch& watch, const std::string& job, const fs::path& answer) {
  Awaited out;
  int after_end = 0;  // a final job's answer may still be on its way through the filesystem
  for (;;) {
    if (auto json = read_answer(answer, out.error)) return out.answer = std::move(*json), out;
    if (!out.error.empty()) return out;
    if (util::interrupted()) return out.error = "interrupted", out;
    auto status = watch.status(job);
    if (status && cluster::is_final(status->outcome) && ++after_end > 20) {
      out.ended = status;
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace kevolve::executor
