#pragma once

// Candidates run in a sandbox (docs/sandbox.md): bubblewrap (bwrap) puts each one in its own
// user, mount, PID, network, IPC, UTS and cgroup namespaces, with the host's file system
// read-only, the scratch directory the only writable place, hidden paths empty, a fresh /proc
// and /dev, no capabilities and a fixed environment. Everything it starts dies with it: bwrap's
// init is PID 1 of the sandbox, and it dies when bwrap or bwrap's parent does.
//
// Run the command as util::run_process and util::Child run programs: as the leader of a new
// session (no controlling terminal), whose process group is killed at a timeout. bwrap's init
// stays in that group, so killing it kills the sandbox even while bwrap is still setting it up.
//
// bwrap's --die-with-parent ties the sandbox to the thread that started it (PR_SET_PDEATHSIG):
// a long-lived one (util::Child) must be started from a thread that outlives it.
//
// How a launcher uses it: once, `choose_sandbox(mode, sandbox_support())` says whether candidates
// are wrapped (or why not, as a warning to print once, or as an error under `required`); then
// each launch runs `sandbox.wrap(argv, policy)` instead of `argv`. The environment that
// util::ProcessOptions gives reaches bwrap only: what the candidate should see goes in
// `SandboxPolicy::environment`.

#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kevolve::backends {

struct SandboxPolicy {
  // Read-write: the working directory, HOME and TMPDIR. It must exist; empty: nothing is
  // writable, and those are /.
  std::filesystem::path scratch;
  // Extra read-only paths that must stay visible, e.g. the candidate's own directory (inside a
  // hidden path, or under /tmp, /var/tmp or /run, which are always hidden). Missing ones are
  // skipped.
  std::vector<std::filesystem::path> readable;
  // Replaced by empty, read-only directories (a hidden file cannot be opened): e.g. the tuner's
  // work directory holding reference outputs and other candidates. Missing ones are skipped.
  std::vector<std::filesystem::path> hidden;
  // GPU: the host's device nodes of NVIDIA (/dev/nvidia*) and AMD (/dev/kfd, /dev/dri).
  bool devices = false;
  // NAME=value entries added to the fixed environment, e.g. CUDA_VISIBLE_DEVICES=0.
  std::vector<std::string> environment;
};

// Where paths nest, the innermost one's rule applies: a readable path inside a hidden one is
// visible, a scratch inside a readable path is writable.

// The command that runs `argv` in the sandbox `policy` describes.
std::vector<std::string> sandboxed(const std::vector<std::string>& argv,
                                   const SandboxPolicy& policy);

// Whether the sandbox works on this machine, and why not when it does not.
struct SandboxSupport {
  bool available = false;
  std::string reason;  // when not available: bwrap missing, user namespaces refused, ...
};

// Runs `true` in a sandbox once per process and remembers the answer.
const SandboxSupport& sandbox_support();
// The same without remembering it (tests).
SandboxSupport probe_sandbox();

enum class SandboxMode {
  required,   // sandboxed, or an error
  automatic,  // sandboxed where it works, else unsandboxed with a warning saying why ("auto")
  off,        // unsandboxed, with a warning
};

inline constexpr std::string_view k_sandbox_modes = "required, auto, off";
std::optional<SandboxMode> parse_sandbox_mode(std::string_view text);
std::string_view name_of(SandboxMode mode);

// How candidates are run: in the sandbox, or as they are (then `warning()` says why and what is
// not enforced; print it once).
class Sandbox {
 public:
  static Sandbox enabled_sandbox() { return Sandbox(true, {}); }
  static Sandbox disabled_sandbox(std::string warning) {
    return Sandbox(false, std::move(warning));
  }

  bool enabled() const { return m_enabled; }
  const std::string& warning() const { return m_warning; }
  std::vector<std::string> wrap(const std::vector<std::string>& argv,
                                const SandboxPolicy& policy) const {
    return m_enabled ? sandboxed(argv, policy) : argv;
  }

 private:
  Sandbox(bool enabled, std::string warning) : m_enabled(enabled), m_warning(std::move(warning)) {}
  bool m_enabled;
  std::string m_warning;
};

// The sandbox `mode` asks for, given what works here; under `required` without a sandbox, an
// error that says why and how to proceed.
util::Expected<Sandbox> choose_sandbox(SandboxMode mode, const SandboxSupport& support);

}  // namespace kevolve::backends
