#pragma once

// The playbook shipped with kevolve: short passages on what to try against a bottleneck, per
// backend, one markdown file each in knowledge/playbook/, embedded at build time
// (cmake/embed.cmake). tool/retrieval reads them as passages (docs/retrieval.md).

#include <span>
#include <string_view>

namespace kevolve::knowledge {

struct PlaybookFile {
  std::string_view name;  // the file's name without ".md": "cuda-async-copy"
  std::string_view text;  // its bytes
};

// Every file of knowledge/playbook/, sorted by name.
std::span<const PlaybookFile> playbook();

}  // namespace kevolve::knowledge
