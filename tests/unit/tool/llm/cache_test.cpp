// The answer cache around a provider that counts its calls.

#include "tool/llm/cache.hpp"

#include "util/files.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <utility>
#include <vector>

#include "temp_dir.hpp"
#include "test_key.hpp"

using namespace kevolve;
namespace fs = std::filesystem;

namespace {

const llm::Prompt k_prompt{"You rewrite kernels.", "Make this faster:\nvoid k() {}"};

// Answers "answer <n>" to its n-th call, or fails while `failing` is set.
class CountingProvider final : public llm::Provider {
 public:
  explicit CountingProvider(std::string model = "m1", std::string name = "command")
      : m_model(std::move(model)), m_name(std::move(name)) {}

  util::Expected<llm::Reply> complete(const llm::Prompt&) override {
    ++calls;
    if (failing) return util::unexpected(std::string("the server is down"));
    llm::Reply reply;
    reply.text = answer.empty() ? "answer " + std::to_string(calls) : answer;
    reply.model = m_model + "-reported";
    reply.usage = {100 + calls, 10 + calls};
    reply.seconds = 2.5;
    reply.attempts = 2;
    return reply;
  }
  std::string describe() const override { return "counting " + m_model; }
  std::string_view name() const override { return m_name; }
  std::string model() const override { return m_model; }
  std::string answerer() const override { return program; }

  int calls = 0;
  std::string program;  // as a `command` provider's command line
  bool failing = false;
  std::string answer;  // empty: "answer <n>"

 private:
  std::string m_model;
  std::string m_name;
};

void write(const fs::path& file, const std::string& content) {
  std::ofstream(file, std::ios::binary) << content;
}

// The file a good answer to k_prompt would be kept in, with `key` in place of its own.
std::string kept_json(const std::string& key, const std::string& text = "kept answer") {
  return util::dump_json(util::Json{{"schema", 1},
                                    {"key", key},
                                    {"model", "m1"},
                                    {"prompt_tokens", 1},
                                    {"answer_tokens", 2},
                                    {"text", text}});
}

// What the debug log gained since `from` (the log is one for the whole test binary).
bool logged_since(std::size_t from, const std::string& text) {
  std::string log = test::llm_log();
  return log.size() > from && log.find(text, from) != std::string::npos;
}

}  // namespace

TEST_CASE("answer cache: the second identical prompt is not sent", "[llm][cache]") {
  test::TestKeys keys;
  test::TempDir dir;
  CountingProvider inner;
  llm::AnswerCache cache(inner, dir / "answers");

  auto first = cache.complete(k_prompt);
  REQUIRE(first);
  CHECK_FALSE(first->cached);
  CHECK(first->text == "answer 1");
  CHECK(first->seconds == 2.5);
  CHECK(inner.calls == 1);
  CHECK(fs::is_regular_file(cache.file_of(k_prompt)));

  auto second = cache.complete(k_prompt);
  REQUIRE(second);
  CHECK(inner.calls == 1);
  CHECK(second->cached);
  CHECK(second->text == "answer 1");
  CHECK(second->model == "m1-reported");
  CHECK(second->usage.prompt_tokens == 101);
  CHECK(second->usage.answer_tokens == 11);
  CHECK(second->seconds == 0);
  CHECK(second->attempts == 0);

  // A second cache on the same directory (the next run) finds it too.
  CountingProvider later;
  llm::AnswerCache again(later, dir / "answers");
  auto third = again.complete(k_prompt);
  REQUIRE(third);
  CHECK(third->cached);
  CHECK(later.calls == 0);
  CHECK(cache.name() == "command");
  CHECK(cache.model() == "m1");
  CHECK(cache.describe() == "counting m1");
}

TEST_CASE("answer cache: another model, provider, system or user text is a miss", "[llm][cache]") {
  test::TempDir dir;
  CountingProvider m1("m1"), m2("m2"), other("m1", "openai");
  llm::AnswerCache c1(m1, dir / "answers"), c2(m2, dir / "answers"), c3(other, dir / "answers");
  REQUIRE(c1.complete(k_prompt));
  REQUIRE(c2.complete(k_prompt));
  CHECK(m2.calls == 1);
  REQUIRE(c3.complete(k_prompt));
  CHECK(other.calls == 1);

  llm::Prompt system = k_prompt;
  system.system += " Be brief.";
  auto s = c1.complete(system);
  REQUIRE(s);
  CHECK_FALSE(s->cached);
  llm::Prompt user = k_prompt;
  user.user += "\n";
  auto u = c1.complete(user);
  REQUIRE(u);
  CHECK_FALSE(u->cached);
  CHECK(m1.calls == 3);
  // The parts are hashed with their lengths: moving text from one to the other is a miss.
  llm::Prompt moved{k_prompt.system + "M", k_prompt.user.substr(1)};
  CHECK(c1.key_of(moved) != c1.key_of({k_prompt.system, "M" + k_prompt.user.substr(1)}));
  CHECK(c1.key_of(k_prompt) != c2.key_of(k_prompt));
  CHECK(fs::directory_iterator(dir / "answers") != fs::directory_iterator());
}

