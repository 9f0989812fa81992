#include "tool/tune/progress.hpp"

#include "util/terminal.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace kevolve::tune {

std::string format_seconds(double s) {
  if (s <= 0) return "-";
  if (s < 1e-6) return fmt::format("{:.3g} ns", s * 1e9);
  if (s < 1e-3) return fmt::format("{:.3g} us", s * 1e6);
  if (s < 1) return fmt::format("{:.3g} ms", s * 1e3);
  return fmt::format("{:.3g} s", s);
}

Progress::Progress(bool quiet, bool lines)
    : m_smart(!lines && util::is_smart_terminal(stderr)), m_quiet(quiet) {}

void Progress::begin(const std::string& unit) { m_unit = unit; }

void Progress::start(const std::string& unit, std::uint64_t budget, std::uint64_t resumed,
                     double baseline_s) {
  m_unit = unit;
  m_budget = budget;
  m_done = m_resumed = resumed;
  m_baseline = baseline_s;
  m_best = 0;
  m_last_best_printed = 0;
  m_start = std::chrono::steady_clock::now();
  if (m_quiet) return;
  std::string resumed_text =
      resumed ? fmt::format(", resuming after {} from the trial log", resumed) : "";
  fmt::print(stderr, "[{}] tuning: budget {} evaluations, defaults take {}{}\n", unit, budget,
             format_seconds(baseline_s), resumed_text);
}

void Progress::trial(std::uint64_t done, double best_s) {
  m_done = done;
  bool improved = best_s > 0 && (m_best == 0 || best_s < m_best);
  if (best_s > 0) m_best = best_s;
  draw(improved || done % 10 == 0 || done == m_budget);
}

void Progress::note(const std::string& text) {
  if (m_quiet) return;
  if (m_line_open) fmt::print(stderr, "\n");
  m_line_open = false;
  fmt::print(stderr, "[{}] {}\n", m_unit, text);
}

void Progress::draw(bool force_line) {
  if (m_quiet) return;
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  std::uint64_t fresh = m_done > m_resumed ? m_done - m_resumed : 0;
  double eta = fresh > 0 && m_budget > m_done
                   ? elapsed / static_cast<double>(fresh) * static_cast<double>(m_budget - m_done)
                   : 0;
  std::string best =
      m_best > 0 ? fmt::format("best {} ({:.2f}x)", format_seconds(m_best), m_baseline / m_best)
                 : "best -";
  std::string line =
      fmt::format("[{}] {}/{} evaluations  {}  ETA {}:{:02d}", m_unit, m_done, m_budget, best,
                  static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  if (m_smart) {
    fmt::print(stderr, "\r\033[K{}", line);
    std::fflush(stderr);
    m_line_open = true;
  } else if (force_line) {
    fmt::print(stderr, "{}\n", line);
  }
}

void Progress::finish() {
  if (m_line_open) fmt::print(stderr, "\n");
  m_line_open = false;
}

}  // namespace kevolve::tune
