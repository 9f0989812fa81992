#include "tool/report/svg.hpp"

#include "tool/tune/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kevolve::report {

namespace {

constexpr double k_width = 640;
constexpr double k_height = 240;
constexpr double k_left = 70;  // room for the time labels
constexpr double k_right = 16;
constexpr double k_top = 16;
constexpr double k_bottom = 34;

// Maps a time to a y coordinate: logarithmic when the times span more than a factor of 10.
struct TimeAxis {
  double low = 0;
  double high = 1;
  bool log = false;

  static TimeAxis of(double low, double high) {
    TimeAxis a;
    a.log = low > 0 && high / low > 10;
    a.low = a.log ? low / 1.2 : 0;
    a.high = high * 1.1;
    if (a.high <= a.low) a.high = a.low + 1;
    return a;
  }
  double y(double t) const {
    const double top = k_top + 14;  // above it: the failures' row
    const double bottom = k_height - k_bottom;
    double f = log ? (std::log(t) - std::log(low)) / (std::log(high) - std::log(low))
                   : (t - low) / (high - low);
    return bottom - std::clamp(f, 0.0, 1.0) * (bottom - top);
  }
};

double x_of(std::size_t index, std::size_t count) {
  const double span = k_width - k_left - k_right;
  return count <= 1 ? k_left + span / 2
                    : k_left + span * static_cast<double>(index - 1) / (count - 1);
}

std::string open_svg(double height, std::string_view label) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"11\">"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>",
      k_width, height, escape(label));
}

std::string text(double x, double y, std::string_view s, std::string_view anchor = "start") {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>", x, y, anchor,
                     escape(s));
}

// The frame and the time labels at the axis's ends and middle.
std::string time_frame(const TimeAxis& axis, std::string_view x_label) {
  std::string out = fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" "
      "stroke=\"#999999\"/>",
      k_left, k_top, k_width - k_left - k_right, k_height - k_top - k_bottom);
  const double mid = axis.log ? std::sqrt(axis.low * axis.high) : (axis.low + axis.high) / 2;
  for (double t : {axis.low, mid, axis.high}) {
    if (t <= 0) continue;
    out += text(k_left - 4, axis.y(t) + 4, tune::format_seconds(t), "end");
  }
  out += text((k_left + k_width - k_right) / 2, k_height - 6, x_label, "middle");
  return out;
}

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string colour_of(std::string_view status) {
  if (status == "ok") return "#2a9d3f";
  if (status == "compile_error") return "#e07b00";
  if (status == "wrong_result") return "#c0143c";
  if (status == "runtime_error") return "#d62728";
  if (status == "crashed") return "#5a1a1a";
  if (status == "timeout") return "#8e44ad";
  return "#888888";
}

std::string convergence_svg(const std::vector<Evaluation>& evaluations) {
  double low = 0, high = 0;
  for (const Evaluation& e : evaluations) {
    if (!e.time_s) continue;
    low = low == 0 ? *e.time_s : std::min(low, *e.time_s);
    high = std::max(high, *e.time_s);
  }
  const TimeAxis axis = TimeAxis::of(low, high);
  std::string out = open_svg(k_height, "convergence: best time against evaluations");
  out += time_frame(axis, fmt::format("evaluation (1 to {})", evaluations.size()));
  std::string best_line;
  for (const Evaluation& e : evaluations) {
    const double x = x_of(e.index, evaluations.size());
    if (e.time_s) {
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" fill-opacity=\"0.7\">"
          "<title>{}</title></circle>",
          x, axis.y(*e.time_s), colour_of(e.status),
          escape(fmt::format("#{} {} {}", e.index, e.status, tune::format_seconds(*e.time_s))));
    } else {
      const double y = k_top + 7;
      out += fmt::format(
          "<path d=\"M{0:.1f} {1:.1f}l6 6m0 -6l-6 6\" stroke=\"{2}\" stroke-width=\"1.5\">"
          "<title>{3}</title></path>",
          x - 3, y - 3, colour_of(e.status), escape(fmt::format("#{} {}", e.index, e.status)));
    }
    if (e.best_s > 0) best_line += fmt::format("{:.1f},{:.1f} ", x, axis.y(e.best_s));
  }
  if (!best_line.empty())
    out += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f4e99\" stroke-width=\"2\"/>", best_line);
  return out + "</svg>";
}

