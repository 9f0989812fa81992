#include "backends/sandbox.hpp"

// Why there is no --new-session: bwrap 0.8 calls setsid in the sandbox during its set-up, before
// its init asks to die with bwrap (PR_SET_PDEATHSIG); bwrap killed in between leaves the sandbox
// running on its own (9 of 200 kills during set-up did). Without it, bwrap's init and the
// candidate stay in the process group that util::run_process makes (a new session, without a
// controlling terminal), so killing that group kills the sandbox at any moment.
//
// How this works: bwrap applies its file-system options in the order given, each mount over
// what came before. The host's root goes first, read-only; then a fresh /proc (of the sandbox's
// PID namespace) and /dev; then the paths of the policy, sorted so that a parent is mounted
// before anything inside it (a hidden directory becomes an empty tmpfs, a readable path a
// read-only bind, the scratch a read-write bind); last, the tmpfs mounts are made read-only, once
// the mount points of what they re-expose exist in them.

#include "util/environment.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace kevolve::backends {

namespace fs = std::filesystem;

namespace {

// Where other programs keep their temporary files and sockets: always hidden, since the
// network namespace does not cover Unix sockets in the file system.
constexpr const char* k_shared_temporary[] = {"/tmp", "/var/tmp", "/run"};

constexpr const char* k_path = "/usr/local/bin:/usr/bin:/bin";

enum class Rule { hidden, readable, writable };  // the order of mounts at the same depth

struct Mount {
  fs::path path;
  Rule rule;
};

fs::path normal(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  fs::path canonical = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal() : canonical;
}

std::size_t depth(const fs::path& path) {
  return static_cast<std::size_t>(std::distance(path.begin(), path.end()));
}

std::vector<Mount> mounts_of(const SandboxPolicy& policy) {
  std::vector<Mount> mounts;
  std::error_code ec;
  auto add = [&](const fs::path& path, Rule rule) {
    fs::path p = normal(path);
    if (rule == Rule::writable || fs::exists(p, ec)) mounts.push_back({p, rule});
  };
  for (const char* path : k_shared_temporary) add(path, Rule::hidden);
  for (const fs::path& path : policy.hidden) add(path, Rule::hidden);
  for (const fs::path& path : policy.readable) add(path, Rule::readable);
  if (!policy.scratch.empty()) add(policy.scratch, Rule::writable);
  std::stable_sort(mounts.begin(), mounts.end(), [](const Mount& a, const Mount& b) {
    std::size_t da = depth(a.path), db = depth(b.path);
    return da != db ? da < db : a.rule < b.rule;
  });
  return mounts;
}

// The host's GPU device nodes: NVIDIA's /dev/nvidia* (and /dev/nvidia-caps), AMD's /dev/kfd and
// /dev/dri.
std::vector<fs::path> gpu_device_nodes() {
  std::vector<fs::path> nodes;
  std::error_code ec;
  for (fs::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("nvidia", 0) == 0 || name == "kfd" || name == "dri") nodes.push_back(it->path());
  }
  std::sort(nodes.begin(), nodes.end());
  return nodes;
}

fs::path bwrap_program() {
  static const fs::path found = util::find_on_path("bwrap");
  return found.empty() ? fs::path("bwrap") : found;
}

const char* k_not_enforced =
    "Not enforced: a candidate can write wherever you can (the knowledge directory, the sources), "
    "read the reference outputs, use the network and leave processes running after it returns "
    "(docs/sandbox.md)";

}  // namespace

