#pragma once

// Answers cached by prompt (docs/llm.md, "Answers are cached"): a call costs money and minutes,
// so a repeated or resumed search never pays twice for one prompt.
//
// One file per prompt, `<32 hex digits>.json`, named by the hash of (provider name, model, the
// `command` provider's program, system, user). It keeps the answer's text, model and usage and the
// full key; never the API key (the providers have already masked it in the text). The directory
// lies in the knowledge directory's git-ignored trials/ part, so its files are read as untrusted:
// through a ConfinedDir (no link is followed, only regular files are read, at most
// k_max_answer_file bytes), and a file that is corrupt, truncated, too large, of another schema or
// of another key is a miss, logged, never an error. It holds no state of its own: several threads
// may call complete() at once when the wrapped provider allows it (two that ask the same prompt
// both send it; the last answer stays).

#include "tool/llm/provider.hpp"
#include "util/files.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace kevolve::llm {

// Version history of the file format:
//   1: {"schema", "key", "model", "prompt_tokens", "answer_tokens", "text"}
inline constexpr int k_answer_schema = 1;

// A kept answer's file is at most this large; a larger answer is not kept (the providers accept
// 8 MiB answers, which JSON escaping can make a little larger).
inline constexpr std::size_t k_max_answer_file = std::size_t{24} << 20;

class AnswerCache final : public Provider {
 public:
  // Answers kept in `dir.relative` beneath `dir.root`, which is created with the first answer
  // kept. No link beneath the root is followed.
  AnswerCache(Provider& inner, util::PathBeneath dir);
  // Answers kept in `dir` itself.
  AnswerCache(Provider& inner, std::filesystem::path dir);

  // The kept answer when there is one (Reply::cached set, seconds 0, attempts 0, usage as it
  // was); otherwise the wrapped provider's, kept when it succeeds (atomically; a failed call is
  // never kept, and an answer that cannot be kept is still returned).
  util::Expected<Reply> complete(const Prompt& prompt) override;

  std::string describe() const override { return m_inner.describe(); }
  std::string_view name() const override { return m_inner.name(); }
  std::string model() const override { return m_inner.model(); }

  // "xxh3:<32 hex digits>": the hash of (provider name, model, answerer, system, user); its
  // digits name the prompt's file.
  std::string key_of(const Prompt& prompt) const;
  // The file that keeps the answer to `prompt`, beneath the directory (for messages and tests).
  std::filesystem::path file_of(const Prompt& prompt) const;

 private:
  std::optional<Reply> recall(const std::string& key) const;
  void keep(const std::string& key, const Reply& reply) const;
  util::Expected<void> write_kept(const std::string& name, std::string_view text) const;

  Provider& m_inner;
  util::PathBeneath m_dir;
};

}  // namespace kevolve::llm
