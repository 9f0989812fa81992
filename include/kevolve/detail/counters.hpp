// CPU hardware counters of the candidate's own process (docs/harness.md, the `counters`
// request), through perf_event_open(2): user-space counts only (exclude_kernel), which
// perf_event_paranoid <= 2 allows for one's own threads.
//
// How it works: after the warm-up calls (so that a thread pool the kernel starts on its first
// call exists), one event of each kind is opened, disabled, on every thread of the process.
// Around each counted call, prctl(PR_TASK_PERF_EVENTS_ENABLE/DISABLE) switches all the events
// this thread opened at once (two system calls per call, whatever the number of threads), so
// the untimed reset between calls (outputs poisoned, inouts restored) is not counted. When the
// PMU has fewer counters than events, the kernel time-shares them; each count is scaled by
// time_enabled / time_running and the reply says it was.
//
// An event that cannot be opened (ENOENT: the CPU or a VM without a PMU has none; EACCES/EPERM:
// perf_event_paranoid or a sandbox; ENOSYS: no perf events at all) is reported unavailable with
// the reason; it never fails the request. The counts are the candidate's word: advisory.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(__linux__)
#include <dirent.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace kevolve::detail::counters {

// The events kevolve counts, by the name the reply gives them.
struct EventKind {
  const char* name;
  std::uint32_t type;
  std::uint64_t config;
};

#if defined(__linux__)
constexpr std::uint64_t cache_event(std::uint64_t cache, std::uint64_t op, std::uint64_t result) {
  return cache | (op << 8) | (result << 16);
}

inline const std::vector<EventKind>& kinds() {
  static const std::vector<EventKind> all = {
      {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
      {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
      {"cache_references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
      {"cache_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
      {"l1d_loads", PERF_TYPE_HW_CACHE,
       cache_event(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ,
                   PERF_COUNT_HW_CACHE_RESULT_ACCESS)},
      {"l1d_load_misses", PERF_TYPE_HW_CACHE,
       cache_event(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ,
                   PERF_COUNT_HW_CACHE_RESULT_MISS)},
      {"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
      {"branch_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
  };
  return all;
}

// Why an event could not be opened, in words a user can act on.
inline std::string why_not(int error) {
  switch (error) {
    case ENOENT:
    case EOPNOTSUPP:
      return "the CPU exposes no such event here (no PMU, e.g. a virtual machine without one)";
    case EACCES:
    case EPERM:
      return "not permitted (perf_event_paranoid above 2, or a sandbox or seccomp filter "
             "forbids perf_event_open)";
    case ENOSYS:
      return "the kernel has no perf events (or a seccomp filter hides perf_event_open)";
    case EMFILE:
    case ENFILE:
      return "too many open files";
    default:
      return std::string("perf_event_open failed: ") + std::strerror(error);
  }
}

inline std::vector<int> thread_ids() {
  std::vector<int> ids;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9')
        ids.push_back(std::atoi(entry->d_name));
    }
    ::closedir(dir);
  }
  if (ids.empty()) ids.push_back(static_cast<int>(::syscall(SYS_gettid)));
  return ids;
}
#endif

// The events of one counting phase, on every thread of the process.
class Group {
 public:
  static constexpr std::size_t k_max_threads = 64;  // 8 events each, within the usual fd limit

  Group() {
#if defined(__linux__)
    std::vector<int> threads = thread_ids();
    m_threads = threads.size();
    if (threads.size() > k_max_threads) threads.resize(k_max_threads);
    m_counted_threads = threads.size();
    for (const EventKind& kind : kinds()) {
      Event event{kind.name, {}, {}};
      for (int tid : threads) {
        perf_event_attr attr;
        std::memset(&attr, 0, sizeof attr);
        attr.size = sizeof attr;
        attr.type = kind.type;
        attr.config = kind.config;
        attr.disabled = 1;
        attr.exclude_kernel = 1;
        attr.exclude_hv = 1;
        attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
        const long fd = ::syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
          // A thread that ended since it was listed is not the event's fault.
          if (errno == ESRCH) continue;
          event.unavailable = why_not(errno);
          break;
        }
        event.fds.push_back(static_cast<int>(fd));
      }
      if (!event.unavailable.empty()) close_all(event);
      m_events.push_back(std::move(event));
    }
#endif
  }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;
  ~Group() {
    for (Event& e : m_events) close_all(e);
  }

  // Around one call of the kernel: every event this thread opened, at once.
  void start() {
#if defined(__linux__)
    ::prctl(PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0);
#endif
  }
  void stop() {
#if defined(__linux__)
    ::prctl(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0);
#endif
  }

  // {"counts": {...}, "unavailable": {name: why}, "multiplexed", "threads", "counted_threads"}
  // without the braces, to go into the reply.
  std::string json_fields(std::string (*escape)(const std::string&),
                          std::string (*number)(double)) const {
    std::string counts, unavailable;
    bool multiplexed = false;
    for (const Event& e : m_events) {
      if (!e.unavailable.empty()) {
        unavailable +=
            (unavailable.empty() ? "" : ",") + escape(e.name) + ":" + escape(e.unavailable);
        continue;
      }
      double total = 0;
      bool ran = false;
      for (int fd : e.fds) {
        std::uint64_t values[3] = {0, 0, 0};  // value, time enabled, time running
        if (::read(fd, values, sizeof values) != static_cast<ssize_t>(sizeof values)) continue;
        if (values[2] == 0) continue;
        ran = true;
        if (values[2] < values[1]) multiplexed = true;
        total += static_cast<double>(values[0]) * static_cast<double>(values[1]) /
                 static_cast<double>(values[2]);
      }
      if (ran || e.fds.empty()) {
        counts += (counts.empty() ? "" : ",") + escape(e.name) + ":" + number(total);
      } else {
        unavailable += std::string(unavailable.empty() ? "" : ",") + escape(e.name) + ":" +
                       escape("never scheduled on the PMU (other events took its counters)");
      }
    }
#if !defined(__linux__)
    unavailable = escape("all") + ":" + escape("hardware counters are read on Linux only");
#endif
    return "\"counts\":{" + counts + "},\"unavailable\":{" + unavailable +
           "},\"multiplexed\":" + (multiplexed ? "true" : "false") +
           ",\"threads\":" + std::to_string(m_threads) +
           ",\"counted_threads\":" + std::to_string(m_counted_threads);
  }

 private:
  struct Event {
    std::string name;
    std::vector<int> fds;
    std::string unavailable;
  };
  static void close_all(Event& e) {
#if defined(__linux__)
    for (int fd : e.fds) ::close(fd);
#endif
    e.fds.clear();
  }

  std::vector<Event> m_events;
  std::size_t m_threads = 0;
  std::size_t m_counted_threads = 0;
};

}  // namespace kevolve::detail::counters
