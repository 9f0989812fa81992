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
  std::string diagnosis;         // its best's diagnosis in words, when known
};

// A passage retrieved for the prompt (docs/retrieval.md): the playbook's, the project's notes
// or a skill written back by an earlier search.
struct Passage {
  std::string id;  // "playbook/cuda-coalescing", "docs/hbm.md#2", "skills/sgemm-1a2b3c4d"
  std::string title;
  std::string text;
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
  // The tree search's context mode (docs/agent.md): "inherit" (attempts are the kernel's
  // lineage), "compare-siblings" (attempts are its rewrites so far), "combine" (merge with the
  // partner), "fresh" (the original, no history); "" for the plain sequence of calls.
  std::string mode;
  std::string diagnosis;     // the best's diagnosis in words
  std::string partner_text;  // combine: the other version
  Attempt partner;           // what it measured and said
  std::vector<Passage> passages;
};

// The prompt, and its hash (recorded with the variant) over both parts.
struct ComposedPrompt {
  llm::Prompt prompt;
  std::string hash;
};

ComposedPrompt compose_prompt(const PromptContext& context);

}  // namespace kevolve::variant
