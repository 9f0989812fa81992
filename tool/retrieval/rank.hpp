#pragma once

// Which passages a prompt gets (docs/retrieval.md, "Ranking"): the passages of the query's
// backend, arch and bound, ranked by BM25 against the kernel's identifiers and its diagnosis in
// words, the best few within a size budget.

#include "tool/retrieval/passage.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::retrieval {

struct Query {
  std::string backend;  // "cpu", "cuda", "hip": passages for another backend are left out
  std::string arch;     // "sm_90", "x86_64"...: passages for another arch are left out
  std::string bound;    // "memory", "compute", "latency", "": a passage tagged with another bound
                        // is left out; one tagged with this bound ranks higher
  std::string text;     // the kernel's identifiers and the diagnosis in words
};

struct Retrieved {
  const Passage* passage;  // into the corpus: it must outlive the result
  double score;
};

// BM25's parameters, and how much more a word counts in a passage's title and tags than in
// its text (the words are counted that many times).
inline constexpr double k_bm25_k1 = 1.2;
inline constexpr double k_bm25_b = 0.75;
inline constexpr int k_title_weight = 3;
inline constexpr int k_tags_weight = 2;
// A passage tagged with the query's bound scores this many times its BM25 score.
inline constexpr double k_bound_boost = 1.5;

// The best passages for the query, at most `max_passages` and `max_bytes` of title and text
// together (a passage that does not fit is skipped, a smaller one may still fit); only passages
// that share a word with the query; ties broken by id, so the result is deterministic.
std::vector<Retrieved> retrieve(const Corpus& corpus, const Query& query, std::size_t max_passages,
                                std::size_t max_bytes);

// The words of `text` as the ranking sees them: split at anything but ASCII letters and digits
// and inside identifiers (`row_sums` -> row, sums; `rowSums` -> row, sums; `HBMBandwidth` ->
// hbm, bandwidth; `float4` stays whole), lower-cased; stop words, one-letter words and bare
// numbers dropped.
std::vector<std::string> tokenize(std::string_view text);

}  // namespace kevolve::retrieval
