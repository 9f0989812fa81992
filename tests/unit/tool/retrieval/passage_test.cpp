// Markdown files as passages: the format (front matter, docs split at `## `), the shipped
// playbook, and the hostile folders a pull request can bring (links, FIFOs, huge or broken
// files): each ends in a problem line, never an exception or a hang.

#include "tool/retrieval/passage.hpp"

#include "knowledge/playbook.hpp"
#include "tool/retrieval/rank.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <sstream>
#include <sys/stat.h>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::retrieval;
namespace fs = std::filesystem;

namespace {

const Passage* find(const Corpus& corpus, std::string_view id) {
  for (const Passage& p : corpus.passages)
    if (p.id == id) return &p;
  return nullptr;
}

std::size_t from(const Corpus& corpus, std::string_view source) {
  return static_cast<std::size_t>(std::count_if(corpus.passages.begin(), corpus.passages.end(),
                                                [&](const Passage& p) { return p.source == source; }));
}

bool has_problem(const Corpus& corpus, std::string_view part) {
  return std::any_of(corpus.problems.begin(), corpus.problems.end(),
                     [&](const std::string& p) { return p.find(part) != std::string::npos; });
}

std::string all_problems(const Corpus& corpus) {
  std::string out;
  for (const std::string& p : corpus.problems) out += p + "\n";
  return out;
}

bool is_valid_text(std::string_view text) { return clean_text(text) == text; }

std::size_t words(std::string_view text) {
  std::istringstream in{std::string(text)};
  return static_cast<std::size_t>(std::distance(std::istream_iterator<std::string>(in),
                                                std::istream_iterator<std::string>()));
}

}  // namespace

TEST_CASE("passage: the shipped playbook is tagged, short and loads without problems",
          "[retrieval][passage]") {
  test::TempDir dir;
  Corpus corpus = load_corpus(dir / "none");
  INFO(all_problems(corpus));
  CHECK(corpus.problems.empty());
  CHECK(corpus.passages.size() == knowledge::playbook().size());
  CHECK(corpus.passages.size() >= 20);
  CHECK(corpus.passages.size() <= 30);
  for (const Passage& p : corpus.passages) {
    INFO(p.id);
    CHECK(p.source == "playbook");
    CHECK(p.id.rfind("playbook/", 0) == 0);
    CHECK_FALSE(p.title.empty());
    CHECK_FALSE(p.backends.empty());
    CHECK_FALSE(p.bounds.empty());
    CHECK_FALSE(p.tags.empty());
    CHECK(words(p.text) >= 60);
    CHECK(words(p.text) <= 200);
  }
  // Every backend and bound the brief names is covered.
  for (const char* backend : {"cpu", "cuda", "hip"})
    for (const char* bound : {"memory", "compute", "latency"}) {
      INFO(backend << " " << bound);
      CHECK(std::any_of(corpus.passages.begin(), corpus.passages.end(), [&](const Passage& p) {
        return std::count(p.backends.begin(), p.backends.end(), backend) &&
               std::count(p.bounds.begin(), p.bounds.end(), bound);
      }));
    }
  const Passage* async = find(corpus, "playbook/cuda-async-copy");
  REQUIRE(async);
  CHECK(async->backends == std::vector<std::string>{"cuda"});
  CHECK(async->text.find("cp.async") != std::string::npos);
}

