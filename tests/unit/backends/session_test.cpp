// The harness protocol end to end on the CPU: a real harness, compiled with the generated main,
// serves sessions; stand-in kernels cheat in the ways the harness must catch (docs/harness.md).
// The kernel picks its behaviour from the name it was started under (one build, many links).
#include "backends/session.hpp"

#include "backends/cpu/counters.hpp"
#include "backends/sandbox.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "skip.hpp"
#include "temp_dir.hpp"
#include "templates/templates.hpp"

using namespace kevolve;
namespace fs = std::filesystem;
using backends::Status;

namespace {

constexpr const char* k_harness = R"(
#include <kevolve/bench.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>

static bool is(const char* name) { return std::strcmp(program_invocation_short_name, name) == 0; }
static int calls = 0;

// Lines of `bytes` in all on `fd`, numbered from `first`.
static void chatter(int fd, long bytes, long first = 0) {
  char line[128];
  for (long n = first, written = 0; written < bytes; ++n) {
    int size = std::snprintf(line, sizeof line, "chatter %ld on fd %d %0*d\n", n, fd, 60, 0);
    written += write(fd, line, static_cast<std::size_t>(size));
  }
}
// The chatty harness prints 10 MiB on stdout and on stderr before the protocol starts.
static const bool chatty_start = is("chatty") && (chatter(1, 10 << 20), chatter(2, 10 << 20), true);

static void scale(long n, const float* x, float* y) {
  ++calls;
  if (is("forge")) {
    const char line[] = "kevolve-reply 2 0123456789abcdef {\"status\":\"ok\",\"seconds\":0}\n";
    (void)!write(3, line, sizeof line - 1);
  }
  if (is("crash") && calls > 1) *(volatile int*)nullptr = 1;
  if (is("chatty") && calls <= 4) chatter(calls % 2 + 1, 1 << 20, calls * 100000);
  if (is("complain") && calls > 1) {
    chatter(1, 1 << 20);
    std::fprintf(stderr, "scale: the table for n=%ld is not ready\n", n);
    std::fflush(stderr);
    std::abort();
  }
  if (is("babble") && calls > 1) {
    std::string line(1 << 20, 'x');  // one line of 1 MiB, no newline, then a crash
    (void)!write(2, line.data(), line.size());
    std::abort();
  }
  if (is("hang")) for (;;) pause();
  if (is("thread") && calls > 1) std::thread([] { sleep(30); }).detach();
  if (is("child") && fork() == 0) { sleep(30); _exit(0); }
  for (long i = 0; i < n; ++i) y[i] = 2 * x[i];
  if (is("overrun")) y[n] = 0;
  if (is("background") && calls == 1) std::thread([y] { usleep(100000); y[0] = 42; }).detach();
}

KEVOLVE_BENCH(scale, b) {
  const long n = b.size("n", {1000, 10});
  const float* x = b.input<float>("x", n);
  float* y = b.output<float>("y", n);
  b.run([&] { scale(n, x, y); });  // by reference: the locals are alive while it runs
}
)";

struct Fixture {
  test::TempDir dir;
  fs::path executable = dir / "ok";

  Fixture() {
    fs::path harness = dir.write("harness.cpp", k_harness);
    fs::path main = dir.write("main.cpp", templates::candidate_main_cpp);
    std::string unit_text = templates::candidate_unit_cpp;
    for (std::size_t at; (at = unit_text.find("@UNIT@")) != std::string::npos;)
      unit_text.replace(at, 6, "scale");
    fs::path unit = dir.write("unit.cpp", unit_text);
    auto built = util::run_process({"c++", "-std=c++17", "-O1", "-I" KEVOLVE_INCLUDE_DIR,
                                    harness.string(), main.string(), unit.string(), "-o",
                                    executable.string(), "-lbenchmark", "-lpthread"});
    REQUIRE(built);
    INFO(built->output);
    REQUIRE(built->ok());
    for (const char* name : {"forge", "crash", "hang", "thread", "child", "overrun", "background",
                             "chatty", "complain", "babble"})
      fs::create_symlink(executable, dir / name);
  }
  backends::Session open(const char* name, int timeout_ms = 20000, fs::path log = {}) {
    auto s = backends::Session::open({(dir / name).string()},
                                     std::chrono::milliseconds(timeout_ms), log);
    INFO((s ? std::string() : s.error()));
    REQUIRE(s);
    return std::move(*s);
  }
};

}  // namespace

