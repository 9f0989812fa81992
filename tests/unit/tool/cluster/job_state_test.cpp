#include "tool/cluster/job_state.hpp"

#include <catch2/catch.hpp>

using kevolve::cluster::JobOutcome;
using kevolve::cluster::outcome_of;

TEST_CASE("SLURM's job states map to outcomes", "[cluster]") {
  CHECK(outcome_of("PENDING") == JobOutcome::pending);
  CHECK(outcome_of("REQUEUED") == JobOutcome::pending);
  CHECK(outcome_of("RUNNING") == JobOutcome::running);
  CHECK(outcome_of("COMPLETING") == JobOutcome::running);  // its exit status is not final yet
  CHECK(outcome_of("COMPLETED") == JobOutcome::completed);
  CHECK(outcome_of("FAILED") == JobOutcome::failed);
  CHECK(outcome_of("OUT_OF_MEMORY") == JobOutcome::failed);
  CHECK(outcome_of("TIMEOUT") == JobOutcome::timeout);
  CHECK(outcome_of("DEADLINE") == JobOutcome::timeout);
  CHECK(outcome_of("CANCELLED") == JobOutcome::cancelled);
  CHECK(outcome_of("CANCELLED by 1000") == JobOutcome::cancelled);  // sacct's form
  CHECK(outcome_of("CANCELLED+") == JobOutcome::cancelled);         // truncated by a width
  CHECK(outcome_of(" NODE_FAIL\n") == JobOutcome::lost);
  CHECK(outcome_of("PREEMPTED") == JobOutcome::lost);
  CHECK(outcome_of("BOOT_FAIL") == JobOutcome::lost);
}

TEST_CASE("an unknown or mangled state is unknown, and final", "[cluster]") {
  for (const char* state : {"", "running", "COMPLETEDX", "NODE", "|", "FAILED;rm"}) {
    INFO(state);
    CHECK(outcome_of(state) == JobOutcome::unknown);
  }
  CHECK(kevolve::cluster::is_final(JobOutcome::unknown));
}

TEST_CASE("only lost jobs are retryable; pending and running are not final", "[cluster]") {
  using namespace kevolve::cluster;
  CHECK_FALSE(is_final(JobOutcome::pending));
  CHECK_FALSE(is_final(JobOutcome::running));
  for (auto outcome : {JobOutcome::completed, JobOutcome::failed, JobOutcome::timeout,
                       JobOutcome::cancelled, JobOutcome::lost}) {
    INFO(to_string(outcome));
    CHECK(is_final(outcome));
    CHECK(is_retryable(outcome) == (outcome == JobOutcome::lost));
  }
}

TEST_CASE("SLURM's exit status is code:signal", "[cluster]") {
  using kevolve::cluster::parse_exit_status;
  CHECK(parse_exit_status("3:0")->code == 3);
  CHECK(parse_exit_status("0:9")->signal == 9);
  for (const char* bad : {"", "3", ":", "3:", "a:0", "-1:0", "256:0", "0:9 ", "1:2:3"}) {
    INFO(bad);
    CHECK_FALSE(parse_exit_status(bad));
  }
}
