#pragma once

// The prompt that asks an LLM for a variant of one kernel (docs/llm.md, "What is sent"), composed
// from the templates in templates/prompts/ (embedded): the kernel's text at its scanned extents
// with the rest of its file (the declarations it needs), the harness, the space and the best
// parameters so far, the measured times, % of peak and bound, the earlier attempts of this tune
// with their trimmed compiler or verifier messages, and the backend's guidance. The answer
// format is stated in it (tool/variant/answer.hpp reads it).

#include "tool/llm/provider.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kevolve::variant {

// One earlier variant of this tune, as the next prompt sees it.
struct Attempt {
  std::string status;            // "ok", "rejected", "compile_error", "wrong_result", ...
  std::string message;           // why, trimmed (compiler errors, the verifier's finding)
  std::optional<double> time_s;  // its best time, when it ran correctly
  std::string params;            // its best parameters, "BM=32, BN=64"
  std::string explanation;       // what the answer said it changed, trimmed
};

struct PromptContext {
  std::string unit;
  std::string backend;      // "cpu", "cuda", "hip"
  std::string device;       // "NVIDIA H100 80GB HBM3", "AMD EPYC 7763"
  std::string kernel_name;  // the function's unqualified name
  std::string kernel_file;  // relative to the project, for the reader
  std::string kernel_text;  // [begin, end) of the original
  std::string file_before;  // the file's text before the kernel
  std::string file_after;   // and after it
  std::string harness_file;
  std::string harness_text;
  std::string space;        // the marker's space text
  std::string best_params;  // "BM=32, BN=64": the best point so far (the defaults if none won)
  double best_s = 0;        // its median time
  double baseline_s = 0;    // the defaults' median time
  std::optional<double> peak_percent;  // of the bound resource's measured peak
  std::string bound;                   // "memory", "compute", ""
  std::vector<Attempt> attempts;       // earlier variants of this tune, oldest first
};

// The prompt, and its hash (recorded with the variant) over both parts.
struct ComposedPrompt {
  llm::Prompt prompt;
  std::string hash;
};

ComposedPrompt compose_prompt(const PromptContext& context);

}  // namespace kevolve::variant
