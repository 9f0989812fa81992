#include "backends/device.hpp"
#include "tool/executor/executor.hpp"

#include <thread>

namespace kevolve::executor {

namespace {

class LocalExecutor final : public Executor {
 public:
  std::string_view name() const override { return "local"; }

  util::Expected<backends::Inventory> devices() override { return backends::detect_devices(); }

  unsigned build_slots() const override {
    return std::max(1u, std::thread::hardware_concurrency());
  }

  util::Expected<OpenedEvaluation> evaluation(const backends::CandidateRecipe& recipe,
                                              const eval::EvalOptions& options,
                                              backends::SandboxMode mode,
                                              const backends::Device&) override {
    auto sandbox = backends::choose_sandbox(mode, backends::sandbox_support());
    if (!sandbox) return util::unexpected(sandbox.error());
    eval::EvalOptions sandboxed = options;
    sandboxed.sandbox = *sandbox;
    return OpenedEvaluation{std::make_unique<eval::Evaluator>(recipe, sandboxed),
                            sandbox->warning()};
  }
};

}  // namespace

std::unique_ptr<Executor> local_executor() { return std::make_unique<LocalExecutor>(); }

}  // namespace kevolve::executor
