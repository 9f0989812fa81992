#pragma once

// Wisdom: what tuning found for one unit on one device (docs/design.md §7), stored as
// `<knowledge>/<unit>/<device-id>.json`. The text form is canonical: fixed key order,
// two-space indent, trailing newline, so that writing what was read gives the same bytes and
// re-tuning unchanged sources changes nothing. Fields this kevolve does not know are kept (in
// `extra`) and written back after the known ones.

#include "space/spec.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kevolve::knowledge {

// Parameter values by name, in the space's declaration order.
using ParamValues = std::vector<std::pair<std::string, space::Value>>;

struct Fingerprint {
  std::string name;      // "NVIDIA H100 80GB HBM3"
  std::string arch;      // "sm_90"
  std::string driver;    // driver version, "" where there is none (CPU)
  std::string toolkit;   // "cuda 13.0", "hip 5.2", ""
  std::string compiler;  // "nvcc 13.0.48", "g++ 12.2.0"
  util::Json extra = util::Json::object();
};

struct Ranked {
  ParamValues params;
  double time_s = 0;
};

// The numbers behind a review (docs/knowledge-format.md): the winner's speedup and times, and
// the rates it achieved with the measured peaks they exceed (where the harness declares its
// traffic or work and the device's peaks are known).
struct ReviewEvidence {
  double speedup = 1;
  double time_s = 0;
  double baseline_s = 0;
  std::optional<double> bytes_per_s;       // achieved, from the harness's traffic
  std::optional<double> peak_bytes_per_s;  // the measured bandwidth it is checked against
  std::string memory_level;                // whose bandwidth: "memory", "L2", ...; "" unknown
  std::optional<double> flops_per_s;       // achieved, from the harness's work
  std::optional<double> peak_flops_per_s;  // the measured FMA throughput
};

enum class ReviewState { pending, accepted };
std::string_view name_of(ReviewState state);

// A winner too good to be used unseen: faster than the measured speed of light or far faster
// than the defaults. Builds do not use it while it is pending; a person accepts it.
struct Review {
  ReviewState state = ReviewState::pending;
  std::vector<std::string> reasons;  // one line each; at least one
  ReviewEvidence evidence;
  std::string accepted_by;  // when accepted: who (their USER), else empty
  std::string accepted_at;  // when accepted: ISO 8601, UTC
};

// What builds keep using while a record's winner waits for review: the winner they used before.
struct Fallback {
  ParamValues best;
  double time_s = 0;
  double speedup = 1;
  std::string date;  // when it was found
};

// The trial-log line the winner (or the defaults, when they stand) was measured in: its id,
// time and status, which `knowledge verify` checks against the trial log.
struct TrialRef {
  std::string id;
  double time_s = 0;
  std::string status;
};

// An LLM-written code variant the record's winner is (docs/knowledge-format.md, "Variants"): its
// text is `<unit>/variants/<hash>.<ext>`, content-addressed, and replaces the kernel's text of
// the original whose kernel_hash is `parent`. Builds never use it once that text changed; they
// fall back to `original_best`, the original's own best parameters, where still valid.
struct VariantRef {
  std::string hash;  // variant_hash() of the file's text
  std::string ext;   // "cpp", "cu", "hip": its kernel file's extension
  std::string parent;
  std::string provider;  // "openai", "anthropic", "command"
  std::string model;
  std::string prompt_hash;
  std::string space;  // the variant's own space (its marker's), which `best` is a point of
  std::int64_t prompt_tokens = 0;
  std::int64_t answer_tokens = 0;
  ParamValues original_best;

  std::string file_name() const { return hash + "." + ext; }
  friend bool operator==(const VariantRef& a, const VariantRef& b) {
    return a.hash == b.hash && a.parent == b.parent;
  }
};

// The content address of a variant's text: 32 hex digits of its XXH3 hash.
std::string variant_hash(std::string_view code);
// A hash as variant_hash writes it, and an extension of a source kevolve compiles.
bool is_variant_hash(std::string_view text);
bool is_variant_ext(std::string_view text);

struct SizeRecord {
  std::vector<std::pair<std::string, std::int64_t>> problem;  // size name -> value
  bool primary = false;
  ParamValues best;
  std::optional<VariantRef> variant;  // the winner is this code variant (LLM-made)
  std::optional<TrialRef> trial;      // absent in records from before kevolve wrote it
  double time_s = 0;                  // median time of the winner
  double baseline_s = 0;              // median time of the defaults
  double speedup = 1;                 // baseline_s / time_s
  double speedup_low = 1;             // confidence interval of the speedup
  double speedup_high = 1;
  std::optional<double> peak_percent;  // of the measured peak of the bound resource
  std::string bound;                   // "memory", "compute" or ""
  std::vector<Ranked> top;             // best first
  std::int64_t evaluations = 0;
  std::string strategy;
  std::string date;                  // ISO 8601, UTC
  std::string kevolve_version;       // that tuned it
  std::optional<Review> review;      // none: no gate tripped (or wisdom from before the gates)
  std::optional<Fallback> fallback;  // only beside a pending review
  util::Json extra = util::Json::object();

  bool pending_review() const { return review && review->state == ReviewState::pending; }
};

struct Wisdom {
  std::string unit;
  std::string device_id;
  Fingerprint device;
  std::string source_hash;  // kernel text + space + harness, at tuning time
  std::string kernel_hash;  // kernel text + space: a build's winners are stale when it changes
  std::string space;        // the space string, at tuning time
  std::vector<SizeRecord> records;
  util::Json extra = util::Json::object();

  const SizeRecord* primary() const;
};

// Whether `ref` (a record of `wisdom`) may replace the kernel whose text and space hash to
// `kernel_hash` now: a variant is used only as tuned, so its wisdom and its parent must both be
// of that kernel (docs/knowledge-format.md, "Variants").
bool variant_fits(const Wisdom& wisdom, const VariantRef& ref, std::string_view kernel_hash);

util::Json to_json(const Wisdom& wisdom);

// A parameter value as JSON: a number or a string.
util::Json value_json(const space::Value& value);
// Parameter values as a JSON object, in their order.
util::Json params_json(const ParamValues& params);
std::string serialize(const Wisdom& wisdom);

// Reads a wisdom document of the current schema. Every problem found is appended to
// `problems` as "<json path>: <what>"; the result is usable only when none was added.
Wisdom wisdom_from_json(const util::Json& document, std::vector<std::string>& problems);

// Parses, upgrades and checks the text of a wisdom file; errors name `origin` (the file) with
// the line and column or the JSON path. Every read of wisdom goes through it.
util::Expected<Wisdom> parse_wisdom(std::string_view text, std::string_view origin);

// Reads one wisdom file: a regular file, not a link, of at most k_max_wisdom_bytes.
util::Expected<Wisdom> read_wisdom_file(const std::filesystem::path& file);

}  // namespace kevolve::knowledge
