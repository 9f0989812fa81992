#include "tool/report/html.hpp"

#include "tool/report/analysis.hpp"
#include "tool/report/svg.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/record_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kevolve::report {

namespace {

constexpr const char* k_style =
    "body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}"
    "h2{border-top:1px solid #ccc;padding-top:12px}h3{margin-bottom:4px}"
    ".legend span{display:inline-block;margin-right:12px}"
    ".dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}"
    ".note{color:#555}.problem{color:#b00020}svg{display:block;margin:4px 0}";

std::string paragraph(std::string_view text, std::string_view css_class = "") {
  return css_class.empty() ? fmt::format("<p>{}</p>\n", escape(text))
                           : fmt::format("<p class=\"{}\">{}</p>\n", css_class, escape(text));
}

std::string legend(const std::vector<Evaluation>& evaluations) {
  std::map<std::string, std::size_t> counts;
  for (const Evaluation& e : evaluations) ++counts[e.status];
  std::string out = "<p class=\"legend\">";
  for (const auto& [status, count] : counts)
    out += fmt::format("<span><i class=\"dot\" style=\"background:{}\"></i>{} {}</span>",
                       colour_of(status), escape(status), count);
  return out + "<span>&#8212; best so far</span></p>\n";
}

std::string winner_section(const knowledge::Wisdom& w) {
  const knowledge::SizeRecord* r = w.primary();
  if (!r) return paragraph("the wisdom holds no primary record", "note");
  std::string out = "<h3>Winner against the defaults</h3>\n";
  if (tune::defaults_stood(*r)) {
    out += paragraph(
        fmt::format("{}: {}", tune::k_defaults_stand_text, tune::params_text_of(r->best)));
  } else {
    out += paragraph(tune::winner_text(*r));
  }
  // The speedup's interval as the winner's time: baseline / speedup.
  const double low = r->speedup_high > 0 ? r->baseline_s / r->speedup_high : r->time_s;
  const double high = r->speedup_low > 0 ? r->baseline_s / r->speedup_low : r->time_s;
  out += winner_svg(r->baseline_s, r->time_s, low, high) + "\n";
  out += paragraph(
      fmt::format("found {} by {} in {} evaluations", r->date, r->strategy, r->evaluations),
      "note");
  out += "<h3>Share of the peak</h3>\n";
  const util::Json no_peaks = util::Json::object();
  const util::Json& peaks = r->extra.contains("peaks") ? r->extra["peaks"] : no_peaks;
  const std::string achieved =
      tune::achieved_text(r->extra.value("achieved", util::Json::object()), peaks);
  if (r->peak_percent) out += peak_svg(*r->peak_percent, r->bound) + "\n";
  if (!achieved.empty()) out += paragraph(achieved);
  if (!r->peak_percent && achieved.empty())
    out += paragraph("no measured peak for this device (kevolve hw measures it)", "note");
  return out;
}

std::string stage_section(const std::vector<knowledge::TrialRecord>& trials) {
  const StageTimes stages = stage_times(trials);
  std::string out = "<h3>Time per stage</h3>\n";
  if (stages.timed_lines > 0) {
    out += bars_svg({{"building", stages.build_s}, {"verifying and timing", stages.run_s}}, "s");
  } else {
    out += paragraph("the trial log records no stage times (written by an older kevolve)", "note");
  }
  std::vector<std::pair<std::string, double>> ended;
  for (const auto& [stage, count] : stages.ended)
    ended.emplace_back("ended at " + stage, static_cast<double>(count));
  out += bars_svg(ended, "evaluations") + "\n";
  return out;
}

// The first line of the first few distinct failure messages: what to look at first.
std::string failures_section(const std::vector<knowledge::TrialRecord>& trials) {
  constexpr std::size_t k_shown = 5;
  constexpr std::size_t k_line = 200;
  std::vector<std::string> shown;
  for (const knowledge::TrialRecord& t : trials) {
    if (t.status == "ok" || t.message.empty()) continue;
    std::string first = t.message.substr(0, std::min(t.message.find('\n'), k_line));
    std::string entry = fmt::format("{}: {}", t.status, first);
    if (std::find(shown.begin(), shown.end(), entry) == shown.end()) shown.push_back(entry);
    if (shown.size() == k_shown) break;
  }
  if (shown.empty()) return "";
  std::string out = "<h3>Failures <small>(first distinct messages)</small></h3>\n<ul>\n";
  for (const std::string& entry : shown)
    out += fmt::format("<li><code>{}</code></li>\n", escape(entry));
  return out + "</ul>\n";
}

std::string runs_section(const std::vector<Run>& runs) {
  std::vector<std::pair<std::string, double>> tuned;
  for (const Run& run : runs) {
    if (run.best_s) tuned.emplace_back(run.key, *run.best_s);
  }
  std::string out = "<h3>Tuned time across runs</h3>\n";
  if (tuned.size() < 2)
    return out + paragraph(fmt::format("{} run(s) with a timed evaluation in the trial log: "
                                       "nothing to compare yet",
                                       tuned.size()),
                           "note");
  return out + runs_svg(tuned) + "\n";
}

std::string unit_section(const UnitDevice& u) {
  std::string out =
      fmt::format("<h2>{} <small>on {}</small></h2>\n", escape(u.unit), escape(u.device_id));
  for (const std::string& problem : u.problems) out += paragraph(problem, "problem");
  if (u.wisdom) {
    out += winner_section(*u.wisdom);
  } else {
    out += paragraph("no wisdom: nothing recorded as a winner", "note");
  }
  if (u.trials.empty()) return out + paragraph("no trial log", "note");
  const std::vector<Run> runs = runs_of(u.trials);
  const Run& last = runs.back();
  out += fmt::format("<h3>Convergence <small>(run {}, {} evaluations)</small></h3>\n",
                     escape(last.key), last.evaluations.size());
  out += convergence_svg(last.evaluations) + "\n" + legend(last.evaluations);
  out += stage_section(u.trials) + failures_section(u.trials);
  return out + runs_section(runs);
}

}  // namespace

