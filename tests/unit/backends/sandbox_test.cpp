// The sandbox against hostile programs: each test runs a small program in it that tries one
// thing a cheating candidate would, and checks from outside that it did not happen. Where no
// sandbox can be made here (no bwrap, user namespaces refused) those tests are skipped, visibly.
#include "backends/sandbox.hpp"

#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <random>
#include <set>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "skip.hpp"
#include "temp_dir.hpp"

extern char** environ;

using namespace kevolve;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A candidate's surroundings, as the tuner lays them out: its work directory holds the reference
// output and other candidates (hidden), the candidate's own directory (readable) and its scratch.
struct Layout {
  test::TempDir dir;
  fs::path work = dir / "work";
  fs::path candidate = work / "candidate-1";
  fs::path other = work / "candidate-2";
  fs::path scratch = work / "candidate-1" / "scratch";
  fs::path reference = dir.write("work/reference.out", "the expected output");
  backends::SandboxPolicy policy;

  Layout() {
    dir.write("work/candidate-1/kernel", "the candidate");
    dir.write("work/candidate-2/kernel", "another candidate");
    fs::create_directories(scratch);
    policy.scratch = scratch;
    policy.readable = {candidate};
    policy.hidden = {work};
  }

  util::ProcessResult run(const std::string& script, std::vector<std::string> environment = {},
                          std::chrono::milliseconds timeout = 30000ms) const {
    util::ProcessOptions options;
    options.timeout = timeout;
    options.environment = std::move(environment);
    auto ran = util::run_process(backends::sandboxed({"sh", "-c", script}, policy), options);
    REQUIRE(ran);
    return *ran;
  }
};

std::string contents(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool appears_within(const fs::path& file, std::chrono::milliseconds limit) {
  for (auto waited = 0ms; waited < limit; waited += 50ms) {
    if (fs::exists(file)) return true;
    std::this_thread::sleep_for(50ms);
  }
  return fs::exists(file);
}

// A daemon that the program starts: it leaves the session (double fork, setsid), says it
// started, and, alive, leaves a mark in the scratch once the test has said "go".
constexpr const char* k_daemon =
    "(setsid sh -c 'touch started; while [ ! -e go ]; do sleep 0.05; done; touch survived' "
    ">/dev/null 2>&1 &); while [ ! -e started ]; do sleep 0.05; done; ";

// Whether the daemon of `scratch` is still alive: told to go, it marks the scratch.
bool daemon_survived(const fs::path& scratch) {
  std::ofstream(scratch / "go") << "go";
  return appears_within(scratch / "survived", 2000ms);
}

// Starts `argv` as util::run_process would: a session leader with its own process group.
pid_t spawn_in_session(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int failed = posix_spawn(&pid, args[0], nullptr, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  REQUIRE(failed == 0);
  return pid;
}

}  // namespace

#define REQUIRE_SANDBOX()                                                              \
  do {                                                                                 \
    if (!backends::sandbox_support().available)                                        \
      KEVOLVE_SKIP("no sandbox can be made here: " + backends::sandbox_support().reason); \
  } while (false)

TEST_CASE("sandbox: the scratch is the only place a candidate can write", "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  auto r = l.run(
      "echo written > result; "
      "for d in " +
      l.candidate.string() + " " + l.dir.path().string() +
      " / /etc /tmp /var/tmp /run; do "
      "  echo intruder > $d/intruder 2>/dev/null && echo \"wrote $d\"; "
      "done; exit 0");
  CHECK(r.ok());
  CHECK(r.output.find("wrote") == std::string::npos);
  CHECK(contents(l.scratch / "result") == "written\n");
  CHECK_FALSE(fs::exists(l.candidate / "intruder"));
  CHECK_FALSE(fs::exists(l.dir / "intruder"));
  CHECK_FALSE(fs::exists("/intruder"));
}

TEST_CASE("sandbox: hidden paths are empty, readable ones inside them visible",
          "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  fs::path secret = l.dir.write("secret.txt", "a hidden file");
  l.policy.hidden.push_back(secret);
  auto r = l.run("cat " + secret.string() + " 2>/dev/null || echo no secret; cat " +
                 l.reference.string() +
                 " 2>/dev/null || echo no reference; ls -A " +
                 l.work.string() + "; cat " + (l.candidate / "kernel").string() + "; echo; cat " +
                 (l.other / "kernel").string() + " 2>/dev/null || echo no other");
  INFO(r.output);
  CHECK(r.output.find("the expected output") == std::string::npos);
  CHECK_THAT(r.output, Catch::Contains("no reference"));
  CHECK(r.output.find("reference.out") == std::string::npos);
  CHECK(r.output.find("candidate-2") == std::string::npos);
  CHECK(r.output.find("another candidate") == std::string::npos);
  CHECK_THAT(r.output, Catch::Contains("no other"));
  CHECK_THAT(r.output, Catch::Contains("the candidate"));
  CHECK_THAT(r.output, Catch::StartsWith("no secret\n"));  // a hidden file cannot be opened
}

