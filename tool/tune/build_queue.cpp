#include "tool/tune/build_queue.hpp"

namespace kevolve::tune {

BuildQueue::BuildQueue(unsigned workers, BuildFn build) : m_build(std::move(build)) {
  for (unsigned i = 0; i < std::max(1u, workers); ++i) m_workers.emplace_back([this] { work(); });
}

BuildQueue::~BuildQueue() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
    m_queued.clear();
  }
  m_changed.notify_all();
  for (std::thread& t : m_workers) t.join();
}

void BuildQueue::push(space::Point point, std::string tag) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_queued.push_back({std::move(point), std::move(tag), {}});
  }
  m_changed.notify_all();
}

void BuildQueue::work() {
  std::unique_lock<std::mutex> lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [this] { return m_stopping || !m_queued.empty(); });
    if (m_stopping) return;
    Built job = std::move(m_queued.front());
    m_queued.pop_front();
    ++m_building;
    lock.unlock();
    job.build = m_build(job.point, job.tag);
    lock.lock();
    --m_building;
    m_done.push_back(std::move(job));
    m_changed.notify_all();
  }
}

std::optional<BuildQueue::Built> BuildQueue::next(std::chrono::milliseconds wait, bool when_idle) {
  std::unique_lock<std::mutex> lock(m_mutex);
  auto ready = [&] {
    return !m_done.empty() && (!when_idle || (m_queued.empty() && m_building == 0));
  };
  if (!m_changed.wait_for(lock, wait, ready)) return std::nullopt;
  Built out = std::move(m_done.front());
  m_done.pop_front();
  return out;
}

}  // namespace kevolve::tune