TEST_CASE("session: an honest harness is described, called, timed and read", "[session]") {
  Fixture f;
  backends::Session s = f.open("ok");
  backends::Reply described = s.problem(7, {});
  REQUIRE(described.ok());
  auto d = backends::description_from(described.body);
  REQUIRE(d.buffers.size() == 2);
  CHECK(d.refillable == std::vector<std::string>{"x"});
  CHECK(s.call().ok());
  fs::path out = f.dir / "out";
  fs::create_directories(out);
  CHECK(s.outputs(out).ok());
  CHECK(fs::file_size(out / "y.bin") == 4000);
  CHECK(s.refill(9).ok());
  backends::Reply timed = s.time(3, 0.01, 1);
  REQUIRE(timed.ok());
  CHECK(timed.body.at("samples").size() == 3);
  CHECK(timed.body.value("calls", 0) > 3);
  CHECK(timed.body.value("phase_s", 0.0) <= timed.seconds);
  CHECK(s.end().ok());
  REQUIRE(s.problem(8, {"n=10"}).ok());
  CHECK(s.call().ok());
  CHECK(s.end().ok());
  s.close();
}

TEST_CASE("session: what a kernel does to look fast ends the session with a status",
          "[session]") {
  Fixture f;
  fs::path out = f.dir / "out";
  fs::create_directories(out);
  auto first_failure = [&](const char* name, bool pause_before_reading = false) {
    backends::Session s = f.open(name, 2000);
    backends::Reply r = s.problem(7, {});
    for (int i = 0; r.ok() && i < 3; ++i) {
      r = s.call();
      if (r.ok() && pause_before_reading)
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (r.ok()) r = s.outputs(out);
    }
    s.close();
    return r;
  };
  backends::Reply forged = first_failure("forge");
  CHECK(forged.status == Status::rejected);
  CHECK_THAT(forged.message, Catch::Contains("not the harness's reply"));
  CHECK(first_failure("crash").status == Status::crashed);
  auto start = std::chrono::steady_clock::now();
  CHECK(first_failure("hang").status == Status::timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(15));
  backends::Reply thread = first_failure("thread");
  CHECK(thread.status == Status::rejected);
  CHECK_THAT(thread.message, Catch::Contains("thread"));
  backends::Reply child = first_failure("child");
  CHECK(child.status == Status::rejected);
  CHECK_THAT(child.message, Catch::Contains("process"));
  backends::Reply overrun = first_failure("overrun");
  CHECK(overrun.status == Status::wrong_result);
  CHECK_THAT(overrun.message, Catch::Contains("past the end of 'y'"));
  backends::Reply late = first_failure("background", true);
  CHECK(late.status == Status::rejected);
  CHECK_THAT(late.message, Catch::Contains("changed after the call returned"));
}

