// The command provider with scripted programs.

#include "tool/llm/provider.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "temp_dir.hpp"
#include "test_key.hpp"

using namespace kevolve;

namespace {

const llm::Prompt k_prompt{"You rewrite kernels.", "Make this faster:\nvoid k() {}"};

llm::Settings command(const std::filesystem::path& script) {
  llm::Settings s;
  s.provider = "command";
  s.command = "sh " + script.string();
  s.timeout_s = 20;
  return s;
}

util::Expected<llm::Reply> run(const llm::Settings& s) {
  auto provider = llm::make_provider(s);
  REQUIRE(provider);
  return (*provider)->complete(k_prompt);
}

}  // namespace

TEST_CASE("llm command: the prompt on stdin, the answer on stdout", "[llm]") {
  test::TestKeys keys;
  test::TempDir dir;
  auto script = dir.write("agent.sh",
                          "cat > \"$(dirname \"$0\")/stdin.txt\"\n"
                          "echo \"model=$KEVOLVE_LLM_MODEL\" >&2\n"
                          "printf '```cpp\\nvoid k() {}\\n```\\n'\n");
  llm::Settings s = command(script);
  s.model = "agent-model";
  auto reply = run(s);
  REQUIRE(reply);
  CHECK(reply->text == "```cpp\nvoid k() {}\n```\n");
  CHECK(reply->model == "agent-model");
  CHECK(reply->attempts == 1);
  CHECK(*util::read_file(dir / "stdin.txt") ==
        "=== kevolve: instructions ===\nYou rewrite kernels.\n=== kevolve: task ===\n"
        "Make this faster:\nvoid k() {}\n");
  CHECK_NO_KEY(reply->text);
}

TEST_CASE("llm command: a non-zero exit is a failed call with its stderr", "[llm]") {
  test::TestKeys keys;
  test::TempDir dir;
  // A CLI that prints the key it was given: the message masks it.
  auto script = dir.write("agent.sh",
                          "echo partial answer\n"
                          "echo \"bad key $OPENAI_API_KEY\" >&2\n"
                          "echo 'quota exceeded' >&2\nexit 3\n");
  auto reply = run(command(script));
  REQUIRE_FALSE(reply);
  CHECK_THAT(reply.error(), Catch::StartsWith("command `sh " + script.string() + "`: exit 3"));
  CHECK_THAT(reply.error(), Catch::Contains("bad key <key> quota exceeded"));
  CHECK_NO_KEY(reply.error());
}

TEST_CASE("llm command: a timeout kills it and what it started", "[llm]") {
  test::TestKeys keys;
  test::TempDir dir;
  auto marker = dir / "survived";
  auto script = dir.write("agent.sh", "(sleep 1; touch '" + marker.string() + "') &\nsleep 30\n");
  llm::Settings s = command(script);
  s.timeout_s = 0.3;
  auto reply = run(s);
  REQUIRE_FALSE(reply);
  CHECK_THAT(reply.error(), Catch::Contains("timed out after"));
  CHECK_THAT(reply.error(), Catch::Contains("everything it started were killed"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("llm command: too much output, or none, is a failed call", "[llm]") {
  test::TestKeys keys;
  test::TempDir dir;
  auto huge = dir.write("huge.sh", "head -c 9000000 /dev/zero | tr '\\0' x\n");
  auto reply = run(command(huge));
  REQUIRE_FALSE(reply);
  CHECK_THAT(reply.error(), Catch::Contains("its answer is larger than 8"));
  auto silent = dir.write("silent.sh", "echo 'nothing to say' >&2\n");
  auto none = run(command(silent));
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("no answer on stdout (exit 0); its stderr ends: "
                                           "nothing to say"));
  llm::Settings missing = command(dir / "absent.sh");
  auto absent = run(missing);
  REQUIRE_FALSE(absent);
  CHECK_THAT(absent.error(), Catch::Contains("absent.sh"));
}
