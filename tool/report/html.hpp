#pragma once

// The report itself: one self-contained HTML page (inline SVG and CSS, no script, nothing
// loaded from elsewhere) with a section per unit and device, and the same facts as short text
// for the terminal.

#include "tool/report/collect.hpp"

#include <string>
#include <vector>

namespace kevolve::report {

// The page; `title` names the knowledge directory.
std::string html_report(const std::vector<UnitDevice>& units, const std::string& title);

// A line per unit and device: its winner, the runs in its log and their outcomes.
std::string text_report(const std::vector<UnitDevice>& units);

}  // namespace kevolve::report
