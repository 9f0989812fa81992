#include "tool/llm/redact.hpp"

namespace kevolve::llm {

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  constexpr std::string_view k_mask = "<key>";
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + k_mask.size()))
      text.replace(at, secret.size(), k_mask);
  }
  return text;
}

std::string excerpt(std::string_view text, std::size_t max) {
  std::string line = one_line(text);
  if (line.empty()) return "(empty)";
  if (line.size() <= max) return line;
  std::size_t cut = max;
  while (cut > 0 && is_continuation(line[cut])) --cut;
  return line.substr(0, cut) + "...";
}

std::string tail_excerpt(std::string_view text, std::size_t max) {
  std::string line = one_line(text);
  if (line.empty()) return "(empty)";
  if (line.size() <= max) return line;
  std::size_t from = line.size() - max;
  while (from < line.size() && is_continuation(line[from])) ++from;
  return "..." + line.substr(from);
}

}  // namespace kevolve::llm