TEST_CASE("passage: front matter, titles and a docs file split at its `## ` headings",
          "[retrieval][passage]") {
  test::TempDir dir;
  dir.write(".kevolve/docs/hbm.md",
            "---\n"
            "title: Our H100 nodes\n"
            "backend: CUDA\n"
            "bound: [memory, Latency]\n"
            "arch: sm_90\n"
            "tags: HBM, 'bandwidth',, nodes\n"
            "owner: the infra team\n"  // unknown keys are ignored
            "---\n"
            "\n"
            "Notes from the cluster.\n"
            "\n"
            "## Bandwidth ##\n"
            "HBM3 reaches about 3 TB/s in copies.\n"
            "```bash\n"
            "## not a heading: inside a fence\n"
            "```\n"
            "## Empty section\n"
            "\n"
            "## L2\n"
            "50 MiB of L2.\n");
  dir.write(".kevolve/docs/plain.md", "# Library notes\n\nWe link cuBLAS 12.\n");
  dir.write(".kevolve/skills/sgemm-1a2b3c4d.md", "---\ntitle: A skill\n---\n## kept whole\ntext\n");
  dir.write(".kevolve/docs/notes.txt", "not markdown: ignored\n");

  Corpus corpus = load_corpus(dir / ".kevolve");
  INFO(all_problems(corpus));
  CHECK(corpus.problems.empty());
  CHECK(from(corpus, "docs") == 4);
  CHECK(from(corpus, "skills") == 1);

  const Passage* preamble = find(corpus, "docs/hbm.md#0");
  REQUIRE(preamble);
  CHECK(preamble->title == "Our H100 nodes");
  CHECK(preamble->text == "Notes from the cluster.");
  CHECK(preamble->backends == std::vector<std::string>{"cuda"});
  CHECK(preamble->bounds == std::vector<std::string>{"memory", "latency"});
  CHECK(preamble->archs == std::vector<std::string>{"sm_90"});
  CHECK(preamble->tags == std::vector<std::string>{"hbm", "bandwidth", "nodes"});

  const Passage* bandwidth = find(corpus, "docs/hbm.md#1");
  REQUIRE(bandwidth);
  CHECK(bandwidth->title == "Bandwidth");
  CHECK(bandwidth->text ==
        "HBM3 reaches about 3 TB/s in copies.\n```bash\n## not a heading: inside a fence\n```");
  CHECK(bandwidth->tags == preamble->tags);  // the front matter applies to every section
  CHECK_FALSE(find(corpus, "docs/hbm.md#2"));  // a heading without text
  const Passage* l2 = find(corpus, "docs/hbm.md#3");
  REQUIRE(l2);
  CHECK(l2->title == "L2");

  const Passage* plain = find(corpus, "docs/plain.md#0");
  REQUIRE(plain);
  CHECK(plain->title == "Library notes");  // the `# ` heading, without a front matter
  CHECK(plain->backends.empty());

  const Passage* skill = find(corpus, "skills/sgemm-1a2b3c4d");
  REQUIRE(skill);
  CHECK(skill->source == "skills");
  CHECK(skill->text == "## kept whole\ntext");  // a skill is one passage
}

TEST_CASE("passage: a missing knowledge directory or folder is no problem",
          "[retrieval][passage]") {
  test::TempDir dir;
  CHECK(load_corpus(dir / "missing").problems.empty());
  fs::create_directories(dir / ".kevolve");
  Corpus corpus = load_corpus(dir / ".kevolve");
  CHECK(corpus.problems.empty());
  CHECK(from(corpus, "playbook") == corpus.passages.size());
}

TEST_CASE("passage: any bytes are accepted and cleaned, each repair a problem with its line",
          "[retrieval][passage]") {
  test::TempDir dir;
  std::string bytes = "---\r\ntitle: Crlf\r\nbackend: gpu\r\nnonsense line\r\n---\r\n";
  bytes += "line one\r\n";
  bytes += std::string("a NUL \0 here\r\n", 14);
  bytes += "bad \xff\xfe utf8 and overlong \xc0\xaf and a cut \xe2\x82\r\n";
  bytes += "ok \xe2\x82\xac euro\x1b[31m\r\n";
  dir.write(".kevolve/docs/bytes.md", bytes);
  dir.write(".kevolve/docs/nul-only.md", std::string(1000, '\0'));

  Corpus corpus = load_corpus(dir / ".kevolve");
  const Passage* p = find(corpus, "docs/bytes.md#0");
  REQUIRE(p);
  CHECK(p->title == "Crlf");
  CHECK(is_valid_text(p->text));
  CHECK(p->text.find('\r') == std::string::npos);
  CHECK(p->text.find('\0') == std::string::npos);
  CHECK(p->text.find("\xe2\x82\xac euro") != std::string::npos);
  std::string label = (dir / ".kevolve/docs/bytes.md").string();
  INFO(all_problems(corpus));
  CHECK(has_problem(corpus, label + ":3: unknown backend `gpu`"));
  CHECK(has_problem(corpus, label + ":4: expected `key: value`"));
  CHECK(has_problem(corpus, label + ":8: invalid UTF-8"));
  CHECK(has_problem(corpus, label + ":7: control characters"));
  const Passage* nul = find(corpus, "docs/nul-only.md#0");
  REQUIRE(nul);
  CHECK(is_valid_text(nul->text));
}

TEST_CASE("passage: a front matter that never closes skips its file", "[retrieval][passage]") {
  test::TempDir dir;
  dir.write(".kevolve/docs/open.md", "---\ntitle: open\nbackend: cuda\n\nbody without end\n");
  std::string long_front = "---\n";
  for (int i = 0; i < 100; ++i) long_front += "tags: x\n";
  dir.write(".kevolve/skills/long.md", long_front + "---\nbody\n");
  dir.write(".kevolve/docs/rule-only.md", "---");

  Corpus corpus = load_corpus(dir / ".kevolve");
  CHECK(from(corpus, "docs") == 0);
  CHECK(from(corpus, "skills") == 0);
  INFO(all_problems(corpus));
  CHECK(has_problem(corpus, (dir / ".kevolve/docs/open.md").string() + ":1: the front matter"));
  CHECK(has_problem(corpus, (dir / ".kevolve/skills/long.md").string() + ":1: the front matter"));
  CHECK(has_problem(corpus, "rule-only.md:1: the front matter"));
}

