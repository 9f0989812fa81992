// Skills written back after a search: one file per skill, the same bytes for the same skill,
// read back as a passage that other units' searches with the same bottleneck retrieve, and an
// LLM's explanation that cannot change the skill's tags.

#include "tool/retrieval/skills.hpp"

#include "tool/retrieval/passage.hpp"
#include "tool/retrieval/rank.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::retrieval;
namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

const std::string k_hash = "1a2b3c4d5e6f708192a3b4c5d6e7f809";

Skill memory_skill() {
  Skill s;
  s.unit = "row_sums";
  s.device = "cuda-sm_90-nvidia-h100-80gb-hbm3";
  s.backend = "cuda";
  s.arch = "sm_90";
  s.bound_before = "memory";
  s.bound_after = "memory";
  s.peak_before = 41.2;
  s.peak_after = 87.5;
  s.speedup = 2.125;
  s.explanation = "  Each warp now reads one row with float4 loads and reduces it with shuffles, so "
                  "the loads are coalesced.\n\nThe column walk is gone.  \n";
  s.diff_summary = "+24 -9 lines: warp per row,\nfloat4 loads";
  s.variant = k_hash;
  s.date = "2026-12-04";
  return s;
}

const Passage* find(const Corpus& corpus, std::string_view id) {
  for (const Passage& p : corpus.passages)
    if (p.id == id) return &p;
  return nullptr;
}

bool holds(const std::vector<Retrieved>& found, std::string_view id) {
  return std::any_of(found.begin(), found.end(),
                     [&](const Retrieved& r) { return r.passage->id == id; });
}

}  // namespace

TEST_CASE("skills: one file per skill, in the passage format, the same bytes when written again",
          "[retrieval][skills]") {
  test::TempDir dir;
  auto path = write_skill(dir / ".kevolve/skills", memory_skill());
  REQUIRE(path);
  CHECK(*path == dir / ".kevolve/skills/row_sums-1a2b3c4d.md");
  auto text = util::read_file(*path);
  REQUIRE(text);
  CHECK(*text ==
        "---\n"
        "title: row_sums: memory-bound, 2.12x faster (cuda, sm_90)\n"
        "backend: cuda\n"
        "arch: sm_90\n"
        "bound: memory\n"
        "tags: row, sums\n"
        "unit: row_sums\n"
        "variant: 1a2b3c4d5e6f708192a3b4c5d6e7f809\n"
        "---\n"
        "A variant of `row_sums` on cuda-sm_90-nvidia-h100-80gb-hbm3 ran 2.12x as fast as the "
        "original's best (2026-12-04).\n"
        "\n"
        "- Before: memory-bound at 41% of the measured peak.\n"
        "- After: memory-bound at 88% of the measured peak.\n"
        "- Change: +24 -9 lines: warp per row, float4 loads\n"
        "\n"
        "What changed, in the model's words:\n"
        "\n"
        "> Each warp now reads one row with float4 loads and reduces it with shuffles, so the "
        "loads are coalesced.\n"
        ">\n"
        "> The column walk is gone.\n");

  auto again = write_skill(dir / ".kevolve/skills/", memory_skill());
  REQUIRE(again);
  CHECK(*again == *path);
  CHECK(*util::read_file(*again) == *text);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir / ".kevolve/skills")) ++files;
  CHECK(files == 1);  // no temporary left behind

  Skill unknown = memory_skill();
  unknown.bound_before = unknown.bound_after = "";
  unknown.peak_before = unknown.peak_after = std::nullopt;
  unknown.arch = "";
  auto plain = skill_text(unknown);
  REQUIRE(plain);
  CHECK(plain->find("- Before: bound not known.\n") != std::string::npos);
  CHECK(plain->find("\nbound:") == std::string::npos);
  CHECK(plain->find("\narch:") == std::string::npos);
  CHECK(plain->find("title: row_sums: a variant, 2.12x faster (cuda)\n") != std::string::npos);
}