TEST_CASE("sandbox: no network, not even the host's loopback", "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), size) == 0);
  REQUIRE(listen(listener, 4) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  const std::string connect = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
                              std::to_string(ntohs(address.sin_port)) +
                              "' 2>/dev/null && echo connected || echo refused";
  // Outside, the same program reaches the listener: it is a real attempt.
  auto outside = util::run_process({"sh", "-c", connect});
  REQUIRE(outside);
  CHECK(outside->output == "connected\n");
  auto inside = l.run(connect);
  close(listener);
  CHECK(inside.output == "refused\n");
}

TEST_CASE("sandbox: a daemon started inside dies when the command returns",
          "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  // Outside the sandbox the same daemon outlives its program: it is a real attempt.
  test::TempDir outside;
  util::ProcessOptions options;
  options.cwd = outside.path();
  auto unsandboxed = util::run_process({"sh", "-c", std::string(k_daemon) + "exit 0"}, options);
  REQUIRE(unsandboxed);
  CHECK(daemon_survived(outside.path()));

  auto r = l.run(std::string(k_daemon) + "exit 0");
  CHECK(r.ok());
  REQUIRE(fs::exists(l.scratch / "started"));
  CHECK_FALSE(daemon_survived(l.scratch));
}

TEST_CASE("sandbox: killing bwrap kills everything inside", "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  pid_t bwrap =
      spawn_in_session(backends::sandboxed({"sh", "-c", std::string(k_daemon) + "sleep 60"}, l.policy));
  bool started = appears_within(l.scratch / "started", 30000ms);
  kill(bwrap, SIGKILL);  // bwrap alone, not its group
  int status = 0;
  waitpid(bwrap, &status, 0);
  REQUIRE(started);
  CHECK_FALSE(daemon_survived(l.scratch));
}

// bwrap 0.8 leaves the sandbox running on its own when killed at the wrong moment of its set-up
// (between its setsid and its init's PR_SET_PDEATHSIG, with --new-session): killing the process
// group, as a timeout does, at moments spread over the set-up must leave nothing running.
TEST_CASE("sandbox: killing it while bwrap sets it up leaves nothing running",
          "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> moment(0, 20000);
  constexpr int k_kills = 100;
  for (int i = 0; i < k_kills; ++i) {
    pid_t bwrap = spawn_in_session(backends::sandboxed(
        {"sh", "-c", "sleep 0.3; touch ran-" + std::to_string(i)}, l.policy));
    std::this_thread::sleep_for(std::chrono::microseconds(moment(rng)));
    kill(-bwrap, SIGKILL);
    int status = 0;
    waitpid(bwrap, &status, 0);
  }
  std::this_thread::sleep_for(1000ms);
  std::vector<std::string> ran;
  for (const auto& entry : fs::directory_iterator(l.scratch))
    ran.push_back(entry.path().filename().string());
  CHECK(ran.empty());
}

TEST_CASE("sandbox: a timeout kills everything inside, promptly", "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  // Long enough for bwrap to start on a loaded machine: the daemon must be running by then.
  auto r = l.run(std::string(k_daemon) + "echo waiting; sleep 60", {}, 5000ms);
  CHECK(r.timed_out);
  CHECK(r.output == "waiting\n");
  CHECK(r.seconds < 30);  // a hang detector, not a measurement
  REQUIRE(fs::exists(l.scratch / "started"));
  CHECK_FALSE(daemon_survived(l.scratch));
}

TEST_CASE("sandbox: the environment inside is the fixed one", "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  l.policy.environment = {"CUDA_VISIBLE_DEVICES=1"};
  setenv("KEVOLVE_TEST_SECRET", "outside", 1);
  auto r = l.run("exec env", {"KEVOLVE_TEST_OPTION=outside"});
  unsetenv("KEVOLVE_TEST_SECRET");
  const std::string scratch = fs::weakly_canonical(l.scratch).string();
  std::vector<std::string> seen = lines(r.output);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{"CUDA_VISIBLE_DEVICES=1", "HOME=" + scratch,
                                         "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
                                         "PWD=" + scratch, "TMPDIR=" + scratch});
}

TEST_CASE("sandbox: /proc inside lists only the sandbox's processes", "[backends][sandbox]") {
  REQUIRE_SANDBOX();
  Layout l;
  auto r = l.run("for p in /proc/[0-9]*; do echo \"${p#/proc/} $(cat $p/comm)\"; done");
  CHECK(r.ok());
  std::vector<std::string> tasks = lines(r.output);
  CHECK(std::find(tasks.begin(), tasks.end(), "1 bwrap") != tasks.end());  // its reaper
  for (const std::string& task : tasks) {
    std::string name = task.substr(task.find(' ') + 1);
    CHECK((name == "bwrap" || name == "sh" || name == "cat"));
  }
  CHECK(tasks.size() <= 4);
}

