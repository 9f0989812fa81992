// How a prompt is composed: the templates in templates/prompts/ are rendered line by line. A line
// that holds only @IF_NAME@ or @UNLESS_NAME@ opens a section kept when the value NAME is (or is
// not) empty, a line @END@ closes it; every other kept line has its @NAME@ placeholders replaced
// as it is copied. Values are appended to the output and never scanned again, so a kernel that
// contains @UNIT@ or a line @END@ reaches the LLM as written. The templates are part of kevolve:
// an unknown name or an unbalanced section there is a bug, thrown as std::logic_error (the unit
// tests render every template). Everything taken from the project is capped here, so that one
// huge file cannot make the prompt huge; only the kernel itself is sent whole.

#include "tool/variant/prompt.hpp"

#include "analyzers/variant_check.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>

#include "templates/templates.hpp"

namespace kevolve::variant {
namespace {

// The rest of the kernel's file and the harness: lines kept nearest the kernel.
constexpr std::size_t k_context_lines = 300;
constexpr std::size_t k_context_chars = 30000;
constexpr std::size_t k_shown_attempts = 6;
// A compiler's or verifier's message: its end, where the error usually is summed up.
constexpr std::size_t k_message_lines = 20;
constexpr std::size_t k_message_chars = 2000;
constexpr std::size_t k_explanation_lines = 10;
constexpr std::size_t k_explanation_chars = 1000;
constexpr std::size_t k_passage_lines = 40;
constexpr std::size_t k_passage_chars = 3000;

using Values = std::map<std::string, std::string, std::less<>>;

bool is_name_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// "@NAME@" at `at` in `line`: NAME's length, or 0 when there is none.
std::size_t placeholder_at(std::string_view line, std::size_t at) {
  std::size_t end = at + 1;
  while (end < line.size() && is_name_char(line[end])) ++end;
  if (end == at + 1 || end >= line.size() || line[end] != '@') return 0;
  return end - at - 1;
}

const std::string& value_of(const Values& values, std::string_view name) {
  auto found = values.find(name);
  if (found == values.end())
    throw std::logic_error(fmt::format("prompt template: unknown placeholder @{}@", name));
  return found->second;
}

// NAME when `line` is exactly "@<prefix>NAME@".
std::optional<std::string_view> directive(std::string_view line, std::string_view prefix) {
  if (line.size() < prefix.size() + 3 || line.front() != '@' || line.back() != '@') return {};
  if (line.substr(1, prefix.size()) != prefix) return {};
  std::string_view name = line.substr(1 + prefix.size(), line.size() - prefix.size() - 2);
  if (!std::all_of(name.begin(), name.end(), is_name_char)) return {};
  return name;
}

// The template without its leading <!-- ... --> comment (documentation, never sent).
std::string_view body_of(std::string_view text) {
  if (text.substr(0, 4) != "<!--") return text;
  std::size_t end = text.find("-->");
  if (end == std::string_view::npos) throw std::logic_error("prompt template: unclosed comment");
  text.remove_prefix(end + 3);
  if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return text;
}

std::string render(std::string_view text, const Values& values) {
  std::string out;
  std::vector<bool> sections;  // each open section: whether its lines are kept
  auto kept = [&] { return sections.empty() || sections.back(); };
  for (std::string_view rest = body_of(text); !rest.empty();) {
    std::size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    if (auto name = directive(line, "IF_")) {
      sections.push_back(kept() && !value_of(values, *name).empty());
    } else if (auto unless = directive(line, "UNLESS_")) {
      sections.push_back(kept() && value_of(values, *unless).empty());
    } else if (line == "@END@") {
      if (sections.empty()) throw std::logic_error("prompt template: @END@ without a section");
      sections.pop_back();
    } else if (kept()) {
      for (std::size_t at = 0; at < line.size();) {
        std::size_t length = line[at] == '@' ? placeholder_at(line, at) : 0;
        if (length == 0) {
          out += line[at++];
          continue;
        }
        out += value_of(values, line.substr(at + 1, length));
        at += length + 2;
      }
      if (newline != std::string_view::npos) out += '\n';
    }
  }
  if (!sections.empty()) throw std::logic_error("prompt template: a section without @END@");
  return out;
}

// A fenced block whose fence is longer than any run of backticks in `code`, so that nothing in
// the code can close it.
std::string fenced(std::string_view code, std::string_view language) {
  std::size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string out = fence + std::string(language) + '\n' + std::string(code);
  if (!code.empty() && code.back() != '\n') out += '\n';
  return out + fence;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  }
  return lines;
}

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Part of a text: whole lines nearest one end, and how many lines were left out.
struct Excerpt {
  std::string text;
  std::size_t hidden = 0;
};

enum class Keep { head, tail };

// At most `max_lines` lines and `max_chars` characters of `text`, from its head or its tail.
// When not even one whole line fits, the nearest `max_chars` bytes of that line are kept (cut
// at a UTF-8 character boundary, marked with "...").
Excerpt excerpt(std::string_view text, Keep keep, std::size_t max_lines, std::size_t max_chars) {
  std::vector<std::string_view> lines = lines_of(text);
  if (keep == Keep::tail) std::reverse(lines.begin(), lines.end());
  std::size_t count = 0, chars = 0;
  while (count < lines.size() && count < max_lines && chars + lines[count].size() + 1 <= max_chars)
    chars += lines[count++].size() + 1;
  std::vector<std::string> kept(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(count));
  if (count == 0 && !lines.empty()) {
    std::string_view line = lines.front();
    std::size_t cut = keep == Keep::head ? max_chars : line.size() - max_chars;
    while (cut > 0 && cut < line.size() && is_continuation_byte(line[cut])) {
      if (keep == Keep::head)
        --cut;
      else
        ++cut;
    }
    kept.push_back(keep == Keep::head ? std::string(line.substr(0, cut)) + "..."
                                      : "..." + std::string(line.substr(cut)));
    count = 1;
  }
  if (keep == Keep::tail) std::reverse(kept.begin(), kept.end());
  Excerpt e;
  for (const std::string& line : kept) e.text += line + '\n';
  e.hidden = lines.size() - count;
  return e;
}

// Compiler messages carry colours and carriage returns; the LLM needs the words.
std::string printable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\x1b') {  // an ANSI escape sequence: ESC '[' parameters, then a final letter
      if (i + 1 < text.size() && text[i + 1] == '[') {
        i += 2;
        while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) ++i;
      }
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') continue;
    if (c == '\x7f') continue;
    out += c;
  }
  return out;
}

