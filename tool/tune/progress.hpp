#pragma once

// The progress of a tune run on stderr: on a terminal one line redrawn in place (evaluations,
// best so far, speedup, ETA); elsewhere whole lines at the start, at every new best and every
// tenth evaluation (ninja's LinePrinter rules).

#include <chrono>
#include <cstdint>
#include <string>

namespace kevolve::tune {

class Progress {
 public:
  // `lines`: never redraw a line in place (several units' progress at once, on one terminal).
  explicit Progress(bool quiet = false, bool lines = false);
  void begin(const std::string& unit);  // names the unit of the notes before start()
  void start(const std::string& unit, std::uint64_t budget, std::uint64_t resumed,
             double baseline_s);
  void trial(std::uint64_t done, double best_s);
  void note(const std::string& text);  // a phase ("re-timing the best 3"), on its own line
  void finish();

 private:
  void draw(bool force_line);

  bool m_smart;
  bool m_quiet;
  std::string m_unit;
  std::uint64_t m_budget = 0;
  std::uint64_t m_done = 0;
  std::uint64_t m_resumed = 0;
  double m_baseline = 0;
  double m_best = 0;
  double m_last_best_printed = 0;
  std::chrono::steady_clock::time_point m_start;
  bool m_line_open = false;
};

std::string format_seconds(double seconds);  // "1.23 ms", "45.6 us", "2.10 s"

}  // namespace kevolve::tune