TEST_CASE("answer cache: another command program is a miss", "[llm][cache]") {
  test::TempDir dir;
  CountingProvider claude("", "command"), codex("", "command");
  claude.program = "claude -p";
  codex.program = "codex exec";
  llm::AnswerCache first(claude, dir / "answers"), second(codex, dir / "answers");
  REQUIRE(first.complete(k_prompt));
  auto answered = second.complete(k_prompt);
  REQUIRE(answered);
  CHECK_FALSE(answered->cached);
  CHECK(codex.calls == 1);
  auto again = first.complete(k_prompt);
  REQUIRE(again);
  CHECK(again->cached);
  CHECK(claude.calls == 1);
}

TEST_CASE("answer cache: a failed call is not kept", "[llm][cache]") {
  test::TempDir dir;
  CountingProvider inner;
  llm::AnswerCache cache(inner, dir / "answers");
  inner.failing = true;
  auto failed = cache.complete(k_prompt);
  REQUIRE_FALSE(failed);
  CHECK(failed.error() == "the server is down");
  CHECK_FALSE(fs::exists(cache.file_of(k_prompt)));
  inner.failing = false;
  auto sent = cache.complete(k_prompt);
  REQUIRE(sent);
  CHECK_FALSE(sent->cached);
  CHECK(inner.calls == 2);
  auto kept = cache.complete(k_prompt);
  REQUIRE(kept);
  CHECK(kept->cached);
  CHECK(inner.calls == 2);
}

TEST_CASE("answer cache: the file keeps the answer and the key, never the prompt or an API key",
          "[llm][cache]") {
  test::TestKeys keys;
  test::TempDir dir;
  CountingProvider inner;
  llm::AnswerCache cache(inner, dir / "answers");
  REQUIRE(cache.complete(k_prompt));
  auto text = util::read_file(cache.file_of(k_prompt));
  REQUIRE(text);
  auto j = util::parse_json(*text, "kept");
  REQUIRE(j);
  std::vector<std::string> fields;
  for (const auto& [name, value] : j->items()) fields.push_back(name);
  CHECK(fields == std::vector<std::string>{"schema", "key", "model", "prompt_tokens",
                                           "answer_tokens", "text"});
  CHECK((*j)["key"] == cache.key_of(k_prompt));
  CHECK(cache.file_of(k_prompt).filename() == cache.key_of(k_prompt).substr(5) + ".json");
  CHECK(text->find("Make this faster") == std::string::npos);
  CHECK(text->find("You rewrite kernels") == std::string::npos);
  CHECK_NO_KEY(*text);
  // No temporary is left beside it.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "answers")) ++files;
  CHECK(files == 1);
}

TEST_CASE("answer cache: a corrupt, foreign or unreadable file is a miss, then replaced",
          "[llm][cache]") {
  test::TestKeys keys;
  const std::size_t log_start = test::llm_log().size();
  test::TempDir dir;
  CountingProvider inner;
  llm::AnswerCache cache(inner, dir / "answers");
  const fs::path file = cache.file_of(k_prompt);
  fs::create_directories(file.parent_path());
  const std::string key = cache.key_of(k_prompt);
  const std::string good = kept_json(key);

  std::vector<std::pair<std::string, std::string>> bad = {
      {"empty", ""},
      {"truncated", good.substr(0, good.size() / 2)},
      {"another prompt's key", kept_json("xxh3:00000000000000000000000000000000")},
      {"no key", "{\"schema\": 1, \"model\": \"m\", \"text\": \"t\"}"},
      {"a newer schema", util::dump_json(util::Json{{"schema", 2}, {"key", key}})},
      {"not an object", "[1, 2, 3]"},
      {"text of the wrong type", util::dump_json(util::Json{{"schema", 1},
                                                            {"key", key},
                                                            {"model", "m"},
                                                            {"prompt_tokens", 1},
                                                            {"answer_tokens", 1},
                                                            {"text", 42}})},
      {"negative usage", util::dump_json(util::Json{{"schema", 1},
                                                    {"key", key},
                                                    {"model", "m"},
                                                    {"prompt_tokens", -1},
                                                    {"answer_tokens", 1},
                                                    {"text", "t"}})},
      {"deeply nested", std::string(100000, '[')},
  };
  for (const auto& [what, content] : bad) {
    SECTION(what) {
      write(file, content);
      auto reply = cache.complete(k_prompt);
      REQUIRE(reply);
      CHECK_FALSE(reply->cached);
      CHECK(reply->text == "answer 1");
      CHECK(inner.calls == 1);
      CHECK(logged_since(log_start, "answer cache: a miss"));
      // The good answer replaced it.
      auto again = cache.complete(k_prompt);
      REQUIRE(again);
      CHECK(again->cached);
      CHECK(again->text == "answer 1");
      CHECK(inner.calls == 1);
    }
  }
  SECTION("the good file is a hit (the cases above fail for their fault alone)") {
    write(file, good);
    auto reply = cache.complete(k_prompt);
    REQUIRE(reply);
    CHECK(reply->cached);
    CHECK(reply->text == "kept answer");
    CHECK(inner.calls == 0);
  }
}