TEST_CASE("passage: 100k lines, long passages and many sections are cut at the caps",
          "[retrieval][passage]") {
  test::TempDir dir;
  std::string many;
  for (int i = 0; i < 100000; ++i) many += i % 10 == 0 ? "## s\n" : "w\n";
  REQUIRE(many.size() < k_max_file_bytes);
  dir.write(".kevolve/docs/many.md", many);
  std::string long_text;
  while (long_text.size() < 3 * k_max_passage_bytes) long_text += "a line of a long passage \xe2\x82\xac\n";
  dir.write(".kevolve/skills/long.md", long_text);
  dir.write(".kevolve/skills/one-line.md", std::string(10000, 'x') + "\xe2\x82\xac");

  Corpus corpus = load_corpus(dir / ".kevolve");
  INFO(all_problems(corpus));
  CHECK(from(corpus, "docs") == k_max_passages_per_file);
  CHECK(has_problem(corpus, (dir / ".kevolve/docs/many.md").string() + ":641: more than 64 "
                                                                         "passages"));
  const Passage* cut = find(corpus, "skills/long");
  REQUIRE(cut);
  CHECK(cut->text.size() <= k_max_passage_bytes);
  CHECK(cut->text.size() > k_max_passage_bytes - 40);
  CHECK(cut->text.back() != '\n');  // cut at a line's end
  CHECK(has_problem(corpus, "long.md:1: a passage longer than 4 KiB"));
  const Passage* one = find(corpus, "skills/one-line");
  REQUIRE(one);
  CHECK(one->text.size() == k_max_passage_bytes);
  CHECK(is_valid_text(one->text));
}

TEST_CASE("passage: links, FIFOs, folders and odd names in an untrusted folder are skipped",
          "[retrieval][passage]") {
  test::TempDir dir;
  fs::path outside = dir.write("outside/secret.md", "---\ntitle: secret\n---\nsecret text\n");
  dir.write(".kevolve/docs/good.md", "good text\n");
  fs::create_symlink(outside, dir / ".kevolve/docs/link.md");
  fs::create_symlink("x\nkevolve: error: forged\xff", dir / ".kevolve/docs/link2.md");
  REQUIRE(::mkfifo((dir / ".kevolve/docs/fifo.md").c_str(), 0644) == 0);
  fs::create_directories(dir / ".kevolve/docs/folder.md");
  dir.write(".kevolve/docs/.hidden.md", "hidden\n");
  dir.write(std::string(".kevolve/docs/new\nline.md"), "odd name\n");
  dir.write(".kevolve/docs/huge.md", std::string(k_max_file_bytes + 1, 'x'));
  fs::create_directory_symlink(dir / "outside", dir / ".kevolve/skills");

  Corpus corpus = load_corpus(dir / ".kevolve");
  INFO(all_problems(corpus));
  CHECK(from(corpus, "docs") == 1);
  CHECK(find(corpus, "docs/good.md#0"));
  CHECK(from(corpus, "skills") == 0);
  for (const Passage& p : corpus.passages) CHECK(p.text.find("secret") == std::string::npos);
  CHECK(has_problem(corpus, "link.md: a symbolic link"));
  CHECK(has_problem(corpus, "link2.md: a symbolic link (to x kevolve: error: forged\xef\xbf\xbd)"));
  CHECK(has_problem(corpus, "fifo.md: not a regular file"));
  CHECK(has_problem(corpus, "folder.md: not a regular file"));
  CHECK(has_problem(corpus, "huge.md"));
  CHECK(has_problem(corpus, "skills: a symbolic link"));
  CHECK(has_problem(corpus, "new-line-md: a name of other characters"));
  CHECK_FALSE(has_problem(corpus, "hidden"));
  for (const std::string& problem : corpus.problems) {
    CHECK(problem.find('\n') == std::string::npos);
    CHECK(clean_text(problem) == problem);
  }
}

TEST_CASE("passage: a folder's files beyond the cap are skipped by name", "[retrieval][passage]") {
  test::TempDir dir;
  for (std::size_t i = 0; i <= k_max_files; ++i)
    dir.write(".kevolve/skills/" + std::to_string(10000 + i) + ".md", "x\n");
  Corpus corpus = load_corpus(dir / ".kevolve");
  CHECK(from(corpus, "skills") == k_max_files);
  INFO(all_problems(corpus));
  CHECK(has_problem(corpus, "more than 500 files; 10500.md and the files after it"));
}