std::string count_if_any(std::size_t n) { return n == 0 ? "" : std::to_string(n); }

bool known(double seconds) { return std::isfinite(seconds) && seconds > 0; }

// Three significant digits in the unit that suits: "4.56 ms", "812 us", "1.20 s".
std::string format_time(double s) {
  if (s < 1e-6) return fmt::format("{:.3g} ns", s * 1e9);
  if (s < 1e-3) return fmt::format("{:.3g} us", s * 1e6);
  if (s < 1) return fmt::format("{:.3g} ms", s * 1e3);
  return fmt::format("{:.3g} s", s);
}

std::string language_of(std::string_view backend) { return backend == "cuda" ? "cuda" : "cpp"; }

const char* guidance_of(std::string_view backend) {
  if (backend == "cpu") return templates::prompts_guidance_cpu_md;
  if (backend == "cuda") return templates::prompts_guidance_cuda_md;
  if (backend == "hip") return templates::prompts_guidance_hip_md;
  return nullptr;
}

// The checks' allow-list (analyzers/variant_check.hpp), as the rules state it.
std::string includes_text() {
  std::string out;
  for (std::string_view h : analyzers::allowed_includes())
    out += fmt::format("{}`<{}>`", out.empty() ? "" : ", ", h);
  return out;
}

std::string render_attempt(const Attempt& attempt, std::size_t number) {
  Values v;
  v["NUMBER"] = std::to_string(number);
  v["STATUS"] = attempt.status.empty() ? "unknown" : attempt.status;
  v["TIME"] = attempt.time_s && known(*attempt.time_s) ? format_time(*attempt.time_s) : "";
  v["PARAMS"] = attempt.params;
  v["RESULT"] = v["TIME"] + v["PARAMS"];
  std::string said = printable(attempt.explanation);
  Excerpt explanation =
      excerpt(util::trim(said), Keep::head, k_explanation_lines, k_explanation_chars);
  v["EXPLANATION"] = explanation.text.empty() ? "" : fenced(explanation.text, "text");
  v["EXPLANATION_HIDDEN"] = count_if_any(explanation.hidden);
  std::string why = printable(attempt.message);
  Excerpt message = excerpt(util::trim(why), Keep::tail, k_message_lines, k_message_chars);
  v["MESSAGE"] = message.text.empty() ? "" : fenced(message.text, "text");
  v["MESSAGE_HIDDEN"] = count_if_any(message.hidden);
  v["DIAGNOSIS"] = printable(attempt.diagnosis);
  v["RESULT"] += v["DIAGNOSIS"];
  return render(templates::prompts_attempt_md, v);
}