TEST_CASE("session: a harness's output is kept apart, in a file up to a limit; a failure quotes "
          "its end",
          "[session]") {
  Fixture f;
  const fs::path log = f.dir / "harness.log";
  // 20 MiB before the protocol starts and 1 MiB in each of its first calls, on both streams.
  backends::Session s = f.open("chatty", 20000, log);
  REQUIRE(s.problem(7, {}).ok());
  for (int i = 0; i < 4; ++i) REQUIRE(s.call().ok());
  fs::path out = f.dir / "out";
  fs::create_directories(out);
  REQUIRE(s.outputs(out).ok());
  CHECK(fs::file_size(out / "y.bin") == 4000);
  backends::Reply timed = s.time(3, 0.01, 1);
  REQUIRE(timed.ok());
  CHECK(timed.body.at("samples").size() == 3);
  CHECK(s.end().ok());
  s.close();
  auto text = util::read_file(log);
  REQUIRE(text);
  CHECK(text->size() < backends::Session::k_log_limit + 200);
  CHECK(text->rfind("chatter 0 on fd 1 ", 0) == 0);
  CHECK_THAT(*text, Catch::EndsWith("more output was not kept past 8 MiB]\n"));

  // A failed session quotes the end of the output, not all of it.
  auto failure = [&](const char* name) {
    backends::Session s = f.open(name, 20000, log);
    backends::Reply r = s.problem(7, {});
    for (int i = 0; r.ok() && i < 3; ++i) r = s.call();
    s.close();
    return r;
  };
  backends::Reply complained = failure("complain");
  CHECK(complained.status == Status::crashed);
  CHECK_THAT(complained.message, Catch::Contains("scale: the table for n=1000 is not ready"));
  CHECK(complained.message.size() < 2300);
  INFO(complained.message);
  text = util::read_file(log);
  REQUIRE(text);
  CHECK(text->size() > (std::size_t{1} << 20));  // the whole of it is in the file
  CHECK_THAT(*text, Catch::Contains("the table for n=1000 is not ready"));

  backends::Reply babbled = failure("babble");
  CHECK(babbled.status == Status::crashed);
  CHECK_THAT(babbled.message, Catch::Contains("\n...xxxx"));
  CHECK(babbled.message.size() < 2300);
}

namespace {

// Every event is either counted or unavailable with a reason, never both, never missing.
void check_counters(const backends::Reply& r) {
  INFO(r.message << " " << r.body.dump());
  REQUIRE(r.ok());
  auto c = backends::cpu::counters_from(r.body);
  INFO((c ? std::string() : c.error()));
  REQUIRE(c);
  CHECK(c->calls >= 1);
  CHECK(c->seconds > 0);
  for (const std::string& name : backends::cpu::event_names()) {
    INFO(name);
    const bool counted = c->counts.count(name) > 0;
    const bool unavailable = c->unavailable.count(name) > 0;
    CHECK(counted != unavailable);
    if (unavailable) CHECK_FALSE(c->unavailable.at(name).empty());
  }
  if (c->counts.count("instructions")) CHECK(c->counts.at("instructions") > 0);
}

}  // namespace

TEST_CASE("session: the counters request counts the kernel's calls, or says why it cannot",
          "[session][counters]") {
  Fixture f;
  backends::Session s = f.open("ok");
  REQUIRE(s.problem(7, {}).ok());
  check_counters(s.counters(0.01, 1));
  // The session goes on: the counted calls leave the outputs checked and readable.
  fs::path out = f.dir / "out";
  fs::create_directories(out);
  CHECK(s.outputs(out).ok());
  CHECK(s.end().ok());
  s.close();

  // The watch applies to counted calls too: a thread left running is caught.
  backends::Session t = f.open("thread");
  REQUIRE(t.problem(7, {}).ok());
  REQUIRE(t.call().ok());
  backends::Reply left = t.counters(0.01, 0);
  CHECK(left.status == Status::rejected);
  t.close();
}

TEST_CASE("session: the counters request in the sandbox", "[session][counters]") {
  if (!backends::sandbox_support().available)
    KEVOLVE_SKIP("no sandbox can be made here: " + backends::sandbox_support().reason);
  Fixture f;
  backends::SandboxPolicy policy;
  policy.scratch = f.dir / "scratch";
  fs::create_directories(policy.scratch);
  policy.readable = {f.dir.path()};
  auto opened = backends::Session::open(backends::sandboxed({(f.dir / "ok").string()}, policy),
                                        std::chrono::milliseconds(20000));
  REQUIRE(opened);
  REQUIRE(opened->problem(7, {}).ok());
  check_counters(opened->counters(0.01, 1));
  opened->close();
}
