// Ranking passages for a prompt: the words, the filters, BM25 with the bound's boost, the
// budget, determinism, and the goal (a `.kevolve/docs/` note about the kernel's
// bottleneck is retrieved, an unrelated one is not).

#include "tool/retrieval/rank.hpp"

#include "knowledge/playbook.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::retrieval;

namespace {

using Words = std::vector<std::string>;

Passage passage(std::string id, std::string title, std::string text, Words backends = {},
                Words bounds = {}, Words archs = {}, Words tags = {}) {
  Passage p;
  p.id = std::move(id);
  p.source = "docs";
  p.title = std::move(title);
  p.text = std::move(text);
  p.backends = std::move(backends);
  p.bounds = std::move(bounds);
  p.archs = std::move(archs);
  p.tags = std::move(tags);
  return p;
}

Words ids(const std::vector<Retrieved>& found) {
  Words out;
  for (const Retrieved& r : found) out.push_back(r.passage->id);
  return out;
}

bool holds(const std::vector<Retrieved>& found, std::string_view id) {
  return std::any_of(found.begin(), found.end(),
                     [&](const Retrieved& r) { return r.passage->id == id; });
}

// Ten filler passages about other things, so that idf has a corpus to work on.
Corpus with_filler(std::vector<Passage> passages) {
  Corpus corpus;
  corpus.passages = std::move(passages);
  for (int i = 0; i < 10; ++i)
    corpus.passages.push_back(passage("filler/" + std::to_string(i), "Filler",
                                      "Release notes, licences and meeting minutes."));
  return corpus;
}

}  // namespace

TEST_CASE("rank: identifiers are split into words", "[retrieval][rank]") {
  CHECK(tokenize("row_sums") == Words{"row", "sums"});
  CHECK(tokenize("rowSums(float4* out)") == Words{"row", "sums", "float4", "out"});
  CHECK(tokenize("HBMBandwidth __restrict__ sm_90 x 128 cp.async") ==
        Words{"hbm", "bandwidth", "restrict", "sm", "cp", "async"});
  CHECK(tokenize("The kernel is memory-bound at 41% of the measured bandwidth") ==
        Words{"kernel", "memory", "bound", "bandwidth"});
  CHECK(tokenize("\xff\xfe\0 ---").empty());
}

TEST_CASE("rank: a docs note about the kernel's bottleneck is retrieved, an unrelated one is not",
          "[retrieval][rank]") {
  test::TempDir dir;
  dir.write(".kevolve/docs/cluster.md",
            "---\n"
            "backend: cuda\n"
            "bound: memory\n"
            "tags: hbm, bandwidth\n"
            "---\n"
            "## HBM bandwidth of our H100 nodes\n"
            "The nodes reach about 3 TB/s in large copies only when every warp reads whole 128-byte\n"
            "lines. Row sums over a row-major matrix should give each warp a row, read it with\n"
            "float4 loads and reduce with shuffles; column walks stay near 300 GB/s.\n");
  dir.write(".kevolve/docs/licences.md",
            "## Licences of the vendored libraries\n"
            "The vendored cuBLAS headers are covered by NVIDIA's licence; the legal team reviews\n"
            "any update of the third_party folder before a release.\n");
  Corpus corpus = load_corpus(dir / ".kevolve");
  REQUIRE(corpus.problems.empty());
  REQUIRE(corpus.passages.size() == knowledge::playbook().size() + 2);

  Query query;
  query.backend = "cuda";
  query.arch = "sm_90";
  query.bound = "memory";
  query.text = "row_sums(const float* matrix, float* sums, int rows, int cols) rowIdx colIdx "
               "memory-bound at 41% of the measured bandwidth; L2 hit rate 12%; global loads "
               "uncoalesced";
  auto found = retrieve(corpus, query, 4, 4096);
  INFO(::Catch::Detail::stringify(ids(found)));
  REQUIRE_FALSE(found.empty());
  CHECK(holds(found, "docs/cluster.md#1"));
  CHECK_FALSE(holds(found, "docs/licences.md#1"));
  // The rest are the playbook's passages for the same backend and bound.
  for (const Retrieved& r : found) {
    CHECK(r.score > 0);
    CHECK((r.passage->backends.empty() || std::count(r.passage->backends.begin(),
                                                     r.passage->backends.end(), "cuda")));
  }
  // Even with room for everything that matches, the unrelated note shares no word with the query.
  CHECK_FALSE(holds(retrieve(corpus, query, 1000, 1 << 20), "docs/licences.md#1"));
}

