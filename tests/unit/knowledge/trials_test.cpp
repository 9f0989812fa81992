#include "knowledge/trials.hpp"

#include "knowledge/schema.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

#include "child.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::knowledge;

namespace {

TrialRecord record(int tile, const std::string& status, std::optional<double> time) {
  TrialRecord t;
  t.unit = "blur";
  t.source_hash = "xxh3:abc";
  t.device_id = "cpu-x86_64-test";
  t.problem = {{"n", 1024}};
  t.params = {{"TILE", space::Value(tile)}, {"T", space::Value(std::string("float"))}};
  t.status = status;
  t.time_s = time;
  t.spread = time ? std::optional<double>(0.02) : std::nullopt;
  t.message = status == "ok" ? "" : "seed 1: 'out' differs";
  t.strategy = "ils";
  t.date = "2026-11-21T10:00:00Z";
  return t;
}

}  // namespace

TEST_CASE("trials: appended records read back", "[knowledge][trials]") {
  test::TempDir dir;
  util::PathBeneath file{dir.path(), "trials/blur/cpu-x86_64-test.jsonl"};
  REQUIRE(append_trial(file, record(16, "ok", 1.5e-3)));
  REQUIRE(append_trial(file, record(32, "wrong_result", std::nullopt)));
  auto log = read_trials(file);
  REQUIRE(log);
  REQUIRE(log->records.size() == 2);
  CHECK(log->skipped.empty());
  const TrialRecord& first = log->records[0];
  CHECK(first.params == record(16, "ok", 1.5e-3).params);
  CHECK(first.time_s == 1.5e-3);
  CHECK(first.problem == std::vector<std::pair<std::string, std::int64_t>>{{"n", 1024}});
  CHECK(log->records[1].status == "wrong_result");
  CHECK_FALSE(log->records[1].time_s);
}

TEST_CASE("trials: a line cut short by a kill is skipped, and the next append starts fresh",
          "[knowledge][trials]") {
  test::TempDir dir;
  util::PathBeneath file{dir.path(), "t.jsonl"};
  REQUIRE(append_trial(file, record(16, "ok", 1e-3)));
  std::string text = *util::read_file(file.path());
  dir.write("t.jsonl", text + text.substr(0, text.size() / 2));  // a kill in the middle of a write
  REQUIRE(append_trial(file, record(64, "ok", 2e-3)));
  auto log = read_trials(file);
  REQUIRE(log);
  CHECK(log->records.size() == 2);
  CHECK(log->records[1].params == record(64, "ok", 2e-3).params);
  REQUIRE(log->skipped.size() == 1);
  CHECK_THAT(log->skipped[0], Catch::Contains("t.jsonl:2"));
}

TEST_CASE("trials: a missing log is empty; an unwritable one is an error", "[knowledge][trials]") {
  test::TempDir dir;
  auto none = read_trials({dir.path(), "absent.jsonl"});
  REQUIRE(none);
  CHECK(none->records.empty());
  dir.write("file", "x");
  auto appended = append_trial({dir.path(), "file/t.jsonl"}, record(1, "ok", 1.0));
  REQUIRE_FALSE(appended);
  CHECK_THAT(appended.error(), Catch::Contains("file"));
}

TEST_CASE("trials: each line has its own id and the build it measured", "[knowledge][trials]") {
  test::TempDir dir;
  util::PathBeneath file{dir.path(), "t.jsonl"};
  TrialRecord first = record(16, "ok", 1e-3);
  first.id = new_trial_id();
  first.build = "xxh3:0123";
  TrialRecord second = record(32, std::string(k_environment_error), std::nullopt);
  second.id = new_trial_id();
  CHECK(first.id != second.id);
  REQUIRE(append_trial(file, first));
  REQUIRE(append_trial(file, second));
  auto log = read_trials(file);
  REQUIRE(log);
  REQUIRE(log->records.size() == 2);
  CHECK(log->records[0].id == first.id);
  CHECK(log->records[0].build == "xxh3:0123");
  CHECK(log->records[1].status == "environment_error");
  // Lines from before ids and builds were written still read.
  dir.write("old.jsonl",
            "{\"schema\":1,\"unit\":\"blur\",\"source_hash\":\"h\",\"device_id\":\"cpu\","
            "\"problem\":{},\"params\":{\"TILE\":4},\"status\":\"ok\",\"time_s\":0.5}\n");
  auto old = read_trials({dir.path(), "old.jsonl"});
  REQUIRE(old);
  REQUIRE(old->records.size() == 1);
  CHECK(old->records[0].id.empty());
  CHECK(old->records[0].build.empty());
}

