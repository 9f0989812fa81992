#pragma once

// A pool of the agent benchmark (bench/agent/pools/<kernel>/, docs/results/agent.md): a kernel's
// original and its hand-written variants, each with what it measured (measured.json, written by
// measure.sh) and the hints that would lead a model to it. The lines of a kernel file that start
// with "//!" are the pool's notes, never part of the kernel's text:
//
//   //! summary: what it changes (the code says it too, in its first comment; a model that sees
//   //!          this text in its prompt knows the variant was tried)
//   //! bound: memory | compute | latency      (the diagnosis a profiler gives this kernel)
//   //! diagnosis: the profiler's words about it
//   //! trigger: "phrase" "phrase" !"phrase"   (one way to be asked for: every quoted phrase is in
//   //!          the prompt and no !-phrase is, outside its passages; a variant may have several)
//   //! space: A=1,B=2 A=2,B=2                 (the original only: its space's points)
//
// A pool's `kevolve/` folder is its project's knowledge directory as retrieval reads it (its
// `docs/*.md` notes, docs/retrieval.md; written for the benchmark as a project would write them):
// with the playbook, the passages its prompts are given.

#include "tool/retrieval/passage.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace agent_bench {

// One way a prompt leads a model to a variant.
struct Trigger {
  std::vector<std::string> present;  // all of these are in the prompt
  std::vector<std::string> absent;   // and none of these
};

// What evaluating a kernel text gives: a time, or why it failed.
struct Measured {
  std::string status;            // "ok", "compile_error", "wrong_result", ...
  std::optional<double> time_s;  // when ok: the best of measure.sh's rounds' medians
  std::string message;           // when not: the compiler's or the check's words
};

struct Kernel {
  std::string name;         // the file's stem: "ikj", "original"
  std::string file_before;  // the file's text before its KEVOLVE_TUNE (its includes)
  std::string text;         // from KEVOLVE_TUNE to the end: what a prompt shows and an answer is
  std::string summary;      // what it changes (variants)
  std::string bound;        // "memory", "compute", "latency"
  std::string diagnosis;    // the profiler's words
  std::vector<Trigger> triggers;
  Measured measured;  // at its defaults
};

struct Pool {
  std::string kernel;  // the unit: "matmul"
  std::filesystem::path dir;
  Kernel original;
  std::vector<Measured> space;  // the original at each point of its space
  std::vector<std::string> points;
  std::vector<Kernel> variants;
  std::string measured_on;  // measured.json's machine and date
  // The passages its prompts draw from, as the tune splits them: the project's notes and skills
  // (kevolve/docs, kevolve/skills), then the playbook.
  kevolve::retrieval::Corpus project, playbook;

  // The original's best point's time (what its parameter search finds), and the pool's best.
  double original_best_s() const;
  double best_s() const;
};

// Reads bench/agent/pools/<kernel>/: throws std::runtime_error naming the file and what is wrong.
Pool read_pool(const std::filesystem::path& dir);

// Whether `trigger` holds: its phrases are in `prompt` and its !-phrases not in `shown` (the
// prompt without its passages: a passage naming an idea does not make it tried).
bool holds(const Trigger& trigger, const std::string& prompt, const std::string& shown);

}  // namespace agent_bench
