#pragma once

// Inline SVG charts for the HTML report: no script, no fonts or files from elsewhere, so the page
// draws the same offline. Every text that reaches the markup goes through escape(): unit names,
// messages and parameters come from the knowledge directory, which pull requests change.

#include "tool/report/analysis.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kevolve::report {

// `text` as HTML/XML character data or attribute value: & < > " ' replaced by references.
std::string escape(std::string_view text);

// The colour a trial status is drawn in ("#888888" for a status this kevolve does not know).
std::string colour_of(std::string_view status);

// Best time so far against the evaluation index, each evaluation a point in its status's
// colour; failures (no time) as crosses on the top edge.
std::string convergence_svg(const std::vector<Evaluation>& evaluations);

// One horizontal bar per (label, value), scaled to the largest; `unit` follows each value.
std::string bars_svg(const std::vector<std::pair<std::string, double>>& bars,
                     std::string_view unit);

// The defaults' and the winner's times as bars, the winner's with its interval as a whisker
// (`low_s`..`high_s`).
std::string winner_svg(double defaults_s, double winner_s, double low_s, double high_s);

// A gauge from 0 to 100% of the measured peak.
std::string peak_svg(double percent, std::string_view bound);

// The tuned time of each run (label, seconds), oldest first, as points joined by a line.
std::string runs_svg(const std::vector<std::pair<std::string, double>>& runs);

}  // namespace kevolve::report