// The last k_shown_attempts attempts, numbered from the tune's first.
std::string render_attempts(const std::vector<Attempt>& attempts) {
  std::string out;
  std::size_t first = attempts.size() > k_shown_attempts ? attempts.size() - k_shown_attempts : 0;
  for (std::size_t i = first; i < attempts.size(); ++i)
    out += (out.empty() ? "" : "\n") + render_attempt(attempts[i], i + 1);
  return out;
}

// The retrieved passages, each capped (the retrieval keeps the whole within its budget).
std::string render_passages(const std::vector<Passage>& passages) {
  std::string out;
  for (const Passage& p : passages) {
    Excerpt text =
        excerpt(util::trim(printable(p.text)), Keep::head, k_passage_lines, k_passage_chars);
    Values v{{"TITLE", printable(p.title)}, {"ID", printable(p.id)}, {"TEXT", text.text}};
    out += (out.empty() ? "" : "\n") + render(templates::prompts_passage_md, v);
  }
  return out;
}

// What the tree's context mode asks for, and how it titles the attempts (docs/agent.md).
void add_mode(const PromptContext& c, Values& v) {
  struct Wording {
    std::string_view mode, task, title, intro;
  };
  static constexpr Wording k_wordings[] = {
      {"", "", "Earlier attempts of this tune",
       "Learn from them: do not repeat a failure, and build on what worked."},
      {"inherit", "Improve this version further: it came from the steps below.",
       "How this version came to be",
       "Each step rewrote the one before it, oldest first. Keep what made it faster."},
      {"compare-siblings",
       "Write a better rewrite of this version than the ones already tried (below).",
       "Rewrites of this version tried so far",
       "Compare them: do not repeat a failure, and find what the fastest one did right."},
      {"combine",
       "Merge the ideas of this version and the one below into one kernel that keeps both gains.",
       "Rewrites already tried from these two versions", "Do not answer with one of these again."},
      {"fresh", "Start over from this original kernel: a different approach is wanted.",
       "Approaches already tried",
       "Rewrites tried so far, of this kernel or of its rewrites: take another approach."},
  };
  const Wording* w = &k_wordings[0];
  for (const Wording& candidate : k_wordings) {
    if (candidate.mode == c.mode) w = &candidate;
  }
  v["TASK"] = w->task;
  v["ATTEMPTS_TITLE"] = w->title;
  v["ATTEMPTS_INTRO"] = w->intro;
  if (w->title.empty()) v["ATTEMPTS"] = v["ATTEMPTS_HIDDEN"] = "";
  const bool combine = c.mode == "combine" && !c.partner_text.empty();
  v["PARTNER"] = combine ? fenced(c.partner_text, language_of(c.backend)) : "";
  const Attempt& p = c.partner;
  v["PARTNER_TIME"] = combine && p.time_s && known(*p.time_s) ? format_time(*p.time_s) : "";
  v["PARTNER_PARAMS"] = combine ? p.params : "";
  v["PARTNER_RESULT"] = v["PARTNER_TIME"] + v["PARTNER_PARAMS"];
  Excerpt said = excerpt(util::trim(printable(p.explanation)), Keep::head, k_explanation_lines,
                         k_explanation_chars);
  v["PARTNER_EXPLANATION"] = combine && !said.text.empty() ? fenced(said.text, "text") : "";
}

// `text` without the blank lines at its end (`Keep::tail`) or its start, where it meets the
// kernel: they would only push the excerpt's lines away from it.
std::string_view without_blank_edge(std::string_view text, Keep edge) {
  if (edge == Keep::tail) {
    std::size_t last = text.find_last_not_of(" \t\r\n");
    if (last == std::string_view::npos) return {};
    std::size_t newline = text.find('\n', last);
    return text.substr(0, newline == std::string_view::npos ? text.size() : newline + 1);
  }
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  std::size_t newline = text.rfind('\n', first);
  return text.substr(newline == std::string_view::npos ? 0 : newline + 1);
}

