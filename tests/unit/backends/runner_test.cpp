// The device runner's protocol without a device: the runner template compiled by the host
// compiler serves a stand-in candidate library that answers, crashes, hangs or exits as asked.
#include "backends/runner.hpp"

#include "backends/protocol.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <string>

#include "temp_dir.hpp"
#include "templates/templates.hpp"

using namespace kevolve;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_candidate = R"(
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>
extern "C" int kevolve_candidate_main(int, char**) {
  const char* mode = BEHAVIOUR;
  if (!std::strcmp(mode, "crash")) std::raise(SIGSEGV);
  if (!std::strcmp(mode, "hang")) for (;;) pause();
  if (!std::strcmp(mode, "exit")) _exit(5);
  std::printf("noise\nkevolve-result: {\"protocol\":1,\"status\":\"ok\",\"pid\":%d}\n", getpid());
  return 0;
}
)";

// The runner and four stand-in candidates: ok, crash, hang, exit (named by what they do).
struct Fixture {
  test::TempDir dir;
  fs::path runner = dir / "runner";

  Fixture() {
    fs::path source = dir.write("runner.cpp", templates::runner_main_cpp);
    fs::path lib = dir.write("candidate.cpp", k_candidate);
    auto built =
        util::run_process({"c++", "-std=c++17", source.string(), "-o", runner.string(), "-ldl"});
    REQUIRE(built);
    REQUIRE(built->ok());
    for (const char* behaviour : {"ok", "crash", "hang", "exit"}) {
      built = util::run_process({"c++", "-shared", "-fPIC",
                                 std::string("-DBEHAVIOUR=\"") + behaviour + "\"", lib.string(),
                                 "-o", candidate(behaviour)});
      REQUIRE(built);
      REQUIRE(built->ok());
    }
  }
  std::string candidate(const char* behaviour) const {
    return (dir / (std::string(behaviour) + ".so")).string();
  }
};

int pid_in(const std::string& output) {
  auto at = output.find("\"pid\":");
  return at == std::string::npos ? -1 : std::stoi(output.substr(at + 6));
}

util::ProcessOptions within(int ms) {
  util::ProcessOptions o;
  o.timeout = std::chrono::milliseconds(ms);
  return o;
}

}  // namespace

TEST_CASE("one runner serves request after request") {
  Fixture f;
  backends::Runner runner(f.runner);
  auto first = runner.launch({f.candidate("ok"), "describe"}, within(10000));
  auto second = runner.launch({f.candidate("ok"), "describe"}, within(10000));
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->exit_code == 0);
  CHECK(first->output.find("kevolve-result:") != std::string::npos);
  CHECK(first->output.find("kevolve-done") == std::string::npos);
  CHECK(pid_in(first->output) == pid_in(second->output));
  CHECK(runner.starts() == 1);
}

TEST_CASE("a crash, a hang or an exit ends the runner; the next request gets a fresh one") {
  Fixture f;
  backends::Runner runner(f.runner);
  auto ok = runner.launch({f.candidate("ok"), "describe"}, within(10000));
  REQUIRE(ok);

  auto crash = runner.launch({f.candidate("crash"), "describe"}, within(10000));
  REQUIRE(crash);
  CHECK(crash->signal == SIGSEGV);

  auto hang = runner.launch({f.candidate("hang"), "describe"}, within(300));
  REQUIRE(hang);
  CHECK(hang->timed_out);

  auto exited = runner.launch({f.candidate("exit"), "describe"}, within(10000));
  REQUIRE(exited);
  CHECK(exited->exit_code == 5);

  auto after = runner.launch({f.candidate("ok"), "describe"}, within(10000));
  REQUIRE(after);
  CHECK(after->exit_code == 0);
  CHECK(pid_in(after->output) != pid_in(ok->output));
  CHECK(runner.starts() == 4);
}

TEST_CASE("runner outcomes become protocol statuses") {
  Fixture f;
  backends::Runner runner(f.runner);
  backends::RunOptions options;
  options.launcher = &runner;
  options.timeout = std::chrono::milliseconds(500);
  CHECK(backends::run_describe(f.candidate("ok"), options).status == backends::Status::ok);
  CHECK(backends::run_describe(f.candidate("crash"), options).status == backends::Status::crashed);
  CHECK(backends::run_describe(f.candidate("hang"), options).status == backends::Status::timeout);
  CHECK(backends::run_describe(f.candidate("exit"), options).status ==
        backends::Status::runtime_error);
  CHECK(backends::run_describe(f.candidate("ok"), options).status == backends::Status::ok);
}

TEST_CASE("a missing candidate is an error answer, and the runner goes on") {
  Fixture f;
  backends::Runner runner(f.runner);
  auto missing = runner.launch({(f.dir / "absent.so").string(), "describe"}, within(10000));
  REQUIRE(missing);
  CHECK(missing->exit_code == 1);
  CHECK(missing->output.find("cannot load the candidate") != std::string::npos);
  auto ok = runner.launch({f.candidate("ok"), "describe"}, within(10000));
  REQUIRE(ok);
  CHECK(ok->exit_code == 0);
  CHECK(runner.starts() == 1);
}

TEST_CASE("a fresh runner is a new process per request") {
  Fixture f;
  backends::FreshRunner fresh(f.runner);
  auto a = fresh.launch({f.candidate("ok"), "describe"}, within(10000));
  auto b = fresh.launch({f.candidate("ok"), "describe"}, within(10000));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->exit_code == 0);
  CHECK(pid_in(a->output) != pid_in(b->output));
}

TEST_CASE("a runner that cannot start says why") {
  test::TempDir dir;
  fs::path fake =
      dir.write("runner", "#!/bin/sh\necho 'kevolve-runner: no usable device: none'\nexit 2\n");
  fs::permissions(fake, fs::perms::owner_all);
  backends::Runner runner(fake);
  auto result = runner.launch({"x.so", "describe"}, within(10000));
  REQUIRE_FALSE(result);
  CHECK(result.error().find("no usable device") != std::string::npos);
}