namespace {

// The bytes of a file outside the knowledge directory, to show it was left alone.
std::string outside_bytes(const std::filesystem::path& file) { return *util::read_file(file); }

}  // namespace

TEST_CASE("trials: a log or a directory that is a link is refused, and what it points at is kept",
          "[knowledge][trials]") {
  test::TempDir dir;
  auto outside = dir.write("outside/precious.txt", "precious\n");
  std::filesystem::create_directories(dir / "k/trials/blur");
  SECTION("the log itself") {
    std::filesystem::create_symlink(outside, dir / "k/trials/blur/cpu-x86_64-test.jsonl");
    util::PathBeneath file{dir / "k", "trials/blur/cpu-x86_64-test.jsonl"};
    auto appended = append_trial(file, record(16, "ok", 1e-3));
    REQUIRE_FALSE(appended);
    CHECK_THAT(appended.error(), Catch::Contains("cpu-x86_64-test.jsonl: a symbolic link (to " +
                                                 outside.string() + ")"));
    auto read = read_trials(file);
    REQUIRE_FALSE(read);
    CHECK_THAT(read.error(), Catch::Contains("a symbolic link"));
  }
  SECTION("a directory on its way") {
    std::filesystem::remove(dir / "k/trials/blur");
    std::filesystem::create_directory_symlink(dir / "outside", dir / "k/trials/blur");
    util::PathBeneath file{dir / "k", "trials/blur/precious.txt"};
    auto appended = append_trial(file, record(16, "ok", 1e-3));
    REQUIRE_FALSE(appended);
    CHECK_THAT(appended.error(), Catch::Contains("trials/blur: a symbolic link"));
    CHECK_FALSE(read_trials(file));
    auto fresh = append_trial({dir / "k", "trials/blur/new.jsonl"}, record(16, "ok", 1e-3));
    REQUIRE_FALSE(fresh);
    CHECK_FALSE(std::filesystem::exists(dir / "outside/new.jsonl"));
  }
  CHECK(outside_bytes(outside) == "precious\n");
}

TEST_CASE("trials: a log that is a FIFO or too large is refused without hanging",
          "[knowledge][trials]") {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "trials/blur");
  REQUIRE(::mkfifo((dir / "trials/blur/fifo.jsonl").c_str(), 0644) == 0);
  int status = test::in_child(
      [&] {
        util::PathBeneath fifo{dir.path(), "trials/blur/fifo.jsonl"};
        auto read = read_trials(fifo);
        auto appended = append_trial(fifo, record(16, "ok", 1e-3));
        bool refused =
            !read && read.error().find("not a regular file (a FIFO)") != std::string::npos;
        return refused && !appended ? 0 : 1;
      },
      20);
  CHECK(status == 0);

  auto big = dir / "trials/blur/big.jsonl";
  { std::ofstream(big) << ""; }
  std::filesystem::resize_file(big, k_max_trial_log_bytes + 1);  // sparse: costs no disk
  auto read = read_trials({dir.path(), "trials/blur/big.jsonl"});
  REQUIRE_FALSE(read);
  CHECK_THAT(read.error(), Catch::Contains("more than the limit of 256 MiB"));
}

TEST_CASE("trials: stage times are written where known and read back", "[knowledge][trials]") {
  TrialRecord built = record(16, "compile_error", std::nullopt);
  built.build_s = 1.25;
  util::Json j = to_json(built);
  CHECK(j["build_s"] == 1.25);
  CHECK(!j.contains("run_s"));  // the candidate never ran
  auto back = trial_from_json(j);
  REQUIRE(back);
  CHECK(back->build_s == 1.25);
  CHECK(!back->run_s);
  // Older lines have neither; a value that is not a number is ignored.
  j.erase("build_s");
  j["run_s"] = "fast";
  back = trial_from_json(j);
  REQUIRE(back);
  CHECK(!back->build_s);
  CHECK(!back->run_s);
}
