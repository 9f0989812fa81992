#pragma once

// The strategies behind tool/search/strategy.hpp, one file each; internal to tool/search: the
// registry in registry.cpp makes them by name, and the bandit makes its members. `start`, when
// given, is a point of the space to propose first.

#include "tool/search/strategy.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace kevolve::search {

// Every point in index order: it takes no start.
std::unique_ptr<Strategy> make_exhaustive(const space::Space& space, std::uint64_t seed,
                                          std::optional<space::Point> start);
std::unique_ptr<Strategy> make_random(const space::Space& space, std::uint64_t seed,
                                      std::optional<space::Point> start);
std::unique_ptr<Strategy> make_ils(const space::Space& space, std::uint64_t seed,
                                   std::optional<space::Point> start);
std::unique_ptr<Strategy> make_anneal(const space::Space& space, std::uint64_t seed,
                                      std::optional<space::Point> start);
// Annealing that mostly proposes the neighbour the value model likes best: a bandit member.
std::unique_ptr<Strategy> make_guided_anneal(const space::Space& space, std::uint64_t seed);
std::unique_ptr<Strategy> make_genetic(const space::Space& space, std::uint64_t seed,
                                       std::optional<space::Point> start);
std::unique_ptr<Strategy> make_tpe(const space::Space& space, std::uint64_t seed,
                                   std::optional<space::Point> start);
std::unique_ptr<Strategy> make_bayes(const space::Space& space, std::uint64_t seed,
                                     std::optional<space::Point> start);
std::unique_ptr<Strategy> make_bandit(const space::Space& space, std::uint64_t seed,
                                      std::optional<space::Point> start);

}  // namespace kevolve::search
