// The `command` provider: a program (a coding-agent CLI, a test's script) run with /bin/sh -c,
// the prompt on its stdin and the answer on its stdout (docs/llm.md, "Providers" gives the format).
//
// How this works: util::run_process gives the program its own process group, a timeout that
// kills that group, and a cap on what it prints, but it joins stdout and stderr and gives no
// stdin. So the prompt is written to a private temporary directory and a small shell runs the
// command with stdin from that file and stderr to another file there; stdout alone comes back
// through the pipe. No retries: a program's failure is not a server's passing overload.

#include "tool/llm/provider.hpp"
#include "tool/llm/redact.hpp"
#include "util/environment.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

namespace kevolve::llm {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_answer = std::size_t{8} << 20;
constexpr std::size_t k_stderr_tail = 2000;

// The shell between kevolve and the command: $1 the prompt, $2 where stderr goes, $3 the command.
constexpr const char* k_wrapper = R"(exec <"$1" 2>"$2" && exec /bin/sh -c "$3")";

// A directory only this user can read, removed with the object.
class ScratchDir {
 public:
  static util::Expected<ScratchDir> create() {
    std::error_code ec;
    std::string pattern = (fs::temp_directory_path(ec) / "kevolve-llm-XXXXXX").string();
    if (ec || !::mkdtemp(pattern.data()))
      return util::unexpected(fmt::format("cannot make a directory for the prompt: mkdtemp {}: {}",
                                          pattern, std::strerror(errno)));
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

 private:
  explicit ScratchDir(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

std::string stdin_text(const Prompt& prompt) {
  return fmt::format("=== kevolve: instructions ===\n{}\n=== kevolve: task ===\n{}\n",
                     prompt.system, prompt.user);
}

std::string file_tail(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size <= 0) return {};
  const std::streamoff from = size > std::streamoff(k_stderr_tail) ? size - k_stderr_tail : 0;
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

class Command final : public Provider {
 public:
  explicit Command(const Settings& settings) : m_settings(settings) {}

  util::Expected<Reply> complete(const Prompt& prompt) override {
    const std::vector<std::string> secrets = known_keys();
    auto failed = [&](const std::string& why) {
      return util::unexpected(redact(fmt::format("{}: {}", describe(), why), secrets));
    };
    auto dir = ScratchDir::create();
    if (!dir) return failed(dir.error());
    const fs::path input = dir->path() / "prompt.txt";
    const fs::path errors = dir->path() / "stderr.txt";
    {
      std::ofstream out(input, std::ios::binary);
      out << stdin_text(prompt);
      if (!out.flush()) return failed(fmt::format("cannot write the prompt to {}", input.string()));
    }
    util::ProcessOptions options;
    options.timeout =
        std::chrono::milliseconds(static_cast<long long>(m_settings.timeout_s * 1000));
    options.max_output = k_max_answer + 1;
    if (!m_settings.model.empty())
      options.environment.push_back("KEVOLVE_LLM_MODEL=" + m_settings.model);
    auto run = util::run_process({"/bin/sh", "-c", k_wrapper, "kevolve-llm-command", input.string(),
                                  errors.string(), m_settings.command},
                                 options);
    if (!run) return failed(run.error());
    KEVOLVE_LOG("llm: {}: {} in {:.1f} s, {} bytes on stdout", describe(), run->describe(),
                run->seconds, run->output.size());
    if (run->timed_out)
      return failed(fmt::format("{}; it and everything it started were killed", run->describe()));
    if (!run->ok())
      return failed(fmt::format("{}; its stderr ends: {}", run->describe(),
                                tail_excerpt(file_tail(errors), k_stderr_tail)));
    if (run->output.size() > k_max_answer)
      return failed(fmt::format("its answer is larger than {}", util::format_bytes(k_max_answer)));
    if (run->output.find_first_not_of(" \t\r\n") == std::string::npos)
      return failed(fmt::format("no answer on stdout (exit 0); its stderr ends: {}",
                                tail_excerpt(file_tail(errors), k_stderr_tail)));
    Reply reply;
    reply.text = redact(std::move(run->output), secrets);
    reply.model = m_settings.model;
    reply.seconds = run->seconds;
    return reply;
  }

  std::string describe() const override {
    std::string shown = excerpt(m_settings.command, 60);
    return m_settings.model.empty() ? fmt::format("command `{}`", shown)
                                    : fmt::format("command `{}` ({})", shown, m_settings.model);
  }
  std::string_view name() const override { return "command"; }
  std::string model() const override { return m_settings.model; }
  std::string answerer() const override { return m_settings.command; }

 private:
  // A CLI may print the key it was given: the values of the variables keys live in are masked.
  std::vector<std::string> known_keys() const {
    std::vector<std::string> keys;
    for (std::string_view variable :
         {std::string_view(m_settings.key_env), std::string_view("OPENAI_API_KEY"),
          std::string_view("ANTHROPIC_API_KEY")})
      if (auto key = util::secret_from_environment(variable)) keys.push_back(*key);
    return keys;
  }

  Settings m_settings;
};

}  // namespace

util::Expected<std::unique_ptr<Provider>> make_command(const Settings& settings) {
  if (settings.command.empty())
    return util::unexpected(
        std::string("command: no program to run: give --llm-command or KEVOLVE_LLM_COMMAND"));
  if (!(settings.timeout_s > 0))
    return util::unexpected(std::string("command: expected a timeout over 0"));
  return std::unique_ptr<Provider>(std::make_unique<Command>(settings));
}

}  // namespace kevolve::llm
