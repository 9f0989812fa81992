#pragma once

// A wisdom file as kevolve writes it, shared by the knowledge tests.

#include "knowledge/wisdom.hpp"

#include <string>

namespace kevolve::test {

inline knowledge::Wisdom sample_wisdom(std::string unit = "saxpy",
                                       std::string device = "cuda-sm_90-nvidia-h100-80gb-hbm3") {
  knowledge::Wisdom w;
  w.unit = std::move(unit);
  w.device_id = std::move(device);
  w.device = {"NVIDIA H100 80GB HBM3", "sm_90", "13.0", "cuda 13.0", "nvcc 13.0.48", {}};
  w.source_hash = "xxh3:9f1c2a7b44e0d513";
  w.kernel_hash = "xxh3:41d0be0c3aa7f1e2";
  w.space = "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= 8192";
  knowledge::SizeRecord r;
  r.problem = {{"n", 16777216}};
  r.primary = true;
  r.best = {{"BLOCK", space::Value(256)}, {"ITEMS", space::Value(4)}};
  r.trial = knowledge::TrialRef{"20261121T095800Z-4242-17", 1.25e-05, "ok"};
  r.time_s = 1.2345678901234567e-05;
  r.baseline_s = 2.1e-05;
  r.speedup = r.baseline_s / r.time_s;
  r.speedup_low = 1.65;
  r.speedup_high = 1.75;
  r.peak_percent = 87.25;
  r.bound = "memory";
  r.top = {{{{"BLOCK", space::Value(256)}, {"ITEMS", space::Value(4)}}, r.time_s},
           {{{"BLOCK", space::Value(512)}, {"ITEMS", space::Value(2)}}, 1.3e-05}};
  r.evaluations = 24;
  r.strategy = "exhaustive";
  r.date = "2026-11-21T10:00:00Z";
  r.kevolve_version = "0.1.0";
  w.records.push_back(r);
  knowledge::SizeRecord small = r;
  small.problem = {{"n", 1048576}};
  small.primary = false;
  small.best = {{"BLOCK", space::Value(128)}, {"ITEMS", space::Value(1)}};
  small.trial = knowledge::TrialRef{"20261121T095900Z-4242-3", 1.5e-05, "ok"};
  small.peak_percent.reset();
  small.bound.clear();
  small.top.clear();
  w.records.push_back(small);
  return w;
}

// A reference to a code variant of the given hash (a C++ source).
inline knowledge::VariantRef variant_ref(std::string hash) {
  knowledge::VariantRef v;
  v.hash = std::move(hash);
  v.ext = "cpp";
  return v;
}

}  // namespace kevolve::test