TEST_CASE("answer cache: a huge, special or linked file is a miss, never read", "[llm][cache]") {
  test::TestKeys keys;
  const std::size_t log_start = test::llm_log().size();
  test::TempDir dir;
  CountingProvider inner;
  llm::AnswerCache cache(inner, dir / "answers");
  const fs::path file = cache.file_of(k_prompt);
  fs::create_directories(file.parent_path());

  SECTION("a 2 GB sparse file") {
    write(file, "");
    fs::resize_file(file, std::uintmax_t{2} << 30);
    auto reply = cache.complete(k_prompt);
    REQUIRE(reply);
    CHECK_FALSE(reply->cached);
    CHECK(inner.calls == 1);
    CHECK(logged_since(log_start, "more than the limit"));
    CHECK(fs::file_size(file) < 4096);  // replaced by the answer
  }
  SECTION("a directory") {
    fs::create_directory(file);
    auto reply = cache.complete(k_prompt);
    REQUIRE(reply);
    CHECK_FALSE(reply->cached);
    CHECK(logged_since(log_start, "answer cache: not kept"));
    CHECK(fs::is_directory(file));
    REQUIRE(cache.complete(k_prompt));
    CHECK(inner.calls == 2);  // never kept: asked again
  }
  SECTION("a FIFO") {
    REQUIRE(::mkfifo(file.c_str(), 0644) == 0);
    auto reply = cache.complete(k_prompt);  // not blocked waiting for a writer
    REQUIRE(reply);
    CHECK_FALSE(reply->cached);
    CHECK(inner.calls == 1);
  }
  SECTION("a link to /etc/passwd") {
    std::string before = util::read_file("/etc/passwd").value_or("");
    fs::create_symlink("/etc/passwd", file);
    auto reply = cache.complete(k_prompt);
    REQUIRE(reply);
    CHECK_FALSE(reply->cached);
    CHECK(inner.calls == 1);
    CHECK(logged_since(log_start, "a symbolic link"));
    CHECK(util::read_file("/etc/passwd").value_or("") == before);
    CHECK(fs::is_regular_file(fs::symlink_status(file)));  // the link was replaced
  }
  SECTION("a link to a good answer outside") {
    write(dir / "outside.json", kept_json(cache.key_of(k_prompt)));
    fs::create_symlink(dir / "outside.json", file);
    auto reply = cache.complete(k_prompt);
    REQUIRE(reply);
    CHECK_FALSE(reply->cached);
    CHECK(inner.calls == 1);
    CHECK(util::read_file(dir / "outside.json").value() == kept_json(cache.key_of(k_prompt)));
  }
}

TEST_CASE("answer cache: beneath a root, a link on the way is not followed", "[llm][cache]") {
  test::TestKeys keys;
  const std::size_t log_start = test::llm_log().size();
  test::TempDir dir;
  CountingProvider inner;
  fs::create_directories(dir / "knowledge");
  fs::create_directories(dir / "elsewhere");
  llm::AnswerCache cache(inner, util::PathBeneath{dir / "knowledge", "trials/answers"});

  SECTION("the directories are made with the first answer kept") {
    REQUIRE(cache.complete(k_prompt));
    CHECK(cache.file_of(k_prompt).parent_path() == dir / "knowledge/trials/answers");
    CHECK(fs::is_regular_file(cache.file_of(k_prompt)));
    REQUIRE(cache.complete(k_prompt));
    CHECK(inner.calls == 1);
  }
  SECTION("trials/ is a link: nothing is read or written through it") {
    fs::create_directory_symlink(dir / "elsewhere", dir / "knowledge/trials");
    fs::create_directories(dir / "elsewhere/answers");
    write(dir / "elsewhere/answers" / cache.file_of(k_prompt).filename(),
          kept_json(cache.key_of(k_prompt)));
    auto reply = cache.complete(k_prompt);
    REQUIRE(reply);
    CHECK_FALSE(reply->cached);
    CHECK(logged_since(log_start, "answer cache: not kept"));
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "elsewhere/answers"))
      ++files;
    CHECK(files == 1);
  }
}

TEST_CASE("answer cache: an answer that is not UTF-8 is returned, not kept", "[llm][cache]") {
  test::TestKeys keys;
  const std::size_t log_start = test::llm_log().size();
  test::TempDir dir;
  CountingProvider inner;
  inner.answer = "```cpp\nvoid k() {} // \xff\xfe\n```\n";
  llm::AnswerCache cache(inner, dir / "answers");
  auto reply = cache.complete(k_prompt);
  REQUIRE(reply);
  CHECK(reply->text == inner.answer);
  CHECK_FALSE(fs::exists(cache.file_of(k_prompt)));
  CHECK(logged_since(log_start, "is not UTF-8 text"));
  REQUIRE(cache.complete(k_prompt));
  CHECK(inner.calls == 2);
}
