#pragma once

// What a prompt shows for an expansion of the tree (docs/agent.md): the node's code as the kernel
// to rewrite, its measurements and diagnosis, and by mode its lineage (inherit), its rewrites so
// far (compare-siblings), the partner's code (combine), or the original alone (fresh).

#include "tool/agent/policy.hpp"
#include "tool/agent/tree.hpp"
#include "tool/variant/prompt.hpp"

#include <functional>
#include <string>

namespace kevolve::agent {

// A node's kernel text: the original's for the root, a variant's code otherwise.
using CodeOf = std::function<std::string(int node)>;

// `base`: the unit's fixed part (the original kernel, its file, harness, space, device, the
// defaults' time and the retrieved passages); the rest comes from the tree.
variant::PromptContext context_for(const Tree& tree, const Expansion& expansion,
                                   variant::PromptContext base, const CodeOf& code_of);

// A node's result as a prompt's attempt.
variant::Attempt attempt_of(const Result& result);

}  // namespace kevolve::agent
