#include "tool/tune/settings.hpp"

#include "tool/search/registry.hpp"
#include "util/environment.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace kevolve::tune {

namespace {

// Picks each setting's value from the first layer that has one, and remembers which.
class Layers {
 public:
  explicit Layers(ResolvedSettings& out) : m_out(out) {}

  template <class T>
  T pick(std::string_view name, const std::optional<T>& flag, std::string_view variable,
         std::optional<T> (Layers::*parse)(std::string_view, T, T), T low, T high,
         const std::optional<T>& project, T fallback) {
    std::optional<T> env = (this->*parse)(variable, low, high);
    std::string where = flag      ? fmt::format("--{}", name)
                        : env     ? std::string(variable)
                        : project ? "kevolve_tune"
                                  : "default";
    m_out.origins.emplace_back(std::string(name), std::move(where));
    return flag ? *flag : env ? *env : project ? *project : fallback;
  }

  template <class T>
  std::optional<T> integer(std::string_view variable, T low, T high) {
    auto text = util::environment(variable);
    if (!text) return std::nullopt;
    T value{};
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < low || value > high) {
      fail(variable, *text, fmt::format("an integer from {} to {}", low, high));
      return std::nullopt;
    }
    return value;
  }

  std::optional<double> number(std::string_view variable, double low, double high) {
    auto text = util::environment(variable);
    if (!text) return std::nullopt;
    char* end = nullptr;
    double value = std::strtod(text->c_str(), &end);
    if (end != text->c_str() + text->size() || !(value >= low && value <= high)) {
      fail(variable, *text, fmt::format("a number from {} to {}", low, high));
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::string> strategy(std::string_view variable, std::string, std::string) {
    auto text = util::environment(variable);
    if (!text) return std::nullopt;
    if (!search::check_strategy_name(*text).empty()) {
      fail(variable, *text, fmt::format("one of {}", fmt::join(search::strategy_names(), ", ")));
      return std::nullopt;
    }
    return text;
  }

  std::optional<backends::SandboxMode> sandbox_mode(std::string_view variable,
                                                    backends::SandboxMode, backends::SandboxMode) {
    auto text = util::environment(variable);
    if (!text) return std::nullopt;
    auto mode = backends::parse_sandbox_mode(*text);
    if (!mode) fail(variable, *text, fmt::format("one of {}", backends::k_sandbox_modes));
    return mode;
  }

  const std::optional<std::string>& error() const { return m_error; }

 private:
  void fail(std::string_view variable, const std::string& value, const std::string& expected) {
    if (!m_error)
      m_error = fmt::format("environment variable {}={}: expected {}", variable, value, expected);
  }

  ResolvedSettings& m_out;
  std::optional<std::string> m_error;
};

template <class T>
std::optional<T> unless_zero(T value) {
  return value == T{} ? std::nullopt : std::optional<T>(value);
}

constexpr std::uint64_t k_most = std::uint64_t{1} << 40;

}  // namespace

util::Expected<ResolvedSettings> resolve_settings(const TuneFlags& f, const TargetConfig& project) {
  ResolvedSettings out;
  TuneSettings& s = out.settings;
  Layers l(out);
  using U = std::uint64_t;
  s.budget = l.pick<U>("budget", f.budget, "KEVOLVE_BUDGET", &Layers::integer<U>, 1, k_most,
                       unless_zero(project.budget), 100);
  s.time_limit_s = l.pick<double>("time", f.time_s, "KEVOLVE_TIME", &Layers::number, 0, 1e12,
                                  unless_zero(project.time_s), 0);
  s.stall = l.pick<U>("stall", f.stall, "KEVOLVE_STALL", &Layers::integer<U>, 1, k_most, {}, 0);
  s.strategy = l.pick<std::string>("strategy", f.strategy, "KEVOLVE_STRATEGY", &Layers::strategy,
                                   {}, {}, unless_zero(project.strategy), "");
  s.seed = l.pick<U>("seed", f.seed, "KEVOLVE_SEED", &Layers::integer<U>, 0, ~U{0}, {}, 1);
  s.jobs =
      l.pick<unsigned>("jobs", f.jobs, "KEVOLVE_JOBS", &Layers::integer<unsigned>, 1, 4096, {}, 0);
  double timeout =
      l.pick<double>("timeout", f.timeout_s, "KEVOLVE_TIMEOUT", &Layers::number, 1e-3, 1e6, {}, 15);
  s.eval.min_timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
  s.eval.reps = l.pick<int>("reps", f.reps, "KEVOLVE_REPS", &Layers::integer<int>, 1, 1000, {}, 0);
  s.eval.min_time = l.pick<double>("min-time", f.min_time, "KEVOLVE_MIN_TIME", &Layers::number,
                                   1e-6, 1e3, {}, 0.05);
  s.rounds =
      l.pick<int>("rounds", f.rounds, "KEVOLVE_ROUNDS", &Layers::integer<int>, 1, 100, {}, 5);
  s.top = l.pick<int>("top", f.top, "KEVOLVE_TOP", &Layers::integer<int>, 1, 100, {}, 3);
  s.compile_timeout_s = l.pick<double>("compile-timeout", f.compile_timeout_s,
                                       "KEVOLVE_COMPILE_TIMEOUT", &Layers::number, 1, 1e6, {}, 600);
  using Mode = backends::SandboxMode;
  s.sandbox = l.pick<Mode>("sandbox", f.sandbox, "KEVOLVE_SANDBOX", &Layers::sandbox_mode, {}, {},
                           {}, Mode::automatic);
  s.force = f.force;
  s.profile = f.profile;
  if (l.error()) return util::unexpected(*l.error());
  return out;
}

}  // namespace kevolve::tune
