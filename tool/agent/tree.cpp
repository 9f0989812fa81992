#include "tool/agent/tree.hpp"

#include <array>
#include <utility>

namespace kevolve::agent {

namespace {

constexpr std::array<std::pair<Mode, std::string_view>, 5> k_names{{
    {Mode::params, "params"},
    {Mode::inherit, "inherit"},
    {Mode::compare_siblings, "compare-siblings"},
    {Mode::combine, "combine"},
    {Mode::fresh, "fresh"},
}};

}  // namespace

std::string_view name_of(Mode mode) {
  for (const auto& [m, name] : k_names) {
    if (m == mode) return name;
  }
  return "?";
}

std::optional<Mode> mode_named(std::string_view name) {
  for (const auto& [m, n] : k_names) {
    if (n == name) return m;
  }
  return std::nullopt;
}

Tree::Tree() { m_nodes.push_back(Node{}); }

int Tree::add(int parent, Mode mode, int partner) {
  Node n;
  n.id = static_cast<int>(m_nodes.size());
  n.parent = parent;
  n.partner = partner;
  n.made_by = mode;
  m_nodes.at(static_cast<std::size_t>(parent)).children.push_back(n.id);
  m_nodes.at(static_cast<std::size_t>(parent)).in_flight++;
  m_nodes.push_back(std::move(n));
  return m_nodes.back().id;
}

void Tree::finish(int id, std::string variant, Result result) {
  Node& n = m_nodes.at(static_cast<std::size_t>(id));
  n.variant = std::move(variant);
  n.result = std::move(result);
  if (n.parent < 0) return;
  Node& parent = m_nodes.at(static_cast<std::size_t>(n.parent));
  parent.in_flight--;
  parent.expansions++;
}

void Tree::begin_params(int id) { m_nodes.at(static_cast<std::size_t>(id)).in_flight++; }

void Tree::end_params(int id, const Result& result) {
  Node& n = m_nodes.at(static_cast<std::size_t>(id));
  n.in_flight--;
  n.expansions++;
  n.params_rounds++;
  if (result.ok() && (!n.result.ok() || *result.time_s < *n.result.time_s)) {
    std::string explanation = n.result.explanation;
    n.result = result;
    n.result.explanation = std::move(explanation);
  }
}

void Tree::abandon(int id) {
  Node& n = m_nodes.at(static_cast<std::size_t>(id));
  if (n.parent < 0) return;
  Node& parent = m_nodes.at(static_cast<std::size_t>(n.parent));
  parent.in_flight--;
  parent.expansions++;  // the call was spent: UCT counts it
}

std::vector<int> Tree::lineage(int id) const {
  std::vector<int> path;
  for (int at = id; at > 0; at = node(at).parent) path.insert(path.begin(), at);
  return path;
}

bool Tree::descends_from(int id, int ancestor) const {
  for (int at = id; at >= 0; at = node(at).parent) {
    if (at == ancestor) return true;
  }
  return false;
}

std::optional<int> Tree::best() const {
  std::optional<int> best;
  for (const Node& n : m_nodes) {
    if (n.result.ok() && (!best || *n.result.time_s < *node(*best).result.time_s)) best = n.id;
  }
  return best;
}

double Tree::speedup(int id) const {
  const Result& root = node(0).result;
  const Result& r = node(id).result;
  if (!root.ok() || !r.ok() || *r.time_s <= 0) return 0;
  return *root.time_s / *r.time_s;
}

int Tree::pending() const {
  int count = 0;
  for (const Node& n : m_nodes) count += n.result.status == "pending" && n.id > 0 ? 1 : 0;
  return count;
}

}  // namespace kevolve::agent
