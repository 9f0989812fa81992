#include "util/process.hpp"

#include "util/interrupt.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <thread>

#include "temp_dir.hpp"

using namespace kevolve::util;
using namespace std::chrono_literals;

TEST_CASE("process: exit status and output", "[util][process]") {
  auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  REQUIRE(r);
  CHECK(r->exit_code == 3);
  CHECK_FALSE(r->ok());
  CHECK(r->output == "out\nerr\n");
  CHECK(r->describe() == "exit 3");
}

TEST_CASE("process: a signal is reported as such", "[util][process]") {
  auto r = run_process({"sh", "-c", "kill -SEGV $$"});
  REQUIRE(r);
  CHECK(r->signal == SIGSEGV);
  CHECK_THAT(r->describe(), Catch::Contains("killed by signal 11"));
}

TEST_CASE("process: a timeout kills the whole process group", "[util][process]") {
  kevolve::test::TempDir dir;
  auto marker = dir / "grandchild-survived";
  ProcessOptions o;
  o.timeout = 300ms;
  // The grandchild would write the marker after a second unless it is killed with the group.
  auto r = run_process({"sh", "-c", "(sleep 1; touch " + marker.string() + ") & sleep 30"}, o);
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK(r->seconds < 5);
  std::this_thread::sleep_for(1500ms);
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("process: a program that does not exist", "[util][process]") {
  auto r = run_process({"kevolve-no-such-program"});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(),
             Catch::Contains("cannot run kevolve-no-such-program: No such file or directory"));
}

TEST_CASE("process: a long-lived child answers requests until it is killed", "[util][process]") {
  auto child = Child::start({"cat"});
  REQUIRE(child);
  REQUIRE(child->send("hello\n"));
  ProcessResult r = child->read_until("hello\n", 5000ms);
  CHECK_FALSE(r.timed_out);
  CHECK_THAT(r.output, Catch::Contains("hello"));
  CHECK(child->running());
  child->kill();
  CHECK_FALSE(child->running());
  auto missing = Child::start({"kevolve-no-such-program"});
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error(),
             Catch::Contains("cannot run kevolve-no-such-program: No such file or directory"));
}

TEST_CASE("process: an interrupt stops the running program", "[util][process]") {
  clear_interrupt();
  std::thread interrupter([] {
    std::this_thread::sleep_for(200ms);
    request_interrupt();
  });
  auto r = run_process({"sleep", "30"});
  interrupter.join();
  clear_interrupt();
  REQUIRE(r);
  CHECK(r->interrupted);
  CHECK(r->seconds < 5);
}

TEST_CASE("process: a setsid grandchild holding the output does not stretch a timeout",
          "[util][process]") {
  ProcessOptions o;
  o.timeout = 1000ms;
  auto r = run_process({"sh", "-c", "setsid sleep 30 & echo hi; sleep 60"}, o);
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK(r->output == "hi\n");
  CHECK(r->seconds < 10);  // a hang detector: the grandchild holds the pipe for 30 s
}

TEST_CASE("process: an exit returns although a setsid grandchild holds the output",
          "[util][process]") {
  ProcessOptions o;
  o.timeout = 60000ms;
  auto r = run_process({"sh", "-c", "setsid sleep 30 & echo hi"}, o);
  REQUIRE(r);
  CHECK_FALSE(r->timed_out);
  CHECK(r->exit_code == 0);
  CHECK(r->output == "hi\n");
  CHECK(r->seconds < 10);
}

TEST_CASE("process: a program that closes its output still times out", "[util][process]") {
  ProcessOptions o;
  o.timeout = 300ms;
  auto r = run_process({"sh", "-c", "exec >&- 2>&-; sleep 30"}, o);
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK(r->seconds < 10);
}

TEST_CASE("process: a long-lived child's timeout and exit are not stretched by a setsid grandchild",
          "[util][process]") {
  auto hung = Child::start({"sh", "-c", "setsid sleep 30 & echo hi; sleep 60"});
  REQUIRE(hung);
  ProcessResult r = hung->read_until("never", 1000ms);
  CHECK(r.timed_out);
  CHECK(r.output == "hi\n");
  CHECK(r.seconds < 10);
  CHECK_FALSE(hung->running());

  auto gone = Child::start({"sh", "-c", "setsid sleep 30 & echo hi"});
  REQUIRE(gone);
  r = gone->read_until("never", 60000ms);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "hi\n");
  CHECK(r.seconds < 10);
}
