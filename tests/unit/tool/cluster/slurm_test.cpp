#include "tool/cluster/slurm.hpp"

#include "temp_dir.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>

using namespace kevolve::cluster;

TEST_CASE("sbatch's command line: one argument per option, the script last", "[cluster]") {
  SlurmSettings settings;
  settings.script_dir = "/shared/kevolve";
  JobRequest request;
  request.name = "matmul; rm -rf ~ $(x)";
  request.command = {"/bin/true"};
  request.array = "0-3";
  request.partition = "gpu-h100";
  request.account = "--proj";  // stays a value: it is glued to its option
  request.gres = "gpu:1";
  request.time_limit = std::chrono::seconds(90);
  request.output = "/shared/out %A_%a.txt";
  request.extra_options = {"--qos=high"};
  const auto argv = sbatch_command(settings, request, "/shared/kevolve/job.sh");
  const std::vector<std::string> expected{
      "sbatch", "--parsable", "--job-name=matmul__rm_-rf_____x_", "--array=0-3",
      "--partition=gpu-h100", "--account=--proj", "--gres=gpu:1", "--time=0:01:30",
      "--output=/shared/out %A_%a.txt", "--error=/shared/out %A_%a.txt",
      "--chdir=/shared/kevolve", "--no-requeue", "--qos=high", "/shared/kevolve/job.sh"};
  CHECK(argv == expected);
}

TEST_CASE("a single job without options asks for nothing it was not given", "[cluster]") {
  SlurmSettings settings;
  settings.script_dir = "/s";
  settings.sbatch = "/opt/slurm/bin/sbatch";
  JobRequest request;
  request.command = {"x"};
  request.working_dir = "/w";
  request.requeue = true;  // the cluster's policy
  const std::vector<std::string> expected{"/opt/slurm/bin/sbatch", "--parsable",
                                          "--job-name=kevolve", "--chdir=/w", "/s/j.sh"};
  CHECK(sbatch_command(settings, request, "/s/j.sh") == expected);
  CHECK(time_limit_text(std::chrono::seconds(3 * 3600 + 61)) == "3:01:01");
}

TEST_CASE("the batch script quotes every word of the command", "[cluster]") {
  JobRequest request;
  request.command = {"/bin/echo", "it's", "$HOME", "`id`", "a b", ""};
  CHECK(job_script(request) ==
        "#!/bin/sh\n"
        "# Written by kevolve (tool/cluster/slurm.cpp): the job runs this one command.\n"
        "exec '/bin/echo' 'it'\\''s' '$HOME' '`id`' 'a b' ''\n");
}

TEST_CASE("squeue is asked once for all jobs, array tasks one a line", "[cluster]") {
  SlurmSettings settings;
  const std::vector<std::string> expected{"squeue", "-h", "-r", "-t", "all", "-j", "12,13_2",
                                          "-o", "%i|%T|%N|%r"};
  CHECK(squeue_command(settings, {"12", "13_2"}) == expected);
}

TEST_CASE("sbatch --parsable's job id", "[cluster]") {
  CHECK(*parse_job_id("42\n") == "42");
  CHECK(*parse_job_id("42;cluster-a\n") == "42");
  CHECK(*parse_job_id("sbatch: warning: can't honor --ntasks-per-node\n43\n") == "43");
  for (const char* bad : {"", "\n", "sbatch: error: x", "42 43", "-1", "4_2x", "42\nsbatch: x"}) {
    INFO(bad);
    CHECK_FALSE(parse_job_id(bad));
  }
}

