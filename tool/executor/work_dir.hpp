#pragma once

// The files a tune and its workers exchange on the shared filesystem (docs/cluster.md, "The work
// directory"). Every file is written whole under a temporary name and renamed, so a reader sees
// none or all of it.
//
//   <unit>/unit.json          tune:   the recipe, the evaluation options, the sandbox mode
//   <unit>/ready.json         worker: prepared (the node's device, description, baseline, ...)
//                                     or why not
//   <unit>/requests/<n>.json  tune:   evaluate | interleaved | reverify | counters | stop
//   <unit>/answers/<n>.json   worker: the answer to request n
//   <batch>/<task>.json       tune:   one build (recipe, header, tag) of a job array's task
//   <batch>/<task>.answer.json worker: the build
//   <probe>/devices.json      worker: the node's devices

#include <filesystem>
#include <string>

namespace kevolve::executor::work_dir {

inline std::filesystem::path unit_file(const std::filesystem::path& unit) {
  return unit / "unit.json";
}
inline std::filesystem::path ready_file(const std::filesystem::path& unit) {
  return unit / "ready.json";
}
inline std::filesystem::path request_file(const std::filesystem::path& unit, long n) {
  return unit / "requests" / (std::to_string(n) + ".json");
}
inline std::filesystem::path answer_file(const std::filesystem::path& unit, long n) {
  return unit / "answers" / (std::to_string(n) + ".json");
}
inline std::filesystem::path build_file(const std::filesystem::path& batch,
                                        const std::string& task) {
  return batch / (task + ".json");
}
inline std::filesystem::path built_file(const std::filesystem::path& batch,
                                        const std::string& task) {
  return batch / (task + ".answer.json");
}
inline std::filesystem::path devices_file(const std::filesystem::path& probe) {
  return probe / "devices.json";
}

}  // namespace kevolve::executor::work_dir