std::string bars_svg(const std::vector<std::pair<std::string, double>>& bars,
                     std::string_view unit) {
  const double row = 22;
  const double height = k_top + row * static_cast<double>(bars.size()) + 8;
  double largest = 0;
  for (const auto& bar : bars) largest = std::max(largest, bar.second);
  std::string out = open_svg(height, "bars");
  const double span = k_width - 160 - 90;
  for (std::size_t k = 0; k < bars.size(); ++k) {
    const double y = k_top + row * static_cast<double>(k);
    const double w = largest > 0 ? span * bars[k].second / largest : 0;
    out += text(150, y + 14, bars[k].first, "end");
    out += fmt::format(
        "<rect x=\"160\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"16\" fill=\"#4c78a8\"/>", y,
        std::max(w, 1.0));
    out += text(166 + w, y + 13, fmt::format("{:.4g} {}", bars[k].second, unit));
  }
  return out + "</svg>";
}

std::string winner_svg(double defaults_s, double winner_s, double low_s, double high_s) {
  const double largest = std::max({defaults_s, winner_s, high_s});
  const double span = k_width - 160 - 120;
  const auto x = [&](double t) { return 160 + (largest > 0 ? span * t / largest : 0); };
  std::string out = open_svg(80, "winner against the defaults");
  out += text(150, 30, "defaults", "end");
  out += fmt::format("<rect x=\"160\" y=\"17\" width=\"{:.1f}\" height=\"18\" fill=\"#9e9e9e\"/>",
                     x(defaults_s) - 160);
  out += text(x(defaults_s) + 6, 30, tune::format_seconds(defaults_s));
  out += text(150, 62, "winner", "end");
  out += fmt::format("<rect x=\"160\" y=\"49\" width=\"{:.1f}\" height=\"18\" fill=\"#2a9d3f\"/>",
                     x(winner_s) - 160);
  out += fmt::format(
      "<path d=\"M{0:.1f} 58H{1:.1f}M{0:.1f} 52V64M{1:.1f} 52V64\" stroke=\"#000000\" "
      "stroke-width=\"1.5\"/>",
      x(low_s), x(high_s));
  out += text(std::max(x(winner_s), x(high_s)) + 6, 62,
              fmt::format("{} [{}, {}]", tune::format_seconds(winner_s),
                          tune::format_seconds(low_s), tune::format_seconds(high_s)));
  return out + "</svg>";
}

std::string peak_svg(double percent, std::string_view bound) {
  const double span = k_width - 160 - 90;
  const double w = span * std::clamp(percent, 0.0, 100.0) / 100;
  std::string out = open_svg(40, "share of the measured peak");
  out += text(150, 24, bound.empty() ? std::string("peak") : std::string(bound) + " peak", "end");
  out += fmt::format(
      "<rect x=\"160\" y=\"11\" width=\"{:.1f}\" height=\"18\" fill=\"#eeeeee\" "
      "stroke=\"#999999\"/><rect x=\"160\" y=\"11\" width=\"{:.1f}\" height=\"18\" "
      "fill=\"#e8a33d\"/>",
      span, w);
  out += text(166 + span, 24, fmt::format("{:.1f}%", percent));
  return out + "</svg>";
}

std::string runs_svg(const std::vector<std::pair<std::string, double>>& runs) {
  double low = 0, high = 0;
  for (const auto& run : runs) {
    low = low == 0 ? run.second : std::min(low, run.second);
    high = std::max(high, run.second);
  }
  const TimeAxis axis = TimeAxis::of(low, high);
  std::string out = open_svg(k_height, "tuned time across runs");
  out += time_frame(axis, "run");
  std::string line;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const double x = x_of(k + 1, runs.size());
    const double y = axis.y(runs[k].second);
    line += fmt::format("{:.1f},{:.1f} ", x, y);
    out += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"#1f4e99\"><title>{}</title></circle>",
        x, y, escape(fmt::format("{}: {}", runs[k].first, tune::format_seconds(runs[k].second))));
    out += text(x, k_height - k_bottom + 13, runs[k].first.substr(0, 10), "middle");
  }
  out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#1f4e99\"/>", line);
  return out + "</svg>";
}

}  // namespace kevolve::report