TEST_CASE("sandbox: mounts nest, the innermost path's rule applies", "[backends][sandbox]") {
  backends::SandboxPolicy policy;
  test::TempDir dir;
  fs::create_directories(dir / "work/candidate/scratch");
  policy.scratch = dir / "work/candidate/scratch";
  policy.readable = {dir / "work/candidate", dir / "no-such-path"};
  policy.hidden = {dir / "work", dir / "missing"};
  policy.environment = {"CUDA_VISIBLE_DEVICES=0"};
  std::vector<std::string> a = backends::sandboxed({"kernel", "--flag"}, policy);
  auto at = [&](std::initializer_list<std::string> run) {
    auto found = std::search(a.begin(), a.end(), run.begin(), run.end());
    return found == a.end() ? -1 : static_cast<int>(found - a.begin());
  };
  const std::string work = fs::weakly_canonical(dir / "work").string();
  const std::string candidate = work + "/candidate";
  const std::string scratch = candidate + "/scratch";
  CHECK(at({"--ro-bind", "/", "/"}) >= 0);
  CHECK(at({"--ro-bind", "/", "/"}) < at({"--tmpfs", work}));
  CHECK(at({"--tmpfs", work}) < at({"--ro-bind-try", candidate, candidate}));
  CHECK(at({"--ro-bind-try", candidate, candidate}) < at({"--bind", scratch, scratch}));
  CHECK(at({"--bind", scratch, scratch}) < at({"--remount-ro", work}));
  CHECK(at({"--tmpfs", "/tmp"}) >= 0);
  CHECK(at({"--tmpfs", "/tmp"}) < at({"--bind", scratch, scratch}));
  CHECK(at({"--chdir", scratch}) >= 0);
  CHECK(at({"--clearenv"}) < at({"--setenv", "CUDA_VISIBLE_DEVICES", "0"}));
  CHECK(at({"--setenv", "HOME", scratch}) >= 0);
  CHECK(at({"--unshare-all", "--die-with-parent", "--ro-bind"}) == 1);
  CHECK(at({"--dev", "/dev"}) >= 0);
  CHECK(at({"--dev-bind"}) == -1);  // no devices asked for
  CHECK(at({"--cap-drop", "ALL", "--", "kernel", "--flag"}) + 5 == static_cast<int>(a.size()));
  CHECK(std::find(a.begin(), a.end(), (dir / "missing").string()) == a.end());
  CHECK(std::find(a.begin(), a.end(), (dir / "no-such-path").string()) == a.end());
}

TEST_CASE("sandbox: the modes, with and without a sandbox here", "[backends][sandbox]") {
  using backends::SandboxMode;
  CHECK(backends::parse_sandbox_mode("required") == SandboxMode::required);
  CHECK(backends::parse_sandbox_mode("auto") == SandboxMode::automatic);
  CHECK(backends::parse_sandbox_mode("off") == SandboxMode::off);
  CHECK_FALSE(backends::parse_sandbox_mode("on"));
  CHECK(backends::name_of(SandboxMode::automatic) == "auto");

  const backends::SandboxSupport works{true, {}};
  const backends::SandboxSupport fails{false, "bubblewrap (bwrap) is not on PATH"};
  for (SandboxMode mode : {SandboxMode::required, SandboxMode::automatic}) {
    auto chosen = backends::choose_sandbox(mode, works);
    REQUIRE(chosen);
    CHECK(chosen->enabled());
    CHECK(chosen->warning().empty());
  }
  auto required = backends::choose_sandbox(SandboxMode::required, fails);
  REQUIRE_FALSE(required);
  CHECK_THAT(required.error(), Catch::Contains("bubblewrap (bwrap) is not on PATH"));
  CHECK_THAT(required.error(), Catch::Contains("--sandbox auto or off"));

  auto automatic = backends::choose_sandbox(SandboxMode::automatic, fails);
  REQUIRE(automatic);
  CHECK_FALSE(automatic->enabled());
  CHECK_THAT(automatic->warning(), Catch::Contains("bubblewrap (bwrap) is not on PATH"));
  CHECK_THAT(automatic->warning(), Catch::Contains("Not enforced"));
  CHECK(automatic->wrap({"kernel"}, {}) == std::vector<std::string>{"kernel"});

  for (const auto& support : {works, fails}) {
    auto off = backends::choose_sandbox(SandboxMode::off, support);
    REQUIRE(off);
    CHECK_FALSE(off->enabled());
    CHECK_THAT(off->warning(), Catch::Contains("sandbox mode off"));
  }
}

TEST_CASE("sandbox: without a scratch nothing is writable", "[backends][sandbox]") {
  std::vector<std::string> a = backends::sandboxed({"kernel"}, {});
  CHECK(std::find(a.begin(), a.end(), "--bind") == a.end());
  auto chdir = std::find(a.begin(), a.end(), "--chdir");
  REQUIRE(chdir != a.end());
  CHECK(*(chdir + 1) == "/");
}
