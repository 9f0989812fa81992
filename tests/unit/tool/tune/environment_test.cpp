#include "tool/tune/environment.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

std::string cause_of(const std::string& log) {
  auto failure = tune::environment_failure(log);
  return failure ? failure->cause : "";
}

}  // namespace

TEST_CASE("failures of the environment are told from the candidate's", "[environment]") {
  // Each as the compilers, binutils and util/process word it.
  CHECK(cause_of("cannot run /opt/gcc/bin/g++: No such file or directory") ==
        "the compiler or linker cannot be run");
  CHECK(cause_of("cannot run ./cc: Permission denied") == "the compiler or linker cannot be run");
  CHECK(cause_of("cannot run ./cc: Exec format error") == "the compiler or linker cannot be run");
  CHECK(cause_of("g++: fatal error: cannot execute 'cc1plus': execvp: No such file or directory") ==
        "the compiler or linker cannot be run");
  CHECK(cause_of("/usr/bin/ccache-wrapper: 3: g++-12: not found") ==
        "the compiler or linker cannot be run");
  CHECK(cause_of("$ c++ -c a.cpp\nfatal error: error writing to /tmp/ccX.s: No space left on "
                 "device\ncompilation terminated.") == "no space left on device");
  CHECK(cause_of("/usr/bin/ld: final link failed: No space left on device") ==
        "no space left on device");
  CHECK(cause_of("cc1plus: fatal error: opening output file x.o: Disk quota exceeded") ==
        "no space left on device");
  CHECK(cause_of("Assembler messages:\nFatal error: can't create a.o: Read-only file system") ==
        "read-only file system");
  CHECK(cause_of("fatal error: kernel.hpp: Too many open files") == "too many open files");
  CHECK(cause_of("g++: fatal error: Killed signal terminated program cc1plus") == "out of memory");
  CHECK(cause_of("virtual memory exhausted: Cannot allocate memory") == "out of memory");
  CHECK(cause_of("stopped: killed by signal 9 (Killed)") == "out of memory");
  CHECK(cause_of("stopped: it ran past the compile timeout (timed out after 600.0 s)") ==
        "the compile timeout");

  // A compiler that never gets to run says nothing about the candidate; memory and time the
  // candidate's own code can exhaust.
  CHECK_FALSE(tune::environment_failure("cannot run g++: No such file or directory")
                  ->candidate_can_cause);
  CHECK(tune::environment_failure("stopped: killed by signal 9 (Killed)")->candidate_can_cause);
  auto timeout = tune::environment_failure("a\nstopped: it ran past the compile timeout (x)\n");
  REQUIRE(timeout);
  CHECK(timeout->line == "stopped: it ran past the compile timeout (x)");
}

TEST_CASE("the candidate's own errors are not the environment's", "[environment]") {
  CHECK_FALSE(tune::environment_failure(
      "kernel.cpp:12:3: error: static assertion failed: this candidate does not compile"));
  CHECK_FALSE(tune::environment_failure("kernel.cpp:3:10: fatal error: tile.hpp: No such file or "
                                        "directory"));
  CHECK_FALSE(tune::environment_failure("ptxas error: Entry function uses too much shared data"));
  CHECK_FALSE(tune::environment_failure(""));
  // Text the source writes into its own diagnostics, or that GCC echoes from it, never counts.
  CHECK_FALSE(tune::environment_failure(
      "kernel.cpp:4:2: error: #error \"No space left on device\""));
  CHECK_FALSE(tune::environment_failure(
      "kernel.cpp:5:1: error: static assertion failed: Read-only file system"));
  CHECK_FALSE(tune::environment_failure(
      "kernel.cpp:6:8: error: invalid operands\n    6 |   int x = \"Too many open files\" * 2;\n"
      "      |           ~~~~~~~~~~~~~~~~~~~~~ ^ ~"));
  // The command kevolve echoes is not the tool's answer.
  CHECK_FALSE(tune::environment_failure("$ c++ -DMSG=\"cannot run \" -c a.cpp\nerror: x"));
}

TEST_CASE("the first error line, made equal across candidates", "[environment]") {
  CHECK(tune::first_error_line("$ c++ -c /w/c12/kernel.cpp\nIn file included from x:\n"
                               "/w/c12/kernel.cpp:14:3: error: 'y' was not declared\n") ==
        "<path> error: 'y' was not declared");
  CHECK(tune::first_error_line("fatal error: error writing to /tmp/ccAb12.s: No space left") ==
        tune::first_error_line("fatal error: error writing to /tmp/ccZz99.s: No space left"));
  CHECK(tune::first_error_line("kernel.cpp:12:3: error: static assertion failed") ==
        "kernel.cpp:N:N: error: static assertion failed");
  CHECK(tune::first_error_line("$ c++ -o exe\n/usr/bin/ld: cannot find -lbenchmark\n") ==
        "<path> cannot find -lbenchmark");
  CHECK(tune::first_error_line("") == "");
}