std::vector<std::string> sandboxed(const std::vector<std::string>& argv,
                                   const SandboxPolicy& policy) {
  const fs::path scratch = policy.scratch.empty() ? fs::path("/") : normal(policy.scratch);
  // --unshare-all: user (where possible), pid, net, ipc, uts, cgroup (where possible).
  std::vector<std::string> a = {bwrap_program().string(), "--unshare-all", "--die-with-parent"};
  a.insert(a.end(), {"--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"});
  if (policy.devices)
    for (const fs::path& node : gpu_device_nodes())
      a.insert(a.end(), {"--dev-bind", node.string(), node.string()});
  std::vector<std::string> read_only_tmpfs;
  std::error_code ec;
  for (const Mount& m : mounts_of(policy)) {
    const std::string p = m.path.string();
    if (m.rule == Rule::writable) {
      a.insert(a.end(), {"--bind", p, p});
    } else if (m.rule == Rule::readable) {
      a.insert(a.end(), {"--ro-bind-try", p, p});
    } else if (fs::is_directory(m.path, ec)) {
      a.insert(a.end(), {"--tmpfs", p});
      read_only_tmpfs.push_back(p);
    } else {
      a.insert(a.end(), {"--ro-bind", "/dev/null", p});  // without device access: cannot be opened
    }
  }
  for (const std::string& p : read_only_tmpfs) a.insert(a.end(), {"--remount-ro", p});
  a.insert(a.end(), {"--chdir", scratch.string(), "--clearenv"});
  a.insert(a.end(), {"--setenv", "PATH", k_path});
  a.insert(a.end(), {"--setenv", "HOME", scratch.string()});
  a.insert(a.end(), {"--setenv", "TMPDIR", scratch.string()});
  a.insert(a.end(), {"--setenv", "LANG", "C.UTF-8"});
  for (const std::string& entry : policy.environment) {
    std::size_t eq = entry.find('=');
    a.insert(a.end(), {"--setenv", entry.substr(0, eq),
                       eq == std::string::npos ? std::string() : entry.substr(eq + 1)});
  }
  a.insert(a.end(), {"--cap-drop", "ALL", "--"});
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

SandboxSupport probe_sandbox() {
  if (util::find_on_path("bwrap").empty())
    return {false,
            "bubblewrap (bwrap) is not on PATH: install it (Debian and Ubuntu: apt-get "
            "install bubblewrap)"};
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "kevolve-sandbox-XXXXXX").string();
  if (ec || !mkdtemp(pattern.data()))
    return {false, fmt::format("no directory to try a sandbox in: mkdtemp {}: {}", pattern,
                               ec ? ec.message() : std::strerror(errno))};
  SandboxPolicy policy;
  policy.scratch = pattern;
  util::ProcessOptions options;
  options.timeout = std::chrono::seconds(30);
  auto ran = util::run_process(sandboxed({"true"}, policy), options);
  fs::remove_all(pattern, ec);
  if (!ran) return {false, ran.error()};
  if (ran->ok()) return {true, {}};
  std::string said(util::trim(ran->output));
  std::string hint;
  if (said.find("namespace") != std::string::npos || said.find("permitted") != std::string::npos)
    hint =
        " (unprivileged user namespaces may be refused: see the sysctls "
        "kernel.unprivileged_userns_clone, user.max_user_namespaces and, on Ubuntu, "
        "kernel.apparmor_restrict_unprivileged_userns)";
  return {false, fmt::format("{} cannot make a sandbox here ({}){}{}", bwrap_program().string(),
                             ran->describe(), said.empty() ? "" : ": " + said, hint)};
}

const SandboxSupport& sandbox_support() {
  static const SandboxSupport support = probe_sandbox();
  return support;
}

std::optional<SandboxMode> parse_sandbox_mode(std::string_view text) {
  if (text == "required") return SandboxMode::required;
  if (text == "auto") return SandboxMode::automatic;
  if (text == "off") return SandboxMode::off;
  return std::nullopt;
}

std::string_view name_of(SandboxMode mode) {
  switch (mode) {
    case SandboxMode::required:
      return "required";
    case SandboxMode::automatic:
      return "auto";
    case SandboxMode::off:
      return "off";
  }
  return "auto";
}

util::Expected<Sandbox> choose_sandbox(SandboxMode mode, const SandboxSupport& support) {
  if (mode == SandboxMode::off)
    return Sandbox::disabled_sandbox(
        fmt::format("candidates run without a sandbox (sandbox mode off). {}.", k_not_enforced));
  if (support.available) return Sandbox::enabled_sandbox();
  if (mode == SandboxMode::automatic)
    return Sandbox::disabled_sandbox(
        fmt::format("candidates run without a sandbox: {}. {}; --sandbox required makes this an "
                    "error.",
                    support.reason, k_not_enforced));
  return util::unexpected(fmt::format(
      "candidates must run in a sandbox (sandbox mode required), but none can be made here: {}. "
      "Make bubblewrap work here (docs/sandbox.md), or run them unsandboxed with --sandbox auto "
      "or off (KEVOLVE_SANDBOX)",
      support.reason));
}

}  // namespace kevolve::backends