void add_file_context(const PromptContext& c, Values& v) {
  std::string language = language_of(c.backend);
  std::string_view before_text = without_blank_edge(c.file_before, Keep::tail);
  std::string_view after_text = without_blank_edge(c.file_after, Keep::head);
  bool any_before = !before_text.empty();
  bool any_after = !after_text.empty();
  Excerpt before = excerpt(before_text, Keep::tail, k_context_lines, k_context_chars);
  Excerpt after = excerpt(after_text, Keep::head, k_context_lines, k_context_chars);
  v["CONTEXT"] = any_before || any_after ? "yes" : "";
  v["FILE_BEFORE"] = any_before ? fenced(before.text, language) : "";
  v["FILE_BEFORE_HIDDEN"] = count_if_any(before.hidden);
  v["FILE_AFTER"] = any_after ? fenced(after.text, language) : "";
  v["FILE_AFTER_HIDDEN"] = count_if_any(after.hidden);
  bool any_harness = !util::trim(c.harness_text).empty();
  Excerpt harness = excerpt(c.harness_text, Keep::head, k_context_lines, k_context_chars);
  v["HARNESS"] = any_harness ? fenced(harness.text, language) : "";
  v["HARNESS_FILE"] = c.harness_file.empty() ? "The harness" : c.harness_file;
  v["HARNESS_HIDDEN"] = count_if_any(harness.hidden);
}

void add_measurements(const PromptContext& c, Values& v) {
  v["BASELINE_TIME"] = known(c.baseline_s) ? format_time(c.baseline_s) : "";
  v["BEST_TIME"] = known(c.best_s) ? format_time(c.best_s) : "";
  v["BEST_PARAMS"] = c.best_params.empty() ? "the defaults" : c.best_params;
  v["SPEEDUP"] =
      known(c.baseline_s) && known(c.best_s) ? fmt::format("{:.3g}x", c.baseline_s / c.best_s) : "";
  v["BOUND"] = c.bound;
  v["PEAK_PERCENT"] = c.peak_percent && std::isfinite(*c.peak_percent) && *c.peak_percent >= 0
                          ? fmt::format("{:.3g}%", *c.peak_percent)
                          : "";
  v["DIAGNOSIS"] = printable(c.diagnosis);
  bool any = false;
  for (const char* name : {"BASELINE_TIME", "BEST_TIME", "BOUND", "PEAK_PERCENT", "DIAGNOSIS"})
    any = any || !v[name].empty();
  v["MEASUREMENTS"] = any ? "yes" : "";
}

}  // namespace

ComposedPrompt compose_prompt(const PromptContext& context) {
  Values v;
  v["UNIT"] = context.unit;
  v["BACKEND"] = context.backend;
  v["DEVICE"] = context.device;
  v["KERNEL_NAME"] = context.kernel_name;
  v["KERNEL_FILE"] = context.kernel_file;
  v["KERNEL"] = fenced(context.kernel_text, language_of(context.backend));
  v["SPACE"] = util::trim(context.space).empty() ? "" : fenced(context.space, "text");
  add_file_context(context, v);
  add_measurements(context, v);
  v["ATTEMPTS"] = render_attempts(context.attempts);
  std::size_t shown = std::min(context.attempts.size(), k_shown_attempts);
  v["ATTEMPTS_HIDDEN"] = count_if_any(context.attempts.size() - shown);
  add_mode(context, v);
  v["PASSAGES"] = render_passages(context.passages);
  const char* guidance = guidance_of(context.backend);
  v["GUIDANCE"] = guidance ? render(guidance, {}) : "";

  ComposedPrompt composed;
  composed.prompt.system = render(templates::prompts_system_md, {{"INCLUDES", includes_text()}});
  composed.prompt.user = render(templates::prompts_variant_md, v);
  util::Hasher hasher;
  hasher.add(composed.prompt.system).add(composed.prompt.user);
  composed.hash = hasher.digest();
  return composed;
}

}  // namespace kevolve::variant