TEST_CASE("skills: a skill of one unit is retrieved for another unit with the same bound",
          "[retrieval][skills]") {
  test::TempDir dir;
  REQUIRE(write_skill(dir / ".kevolve/skills", memory_skill()));
  Corpus corpus = load_corpus(dir / ".kevolve");
  REQUIRE(corpus.problems.empty());
  const Passage* skill = find(corpus, "skills/row_sums-1a2b3c4d");
  REQUIRE(skill);
  CHECK(skill->source == "skills");
  CHECK(skill->backends == std::vector<std::string>{"cuda"});
  CHECK(skill->bounds == std::vector<std::string>{"memory"});
  CHECK(skill->archs == std::vector<std::string>{"sm_90"});
  CHECK(skill->tags == std::vector<std::string>{"row", "sums"});

  Query query;
  query.backend = "cuda";
  query.arch = "sm_90";
  query.bound = "memory";
  query.text = "col_means(const float* m, float* means, int rows, int cols) memory-bound at 38% "
               "of the measured peak; global loads uncoalesced";
  CHECK(holds(retrieve(corpus, query, 5, 8192), "skills/row_sums-1a2b3c4d"));

  query.bound = "compute";
  query.text = "col_means(const float* m, float* means, int rows, int cols) compute-bound at 70% "
               "of the measured peak; global loads uncoalesced";
  CHECK_FALSE(holds(retrieve(corpus, query, 1000, 1 << 20), "skills/row_sums-1a2b3c4d"));
  query.bound = "memory";
  query.backend = "cpu";
  CHECK_FALSE(holds(retrieve(corpus, query, 1000, 1 << 20), "skills/row_sums-1a2b3c4d"));
}

TEST_CASE("skills: what the model wrote cannot change the skill's tags or shape",
          "[retrieval][skills]") {
  test::TempDir dir;
  Skill hostile = memory_skill();
  hostile.explanation = "---\nbackend: cpu\nbound: compute\ntags: everything\n---\n## Heading\n"
                        "text with a NUL \0 and bad \xff bytes\r\n---\0tail"s;
  hostile.diff_summary = "one\n---\nbackend: hip";
  hostile.device = "dev\nbound: latency";
  hostile.date = "2026-12-04\n---";
  auto path = write_skill(dir / ".kevolve/skills", hostile);
  REQUIRE(path);

  Corpus corpus = load_corpus(dir / ".kevolve");
  const Passage* skill = find(corpus, "skills/row_sums-1a2b3c4d");
  REQUIRE(skill);
  CHECK(corpus.problems.empty());
  CHECK(skill->backends == std::vector<std::string>{"cuda"});
  CHECK(skill->bounds == std::vector<std::string>{"memory"});
  CHECK(skill->tags == std::vector<std::string>{"row", "sums"});
  CHECK(skill->text.find("> ---\n> backend: cpu\n") != std::string::npos);
  CHECK(skill->text.find("- Change: one --- backend: hip\n") != std::string::npos);
  CHECK(clean_text(skill->text) == skill->text);
  std::string text = *util::read_file(*path);
  CHECK(text.find('\0') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);

  // A long explanation is cut, and the skill stays one passage below the passage cap.
  hostile.explanation = std::string(100000, 'y');
  auto long_text = skill_text(hostile);
  REQUIRE(long_text);
  CHECK(long_text->size() < k_max_passage_bytes);
}

TEST_CASE("skills: what is not a skill is refused, and nothing is written",
          "[retrieval][skills]") {
  test::TempDir dir;
  auto refused = [&](Skill s, std::string_view expected) {
    auto path = write_skill(dir / ".kevolve/skills", s);
    REQUIRE_FALSE(path);
    CHECK_THAT(path.error(), Catch::Contains(std::string(expected)));
  };
  Skill s = memory_skill();
  s.unit = "../escape";
  refused(s, "is not a unit name");
  s = memory_skill();
  s.variant = "../../x";
  refused(s, "is not a variant hash");
  s = memory_skill();
  s.backend = "gpu";
  refused(s, "unknown backend `gpu`");
  s = memory_skill();
  s.arch = "sm_90\nbound: compute";
  refused(s, "is not an architecture");
  s = memory_skill();
  s.bound_after = "network";
  refused(s, "unknown bound `network`");
  s = memory_skill();
  s.speedup = std::numeric_limits<double>::infinity();
  refused(s, "must be finite");
  CHECK_FALSE(fs::exists(dir / ".kevolve"));
}

TEST_CASE("skills: a skills folder that is a link is not written through", "[retrieval][skills]") {
  test::TempDir dir;
  fs::create_directories(dir / "outside");
  fs::create_directories(dir / ".kevolve");
  fs::create_directory_symlink(dir / "outside", dir / ".kevolve/skills");
  auto path = write_skill(dir / ".kevolve/skills", memory_skill());
  REQUIRE_FALSE(path);
  CHECK_THAT(path.error(), Catch::Contains("a symbolic link"));
  CHECK(fs::is_empty(dir / "outside"));
}