std::string html_report(const std::vector<UnitDevice>& units, const std::string& title) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>kevolve report: {0}</title><style>{1}</style></head><body>\n"
      "<h1>kevolve report</h1>\n<p class=\"note\">knowledge directory {0}: {2} unit/device "
      "pair(s)</p>\n",
      escape(title), k_style, units.size());
  for (const UnitDevice& u : units) out += unit_section(u);
  return out + "</body></html>\n";
}

std::string text_report(const std::vector<UnitDevice>& units) {
  std::string out;
  for (const UnitDevice& u : units) {
    std::string winner = "no wisdom";
    if (u.wisdom && u.wisdom->primary()) {
      const knowledge::SizeRecord& r = *u.wisdom->primary();
      winner =
          tune::defaults_stood(r) ? std::string(tune::k_defaults_stand_text) : tune::winner_text(r);
    }
    const std::vector<Run> runs = runs_of(u.trials);
    std::map<std::string, std::size_t> statuses;
    for (const knowledge::TrialRecord& t : u.trials) ++statuses[t.status];
    std::string outcomes;
    for (const auto& [status, count] : statuses)
      outcomes += fmt::format("{}{} {}", outcomes.empty() ? "" : ", ", count, status);
    out +=
        fmt::format("{} on {}: {}; {} run(s), {} evaluation(s){}{}\n", u.unit, u.device_id, winner,
                    runs.size(), u.trials.size(), outcomes.empty() ? "" : ": ", outcomes);
    if (!runs.empty() && runs.back().best_s)
      out += fmt::format("  latest run {}: best {}\n", runs.back().key,
                         tune::format_seconds(*runs.back().best_s));
    for (const std::string& problem : u.problems) out += "  problem: " + problem + "\n";
  }
  return out;
}

}  // namespace kevolve::report