TEST_CASE("rank: passages for another backend, arch or bound are left out", "[retrieval][rank]") {
  Corpus corpus = with_filler({
      passage("any", "Tiling", "tiling helps reuse"),
      passage("cpu", "Tiling", "tiling helps reuse", {"cpu"}),
      passage("cuda", "Tiling", "tiling helps reuse", {"cuda", "hip"}),
      passage("sm_80", "Tiling", "tiling helps reuse", {}, {}, {"sm_80"}),
      passage("compute", "Tiling", "tiling helps reuse", {}, {"compute"}),
      passage("memory", "Tiling", "tiling helps reuse", {}, {"memory", "latency"}),
  });
  Query query;
  query.text = "tiling";
  CHECK(retrieve(corpus, query, 10, 1 << 20).size() == 6);  // no filter: every one that matches

  query.backend = "CUDA";
  query.arch = "sm_90";
  query.bound = "memory";
  auto found = retrieve(corpus, query, 10, 1 << 20);
  Words got = ids(found);
  std::sort(got.begin(), got.end());
  CHECK(got == Words{"any", "cuda", "memory"});
  // A passage tagged with the query's bound ranks above the same text untagged.
  CHECK(found.front().passage->id == "memory");
  CHECK(found.front().score == Approx(found.back().score * k_bound_boost));

  query.bound = "";  // no bound: none left out for its bound, none boosted
  got = ids(retrieve(corpus, query, 10, 1 << 20));
  std::sort(got.begin(), got.end());
  CHECK(got == Words{"any", "compute", "cuda", "memory"});
}

TEST_CASE("rank: title and tags weigh more than text; nothing without a shared word",
          "[retrieval][rank]") {
  Corpus corpus = with_filler({
      passage("in-text", "Notes", "something about prefetching and more words here"),
      passage("in-title", "Prefetching", "something about other things and more words here"),
      passage("in-tags", "Notes", "something about other things and more words here", {}, {}, {},
              {"prefetching"}),
  });
  Query query;
  query.text = "prefetching distance";
  CHECK(ids(retrieve(corpus, query, 10, 1 << 20)) == Words{"in-title", "in-tags", "in-text"});
  query.text = "unrelated words only";  // "words" is in all three: they share it
  CHECK(retrieve(corpus, query, 10, 1 << 20).size() == 3);
  query.text = "nothing shared";
  CHECK(retrieve(corpus, query, 10, 1 << 20).empty());
  query.text = "";
  CHECK(retrieve(corpus, query, 10, 1 << 20).empty());
  query.text = "vector load";  // a plural's final s: "loads" and "load" meet
  corpus.passages.push_back(passage("plural", "Wide loads", "issue vectors of loads"));
  CHECK(holds(retrieve(corpus, query, 10, 1 << 20), "plural"));
}

TEST_CASE("rank: the budget of passages and bytes", "[retrieval][rank]") {
  Corpus corpus = with_filler({
      passage("a-big", "Vectorise", "vectorise vectorise vectorise " + std::string(1000, '.')),
      passage("b-medium", "Vectorise", "vectorise vectorise " + std::string(500, '.')),
      passage("c-small", "Vectorise", "vectorise " + std::string(100, '.')),
  });
  Query query;
  query.text = "vectorise";
  auto all = retrieve(corpus, query, 10, 1 << 20);
  REQUIRE(all.size() == 3);
  CHECK(retrieve(corpus, query, 2, 1 << 20).size() == 2);
  CHECK(retrieve(corpus, query, 0, 1 << 20).empty());

  // Room for one of the larger two, then the small one still fits.
  std::size_t small = corpus.passages[2].title.size() + corpus.passages[2].text.size();
  std::size_t big = corpus.passages[0].title.size() + corpus.passages[0].text.size();
  std::size_t medium = corpus.passages[1].title.size() + corpus.passages[1].text.size();
  auto fitted = retrieve(corpus, query, 10, std::max(big, medium) + small);
  std::size_t bytes = 0;
  for (const Retrieved& r : fitted) bytes += r.passage->title.size() + r.passage->text.size();
  CHECK(bytes <= std::max(big, medium) + small);
  CHECK(fitted.size() == 2);
  CHECK(holds(fitted, "c-small"));
  CHECK(retrieve(corpus, query, 10, small - 1).empty());
}

TEST_CASE("rank: equal scores are ordered by id, and every run gives the same result",
          "[retrieval][rank]") {
  Corpus corpus = with_filler({
      passage("z", "Occupancy", "registers limit occupancy"),
      passage("m", "Occupancy", "registers limit occupancy"),
      passage("a", "Occupancy", "registers limit occupancy"),
  });
  Query query;
  query.text = "occupancy registers";
  auto first = retrieve(corpus, query, 10, 1 << 20);
  CHECK(ids(first) == Words{"a", "m", "z"});
  for (int i = 0; i < 5; ++i) {
    auto again = retrieve(corpus, query, 10, 1 << 20);
    REQUIRE(again.size() == first.size());
    for (std::size_t k = 0; k < again.size(); ++k) {
      CHECK(again[k].passage == first[k].passage);
      CHECK(again[k].score == first[k].score);
    }
  }
}
