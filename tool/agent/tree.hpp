#pragma once

// The agent's search tree (docs/agent.md; issue 19). A node is a kernel text with the best of
// its parameter search: the root is the original kernel, every other node a variant an LLM wrote
// when asked from its parent in one of the context modes. Pure bookkeeping: no I/O, no LLM, no
// evaluation, so that the policy (policy.hpp) and the benchmark (bench/agent/) run on it as the
// tune does.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::agent {

// How a node came to be, or what an expansion asks for:
//  - params: more parameter search of the node's own space (no new node);
//  - inherit: a rewrite, shown the node's lineage (what was tried on the way, with results);
//  - compare_siblings: a rewrite, shown the node's children so far (times, diagnoses, failures);
//  - combine: a rewrite merging the node with a good node of another branch (the partner);
//  - fresh: a rewrite of the original, shown its diagnosis only.
enum class Mode { params, inherit, compare_siblings, combine, fresh };

std::string_view name_of(Mode mode);  // "params", "inherit", "compare-siblings", ...
std::optional<Mode> mode_named(std::string_view name);

// What a node's expansion measured.
struct Result {
  std::string status = "pending";  // "ok", "rejected", "compile_error", "wrong_result", ...
  std::optional<double> time_s;    // the best time of its parameter search
  std::string params;              // that point, "BM=64, BN=128"
  std::string message;             // why it failed (compiler, verifier, checks), trimmed
  std::string explanation;         // what the model said it changed
  std::string bound;               // the diagnosis of its best: "memory", "compute", "latency"
  std::optional<double> peak_percent;
  std::string diagnosis;  // in words, when known
  bool ok() const { return status == "ok" && time_s.has_value(); }
};

struct Node {
  int id = 0;
  int parent = -1;   // -1: the root
  int partner = -1;  // combine: the other node merged in
  Mode made_by = Mode::fresh;
  std::string variant;  // the variant's hash; empty for the original
  Result result;
  std::vector<int> children;
  int expansions = 0;     // expansions from it that finished (UCT's visit count)
  int in_flight = 0;      // expansions from it not finished yet (a virtual loss)
  int params_rounds = 0;  // parameter searches beyond its first
};

class Tree {
 public:
  Tree();  // the root, pending until finish(0, "", its result)

  // A pending node asked for from `parent` (and `partner` when combining). Returns its id.
  int add(int parent, Mode mode, int partner = -1);
  // Its result, once its answer was checked and its space searched (or it failed).
  void finish(int id, std::string variant, Result result);
  // A params expansion of `id` started and ended: its result improves when `result` is faster.
  void begin_params(int id);
  void end_params(int id, const Result& result);
  // An expansion asked for but never made (the call failed): the counts go back.
  void abandon(int id);

  const Node& node(int id) const { return m_nodes.at(static_cast<std::size_t>(id)); }
  std::size_t size() const { return m_nodes.size(); }
  const std::vector<Node>& nodes() const { return m_nodes; }

  // From the root's child on the way down to `id` (empty for the root).
  std::vector<int> lineage(int id) const;
  bool descends_from(int id, int ancestor) const;
  // The fastest node that ran correctly.
  std::optional<int> best() const;
  // Its speedup over the root: root's best / the node's best; 0 for a node that failed.
  double speedup(int id) const;
  int pending() const;  // nodes asked for and not finished

 private:
  std::vector<Node> m_nodes;
};

}  // namespace kevolve::agent
