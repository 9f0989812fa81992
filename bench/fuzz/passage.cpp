// Fuzz target: a markdown file of .kevolve/docs or .kevolve/skills (untrusted: pull requests),
// read by retrieval::add_passages; then the same bytes as a model's explanation in a skill
// (retrieval::skill_text), read back. Passages are valid UTF-8 within the caps and problems one
// line each; a skill's tags are kevolve's whatever the explanation holds; ranking the passages
// by their own words is deterministic and keeps to its budget.

#include "tool/retrieval/passage.hpp"

#include "tool/retrieval/rank.hpp"
#include "tool/retrieval/skills.hpp"

#include <string>

#include "bench/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kevolve::retrieval;
  std::string_view bytes = kevolve::fuzz::text_of(data, size);
  Corpus corpus;
  add_passages(corpus, size % 2 ? "docs" : "skills", "fuzz", bytes, "fuzz.md");
  kevolve::fuzz::check(corpus.passages.size() <= k_max_passages_per_file, "passages capped");
  for (const Passage& p : corpus.passages) {
    kevolve::fuzz::check(clean_text(p.text) == p.text, "a passage is valid text", p.text);
    kevolve::fuzz::check(clean_text(p.title) == p.title, "a title is valid text", p.title);
    kevolve::fuzz::check(p.text.size() <= k_max_passage_bytes, "a passage is capped");
    kevolve::fuzz::check(p.title.size() <= k_max_title_bytes, "a title is capped");
    kevolve::fuzz::check(!p.text.empty(), "a passage has text");
  }
  for (const std::string& problem : corpus.problems)
    kevolve::fuzz::check(problem.find('\n') == std::string::npos, "a problem is one line", problem);

  Query query{"cuda", "sm_90", "memory", std::string(bytes.substr(0, 512))};
  auto first = retrieve(corpus, query, 3, 2048);
  auto again = retrieve(corpus, query, 3, 2048);
  kevolve::fuzz::check(first.size() <= 3 && first.size() == again.size(), "the budget holds");
  std::size_t used = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    kevolve::fuzz::check(first[i].passage == again[i].passage, "the ranking is deterministic");
    used += first[i].passage->title.size() + first[i].passage->text.size();
  }
  kevolve::fuzz::check(used <= 2048, "the byte budget holds");

  Skill skill;
  skill.unit = "row_sums";
  skill.backend = "cuda";
  skill.arch = "sm_90";
  skill.bound_before = "memory";
  skill.variant = "1a2b3c4d5e6f708192a3b4c5d6e7f809";
  skill.explanation = std::string(bytes);
  skill.diff_summary = std::string(bytes.substr(0, 300));
  skill.device = std::string(bytes.substr(0, 100));
  auto text = skill_text(skill);
  kevolve::fuzz::check(text.has_value(), "a skill with any explanation is written");
  Corpus skills;
  add_passages(skills, "skills", "row_sums-1a2b3c4d", *text, "skill.md");
  kevolve::fuzz::check(skills.problems.empty() && skills.passages.size() == 1,
                       "a skill reads back as one passage without problems", *text);
  const Passage& p = skills.passages[0];
  kevolve::fuzz::check(p.backends == std::vector<std::string>{"cuda"} &&
                           p.bounds == std::vector<std::string>{"memory"} &&
                           p.archs == std::vector<std::string>{"sm_90"} &&
                           p.tags == std::vector<std::string>{"row", "sums"},
                       "the explanation does not change the skill's tags", *text);
  return 0;
}
