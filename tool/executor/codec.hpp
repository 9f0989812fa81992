#pragma once

// What crosses the work directory between the tuner and its workers on other nodes
// (docs/cluster.md, "The work directory"), as JSON: a unit's recipe and evaluation options,
// builds, trials, a harness's description and the devices a node has. The tuner reads files a
// worker wrote on a shared filesystem, which a candidate on that node might have touched: every
// reader checks types and says what is wrong, never throws.

#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "backends/protocol.hpp"
#include "tool/eval/evaluator.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>

namespace kevolve::executor {

util::Json to_json(const backends::CandidateRecipe& recipe);
util::Expected<backends::CandidateRecipe> recipe_from(const util::Json& json);

// The options without their sandbox: a worker resolves the sandbox on its own node.
util::Json to_json(const eval::EvalOptions& options);
util::Expected<eval::EvalOptions> options_from(const util::Json& json);

util::Json to_json(const backends::Build& build);
util::Expected<backends::Build> build_from(const util::Json& json);

util::Json to_json(const eval::Measurement& measurement);
util::Expected<eval::Measurement> measurement_of(const util::Json& json);

util::Json to_json(const eval::Trial& trial);
util::Expected<eval::Trial> trial_from(const util::Json& json);

// A node's device, with its measured peaks where known.
struct NodeDevice {
  backends::Device device;
  std::optional<backends::Peaks> peaks;
};
util::Json to_json(const NodeDevice& device);
util::Expected<NodeDevice> node_device_from(const util::Json& json);

}  // namespace kevolve::executor
