#include "tool/llm/cache.hpp"

#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace kevolve::llm {

namespace {

namespace fs = std::filesystem;
using util::Json;

constexpr std::string_view k_key_prefix = "xxh3:";

// The file's name: the key's digits (the key itself holds a colon).
std::string file_name_of(const std::string& key) {
  std::string_view digits(key);
  digits.remove_prefix(std::min(digits.size(), k_key_prefix.size()));
  return std::string(digits) + ".json";
}

bool is_count(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0;
}

bool is_string(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string();
}

// The reply a file keeps, or why it keeps none for `key`.
util::Expected<Reply> parse_kept(std::string_view text, const std::string& origin,
                                 const std::string& key) {
  auto j = util::parse_json(text, origin);
  if (!j) return util::unexpected(j.error());
  if (!j->is_object()) return util::unexpected(origin + ": not a JSON object");
  auto schema = j->find("schema");
  if (schema == j->end() || !schema->is_number_integer() ||
      schema->get<std::int64_t>() != k_answer_schema)
    return util::unexpected(fmt::format("{}: expected schema {}", origin, k_answer_schema));
  if (!is_string(*j, "key") || (*j)["key"].get<std::string>() != key)
    return util::unexpected(
        fmt::format("{}: kept for another prompt (expected key {})", origin, key));
  if (!is_string(*j, "text") || !is_string(*j, "model") || !is_count(*j, "prompt_tokens") ||
      !is_count(*j, "answer_tokens"))
    return util::unexpected(fmt::format(
        "{}: expected text, model, prompt_tokens and answer_tokens of their types", origin));
  Reply reply;
  reply.text = (*j)["text"].get<std::string>();
  reply.model = (*j)["model"].get<std::string>();
  reply.usage.prompt_tokens = (*j)["prompt_tokens"].get<std::int64_t>();
  reply.usage.answer_tokens = (*j)["answer_tokens"].get<std::int64_t>();
  reply.seconds = 0;
  reply.attempts = 0;  // nothing was sent
  reply.cached = true;
  return reply;
}

// The file's text, or nothing when the answer cannot be kept as JSON (text that is not UTF-8).
std::optional<std::string> kept_text(const std::string& key, const Reply& reply) {
  Json j = Json{{"schema", k_answer_schema},
                {"key", key},
                {"model", reply.model},
                {"prompt_tokens", reply.usage.prompt_tokens},
                {"answer_tokens", reply.usage.answer_tokens},
                {"text", reply.text}};
  try {
    return util::dump_json(j);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

AnswerCache::AnswerCache(Provider& inner, util::PathBeneath dir)
    : m_inner(inner), m_dir(std::move(dir)) {}

AnswerCache::AnswerCache(Provider& inner, fs::path dir)
    : AnswerCache(inner, util::PathBeneath{std::move(dir), {}}) {}

std::string AnswerCache::key_of(const Prompt& prompt) const {
  util::Hasher hasher;
  hasher.add(m_inner.name()).add(m_inner.model()).add(m_inner.answerer());
  hasher.add(prompt.system).add(prompt.user);
  return hasher.digest();
}

fs::path AnswerCache::file_of(const Prompt& prompt) const {
  return m_dir.path() / file_name_of(key_of(prompt));
}

util::Expected<Reply> AnswerCache::complete(const Prompt& prompt) {
  const std::string key = key_of(prompt);
  if (auto kept = recall(key)) return std::move(*kept);
  auto reply = m_inner.complete(prompt);
  if (reply) keep(key, *reply);
  return reply;
}

std::optional<Reply> AnswerCache::recall(const std::string& key) const {
  const std::string name = file_name_of(key);
  const std::string origin = (m_dir.path() / name).string();
  auto root = util::ConfinedDir::open(m_dir.root);
  if (!root) {
    KEVOLVE_LOG("llm: answer cache: a miss: {}", root.error());
    return std::nullopt;
  }
  auto text = root->read(m_dir.relative / name, k_max_answer_file);
  if (!text) {
    KEVOLVE_LOG("llm: answer cache: a miss: {}", text.error());
    return std::nullopt;
  }
  if (!*text) {
    KEVOLVE_LOG("llm: answer cache: a miss: no {}", origin);
    return std::nullopt;
  }
  auto reply = parse_kept(**text, origin, key);
  if (!reply) {
    KEVOLVE_LOG("llm: answer cache: a miss: {}", reply.error());
    return std::nullopt;
  }
  KEVOLVE_LOG("llm: answer cache: the answer kept in {}", origin);
  return std::move(*reply);
}

// Failing to keep an answer costs a later call, not this one: it is logged, not an error.
void AnswerCache::keep(const std::string& key, const Reply& reply) const {
  const std::string name = file_name_of(key);
  auto text = kept_text(key, reply);
  if (!text || text->size() > k_max_answer_file) {
    KEVOLVE_LOG("llm: answer cache: not kept: {}: the answer {}", (m_dir.path() / name).string(),
                text ? "is too large" : "is not UTF-8 text");
    return;
  }
  if (auto written = write_kept(name, *text); !written) {
    KEVOLVE_LOG("llm: answer cache: not kept: {}", written.error());
    return;
  }
  KEVOLVE_LOG("llm: answer cache: kept {}", (m_dir.path() / name).string());
}

util::Expected<void> AnswerCache::write_kept(const std::string& name, std::string_view text) const {
  if (auto created = util::ensure_directory(m_dir.root); !created) return created;
  auto root = util::ConfinedDir::open(m_dir.root);
  if (!root) return util::unexpected(root.error());
  auto dir = root->make(m_dir.relative);
  if (!dir) return util::unexpected(dir.error());
  return util::write_file_atomically(*dir, name, text);
}

}  // namespace kevolve::llm
