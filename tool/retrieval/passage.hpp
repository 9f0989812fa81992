#pragma once

// Passages: the short texts an LLM prompt is given beside the kernel (docs/retrieval.md). They
// come from three places: the playbook shipped with kevolve (knowledge/playbook/, embedded), and
// the project's `.kevolve/docs/*.md` and `.kevolve/skills/*.md`, which arrive through pull
// requests and are read as untrusted input: through util::ConfinedDir (no link followed out of
// the folder), regular files only, sizes capped, any bytes accepted. What is wrong with a file is
// a problem line in the corpus, never an exception.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::retrieval {

struct Passage {
  std::string id;      // "playbook/gpu-coalescing", "docs/hbm.md#2", "skills/sgemm-1a2b3c4d"
  std::string source;  // "playbook", "docs", "skills"
  std::string title;
  std::string text;  // the body as a prompt shows it (markdown): valid UTF-8, '\n' line ends
  std::vector<std::string> backends, bounds, archs, tags;  // lower-case; empty: any
};

struct Corpus {
  std::vector<Passage> passages;
  std::vector<std::string> problems;  // "path:line: what was wrong" for files skipped or cut
};

// The caps on untrusted folders (docs/retrieval.md, "Caps"). Beyond each, a problem line and
// the rest skipped.
inline constexpr std::size_t k_max_files = 500;                     // a folder's *.md, by name
inline constexpr std::size_t k_max_file_bytes = 256 * 1024;         // a larger file is skipped
inline constexpr std::size_t k_max_folder_bytes = 4 * 1024 * 1024;  // a folder's files together
inline constexpr std::size_t k_max_passages_per_file = 64;          // a docs file's sections
inline constexpr std::size_t k_max_passage_bytes = 4096;            // a longer text is cut
inline constexpr std::size_t k_max_title_bytes = 200;               // a longer title is cut
inline constexpr std::size_t k_max_front_matter_lines = 32;         // else it never closed
inline constexpr std::size_t k_max_list_values = 32;                // a tag list's values

// The playbook shipped with kevolve plus the project's <kevolve_dir>/docs/*.md and
// <kevolve_dir>/skills/*.md (kevolve_dir: the knowledge directory, usually <project>/.kevolve;
// it or either folder may be missing). Passages in that order, each folder's files by name.
Corpus load_corpus(const std::filesystem::path& kevolve_dir);

// How one file becomes passages, for load_corpus and its tests. `source` is "playbook",
// "docs" (split at its `## ` headings) or "skills" (one passage); `stem` the file name without
// ".md"; `label` the file as problem lines name it.
void add_passages(Corpus& corpus, std::string_view source, std::string_view stem,
                  std::string_view bytes, const std::string& label);

// `bytes` as a passage's text holds them: valid UTF-8 with '\n' line ends (CRLF to LF; invalid
// UTF-8 and control characters but tab and newline replaced by U+FFFD).
std::string clean_text(std::string_view bytes);

// At most `max` bytes of valid UTF-8 `text`, cut at a character boundary.
std::string_view cut_utf8(std::string_view text, std::size_t max);

}  // namespace kevolve::retrieval