TEST_CASE("squeue's lines become statuses; a malformed line is an error naming it",
          "[cluster]") {
  auto statuses = parse_squeue("12_0|COMPLETED|node1|None\n12_1|NODE_FAIL|node2|NodeDown\n\n");
  REQUIRE(statuses);
  REQUIRE(statuses->size() == 2);
  CHECK(statuses->at(0).id == "12_0");
  CHECK(statuses->at(0).outcome == JobOutcome::completed);
  CHECK(statuses->at(1).outcome == JobOutcome::lost);
  CHECK(statuses->at(1).node == "node2");
  CHECK(statuses->at(1).reason == "NodeDown");
  const auto bad = parse_squeue("12|RUNNING|node1|None\n12|RUNNING\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "squeue's line 2 is '12|RUNNING', not ID|STATE|NODE|REASON");
}

TEST_CASE("scontrol's ExitCode field", "[cluster]") {
  const std::string line =
      "JobId=2 JobName=wrap UserId=root(0) JobState=FAILED Reason=NonZeroExitCode "
      "Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:01";
  CHECK(exit_status_of(line)->code == 3);
  CHECK(exit_status_of("JobId=2 ExitCode=0:9\n")->signal == 9);
  CHECK_FALSE(exit_status_of("JobId=2 JobState=FAILED"));
  CHECK_FALSE(exit_status_of("JobId=2 ExitCode=x"));
}

TEST_CASE("without sbatch, submit says which program is missing and what provides it",
          "[cluster]") {
  kevolve::test::TempDir dir;
  SlurmSettings settings;
  settings.script_dir = dir / "scripts";
  settings.sbatch = (dir / "no-sbatch-here").string();
  SlurmClient client(settings);
  JobRequest request;
  request.name = "x";
  request.command = {"/bin/true"};
  const auto id = client.submit(request);
  REQUIRE_FALSE(id);
  CHECK_THAT(id.error(), Catch::Contains("no-sbatch-here") && Catch::Contains("slurm-client"));
}

TEST_CASE("a refusing sbatch is quoted; ids that are not job ids never reach squeue",
          "[cluster]") {
  kevolve::test::TempDir dir;
  const auto fake = dir.write("sbatch", "#!/bin/sh\necho 'sbatch: error: invalid partition' >&2\n"
                                        "echo 'second line' >&2\nexit 1\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  SlurmSettings settings;
  settings.script_dir = dir / "scripts";
  settings.sbatch = fake.string();
  settings.squeue = (dir / "squeue-never-run").string();
  SlurmClient client(settings);
  JobRequest request;
  request.name = "unit a";
  request.command = {"/bin/true"};
  const auto id = client.submit(request);
  REQUIRE_FALSE(id);
  CHECK(id.error() == "sbatch refused job 'unit_a' (exit 1): sbatch: error: invalid partition");
  const auto polled = client.poll({"12", "12,13"});
  REQUIRE_FALSE(polled);
  CHECK(polled.error() == "'12,13' is not a SLURM job id");
  CHECK(client.squeue_calls() == 0);
  CHECK_FALSE(client.cancel({"-u"}));
  for (const char* option : {"-w", "--", "qos=high", "--qos=a\n#SBATCH --x"}) {
    INFO(option);
    request.extra_options = {option};
    const auto refused = client.submit(request);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error(), Catch::Contains("does not start with --"));
  }
}

namespace {

// Fake squeue and scontrol: each logs its arguments and prints what the test left in NAME.out,
// exiting with NAME.rc (0 when absent).
SlurmSettings fake_slurm(const kevolve::test::TempDir& dir) {
  SlurmSettings settings;
  settings.script_dir = dir / "scripts";
  settings.poll_interval = std::chrono::milliseconds(0);
  for (const std::string name : {"squeue", "scontrol"}) {
    const auto base = (dir / name).string();
    const auto fake = dir.write(name + ".sh", "#!/bin/sh\necho \"$*\" >>'" + base + ".log'\ncat '" +
                                                  base + ".out'\nexit $(cat '" + base +
                                                  ".rc' 2>/dev/null || echo 0)\n");
    std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
    (name == "squeue" ? settings.squeue : settings.scontrol) = fake.string();
  }
  return settings;
}

std::size_t lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  return static_cast<std::size_t>(
      std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
}

}  // namespace

TEST_CASE("poll: one squeue for all jobs; array tasks; a failed job's exit status asked once",
          "[cluster]") {
  kevolve::test::TempDir dir;
  SlurmClient client(fake_slurm(dir));
  dir.write("squeue.out",
            "7|RUNNING|node1|None\n8_0|COMPLETED|node2|None\n8_1|FAILED|node1|NonZeroExitCode\n");
  dir.write("scontrol.out", "JobId=9 JobName=x JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0\n");
  for (int round = 0; round < 2; ++round) {
    const auto statuses = client.poll({"7", "8", "9"});
    REQUIRE(statuses);
    REQUIRE(statuses->size() == 4);
    CHECK(statuses->at(0).outcome == JobOutcome::running);
    CHECK(statuses->at(1).id == "8_0");
    CHECK(statuses->at(1).outcome == JobOutcome::completed);
    CHECK(statuses->at(2).outcome == JobOutcome::failed);
    REQUIRE(statuses->at(2).exit);
    CHECK(statuses->at(2).exit->code == 2);
    CHECK(statuses->at(3).id == "9");  // not listed: finished long ago, or never existed
    CHECK(statuses->at(3).outcome == JobOutcome::unknown);
  }
  CHECK(client.squeue_calls() == 2);
  CHECK(lines_of(dir / "squeue.log") == 2);
  CHECK(lines_of(dir / "scontrol.log") == 1);
  CHECK(kevolve::util::read_file(dir / "scontrol.log").value() == "-o show job 8_1\n");
  CHECK_THAT(kevolve::util::read_file(dir / "squeue.log").value(),
             Catch::StartsWith("-h -r -t all -j 7,8,9 -o %i|%T|%N|%r\n"));
}

TEST_CASE("poll: ids squeue does not know are unknown; other squeue failures are errors",
          "[cluster]") {
  kevolve::test::TempDir dir;
  SlurmClient client(fake_slurm(dir));
  dir.write("squeue.rc", "1");
  dir.write("squeue.out", "slurm_load_jobs error: Invalid job id specified\n");
  const auto gone = client.poll({"3", "4"});
  REQUIRE(gone);
  REQUIRE(gone->size() == 2);
  CHECK(gone->at(1).outcome == JobOutcome::unknown);
  dir.write("squeue.out", "slurm_load_jobs error: Unable to contact slurm controller\nmore\n");
  const auto down = client.poll({"3"});
  REQUIRE_FALSE(down);
  CHECK(down.error() ==
        "squeue failed (exit 1): slurm_load_jobs error: Unable to contact slurm controller");
  dir.write("squeue.rc", "0");
  dir.write("squeue.out", "3|RUNNING|node1\n");
  const auto garbled = client.poll({"3"});
  REQUIRE_FALSE(garbled);
  CHECK_THAT(garbled.error(), Catch::Contains("not ID|STATE|NODE|REASON"));
}

TEST_CASE("poll: a failed job whose exit status scontrol cannot give stays failed, saying why",
          "[cluster]") {
  kevolve::test::TempDir dir;
  SlurmClient client(fake_slurm(dir));
  dir.write("squeue.out", "5|FAILED|node1|NonZeroExitCode\n");
  dir.write("scontrol.rc", "1");
  dir.write("scontrol.out", "slurm_load_jobs error: Invalid job id specified\n");
  const auto statuses = client.poll({"5"});
  REQUIRE(statuses);
  REQUIRE(statuses->size() == 1);
  CHECK(statuses->at(0).outcome == JobOutcome::failed);
  CHECK_FALSE(statuses->at(0).exit);
  CHECK_THAT(statuses->at(0).reason,
             Catch::StartsWith("NonZeroExitCode; scontrol show job 5 gave no ExitCode (exit 1)"));
}

TEST_CASE("sinfo's CPU counts: the total of every line's last field", "[cluster]") {
  auto two = parse_cpus("0/2/0/2\n1/1/0/2\n");
  REQUIRE(two);
  CHECK(*two == 4);
  CHECK(!parse_cpus(""));
  CHECK(!parse_cpus("0/2/0/x\n"));
}
