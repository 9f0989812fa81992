#pragma once

// A wisdom record in words, for people (`kevolve show`, `kevolve status`, tune's progress):
// rates with units and shares of the measured peaks instead of raw JSON, and "defaults stand"
// as a result of its own rather than a 1.00x speedup.

#include "knowledge/wisdom.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>

namespace kevolve::tune {

// What the record says when no candidate beat the defaults beyond the noise.
inline constexpr const char* k_defaults_stand_note =
    "no candidate beat the defaults beyond the measured noise";
inline constexpr const char* k_defaults_stand_text =
    "defaults stand (no candidate beat them beyond the noise)";

// Whether the record is the defaults standing: its note says so, or (records from before the
// note) its best is the defaults, which the tune stores at the re-timed baseline, speedup 1.
// `defaults` are the unit's defaults where the caller knows them.
bool defaults_stood(const knowledge::SizeRecord& record,
                    const knowledge::ParamValues* defaults = nullptr);

// "BLOCK=64 1.42x [1.40, 1.45]": the winner, its speedup and interval.
std::string winner_text(const knowledge::SizeRecord& record);

// The progress note of a re-tune whose winner differs from the one builds used: "replaces
// BLOCK=64 1.42x [1.40, 1.45] (found 2026-11-21) with BLOCK=128 1.61x [1.58, 1.63]"; none when
// the winner is the same, or neither record has one (the defaults stood and stand).
std::optional<std::string> replacement_note(const knowledge::SizeRecord& previous,
                                            const knowledge::SizeRecord& now);

// The record's `achieved` against its `peaks` (docs/knowledge-format.md): "10.2 GB/s, 41% of
// the measured copy bandwidth (memory-bound)"; "" when `achieved` holds no rate.
std::string achieved_text(const util::Json& achieved, const util::Json& peaks);

// The record's `peaks`: "copy 2.99 TB/s, fp32 FMA 57.1 TFLOP/s"; "" when it holds none.
std::string peaks_text(const util::Json& peaks);

// Any other JSON value compactly, for a person: strings bare, numbers to 4 digits, objects as
// "key value, key value" with nested ones in parentheses, arrays separated by "; ".
std::string readable_json(const util::Json& value);

}  // namespace kevolve::tune
