#pragma once

// What a job of kevolve's runs on a cluster's node (`kevolve worker ...`, docs/cluster.md): the
// node's devices; one build of a job array; or one unit's evaluation server, which prepares the
// unit as a local tune does and answers the tune's requests until told to stop or left idle.
// The candidates it runs are judged here, by kevolve, exactly as on the tuning machine.

#include "util/expected.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace kevolve::executor {

util::Expected<void> probe_devices(const std::filesystem::path& probe_dir);
// Builds requests task, task + stride, ... of a job array's batch.
util::Expected<void> build_task(const std::filesystem::path& batch_dir, int task, int stride);
// Ends when a `stop` request comes, when no request came for `idle`, or when the work directory
// is gone (the tune ended).
util::Expected<void> serve_unit(const std::filesystem::path& unit_dir, std::chrono::seconds idle);

}  // namespace kevolve::executor
