#pragma once

// Candidates on their way from the strategy to the device: built by a pool of workers, handed
// to the one runner in the order they finish. On a GPU the runner evaluates a candidate as soon
// as it is built, while the workers compile the next ones; on the CPU the runner waits until
// every build has finished, so that compiling does not disturb the timings.

#include "backends/candidate.hpp"
#include "space/space.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kevolve::tune {

class BuildQueue {
 public:
  using BuildFn = std::function<backends::Build(const space::Point&, const std::string& tag)>;
  struct Built {
    space::Point point;
    std::string tag;
    backends::Build build;
  };

  BuildQueue(unsigned workers, BuildFn build);
  // Drops what is queued and waits for the builds in progress.
  ~BuildQueue();
  BuildQueue(const BuildQueue&) = delete;
  BuildQueue& operator=(const BuildQueue&) = delete;

  void push(space::Point point, std::string tag);
  // The next finished build, or nothing within `wait`. With `when_idle`, only once nothing is
  // queued or being built.
  std::optional<Built> next(std::chrono::milliseconds wait, bool when_idle);

 private:
  void work();

  BuildFn m_build;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Built> m_queued;
  std::deque<Built> m_done;
  unsigned m_building = 0;
  bool m_stopping = false;
  std::vector<std::thread> m_workers;
};

}  // namespace kevolve::tune
