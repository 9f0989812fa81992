#include "knowledge/verify.hpp"

#include "knowledge/sample_wisdom.hpp"
#include "knowledge/store.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::knowledge;

namespace {

const Problem* find(const VerifyReport& report, const std::string& file_part,
                    const std::string& message_part) {
  for (const Problem& p : report.problems) {
    if (p.file.string().find(file_part) != std::string::npos &&
        p.message.find(message_part) != std::string::npos) {
      return &p;
    }
  }
  return nullptr;
}

std::string dump(const VerifyReport& report) {
  std::string out;
  for (const Problem& p : report.problems) out += p.file.string() + ": " + p.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("verify: a healthy directory has no problems", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / ".kevolve");
  REQUIRE(store);
  REQUIRE(store->write(test::sample_wisdom()));
  dir.write(".kevolve/trials/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.jsonl",
            "{\"schema\": 1, \"status\": \"ok\"}\n{\"schema\": 1, \"status\": \"timeout\"}\n");
  dir.write(".kevolve/docs/h100.md", "# notes\n");
  VerifyReport report = verify(dir / ".kevolve");
  INFO(dump(report));
  CHECK(report.problems.empty());
  CHECK(report.files_checked == 3);
}

TEST_CASE("verify: reports every problem with its file", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  std::string good = serialize(test::sample_wisdom());

  // Corrupt and truncated wisdom.
  dir.write("k/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json", good.substr(0, 200));
  dir.write("k/gemm/cpu-x86_64-amd-epyc.json", "{\"schema\": 1, \"unit\": }");
  // A newer schema.
  std::string newer = serialize(test::sample_wisdom("scan", "cpu-x86_64-amd-epyc"));
  newer.replace(newer.find("\"schema\": 1"), 11, "\"schema\": 9");
  dir.write("k/scan/cpu-x86_64-amd-epyc.json", newer);
  // Valid JSON with wrong content.
  Wisdom odd = test::sample_wisdom("softmax", "cpu-x86_64-amd-epyc");
  odd.records[0].speedup = 5.0;
  odd.records[1].primary = true;
  odd.records[0].variant = "abc123";
  dir.write("k/softmax/cpu-x86_64-other.json", serialize(odd));
  // A file name that is not a device id, a stray temporary, an unexpected entry.
  dir.write("k/norm/Not A Device.json", serialize(test::sample_wisdom("norm")));
  dir.write("k/norm/.cpu-x86_64-x.json.Ab12Cd.tmp", "{");
  dir.write("k/README.txt", "hi");
  // A trial log with a corrupt line in the middle and a cut-short last line.
  dir.write("k/trials/saxpy/cpu-x86_64-amd-epyc.jsonl", "{\"a\": 1}\n{oops}\n[1]\n{\"a\": ");

  VerifyReport report = verify(dir / "k");
  INFO(dump(report));
  CHECK(find(report, "saxpy/cuda-sm_90", "invalid JSON"));
  CHECK(find(report, "saxpy/cuda-sm_90", "truncated"));
  CHECK(find(report, "gemm/cpu-x86_64-amd-epyc.json", "invalid JSON"));
  CHECK(find(report, "scan/cpu-x86_64-amd-epyc.json", "schema 9 is newer"));
  CHECK(find(report, "softmax/cpu-x86_64-other.json",
             "device_id is 'cpu-x86_64-amd-epyc' but the file name says 'cpu-x86_64-other'"));
  CHECK(find(report, "softmax/cpu-x86_64-other.json", "speedup: value 5 disagrees"));
  CHECK(find(report, "softmax/cpu-x86_64-other.json", "2 are marked primary"));
  CHECK(find(report, "softmax/variants/abc123", "code variant referred to by wisdom is missing"));
  CHECK(find(report, "norm/Not A Device.json", "is not a device id"));
  CHECK(find(report, "norm/Not A Device.json", "unit is 'norm'") == nullptr);
  CHECK(find(report, ".Ab12Cd.tmp", "interrupted write"));
  CHECK(find(report, "README.txt", "unexpected entry"));
  const Problem* middle = find(report, "trials/saxpy", "invalid JSON");
  REQUIRE(middle);
  CHECK(middle->line == 2);
  const Problem* object = find(report, "trials/saxpy", "expected a JSON object");
  REQUIRE(object);
  CHECK(object->line == 3);
  const Problem* cut = find(report, "trials/saxpy", "cut short");
  REQUIRE(cut);
  CHECK(cut->line == 4);
  CHECK(cut->severity == Problem::Severity::warning);
  CHECK(report.errors() >= 10);
}

TEST_CASE("verify: a missing or newer marker is an error", "[knowledge][verify]") {
  test::TempDir dir;
  dir.write("k/saxpy/.keep", "");
  VerifyReport missing = verify(dir / "k");
  CHECK(find(missing, "KNOWLEDGE.json", "missing"));

  dir.write("k/KNOWLEDGE.json", "{\"schema\": 2}\n");
  VerifyReport newer = verify(dir / "k");
  CHECK(find(newer, "KNOWLEDGE.json", "upgrade kevolve"));

  VerifyReport nothing = verify(dir / "absent");
  CHECK(find(nothing, "absent", "not a directory"));
}

TEST_CASE("verify: hand edits are flagged as not canonical", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  std::string text = serialize(test::sample_wisdom());
  text.replace(text.find("  \"unit\""), 2, "    ");
  dir.write("k/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json", text);
  VerifyReport report = verify(dir / "k");
  const Problem* p = find(report, "saxpy", "not in canonical form");
  REQUIRE(p);
  CHECK(p->severity == Problem::Severity::warning);
  CHECK(report.errors() == 0);
}

TEST_CASE("verify: reviews and fallbacks are checked", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  Wisdom good = test::sample_wisdom();
  ReviewEvidence evidence;
  evidence.speedup = 12;
  evidence.time_s = 1e-6;
  evidence.baseline_s = 1.2e-5;
  good.records[0].review = Review{ReviewState::pending, {"12.0x faster than the defaults"},
                                  evidence, {}, {}};
  good.records[0].fallback = Fallback{{{"BLOCK", space::Value(128)}}, 2e-5, 1.05, "2026-11-01"};
  REQUIRE(store->write(good));
  VerifyReport healthy = verify(dir / "k");
  INFO(dump(healthy));
  CHECK(healthy.problems.empty());

  Wisdom bad = test::sample_wisdom("gemm", "cpu-x86_64-amd-epyc");
  bad.records[0].review = Review{ReviewState::accepted, {" "}, evidence, "", ""};
  bad.records[0].review->evidence.time_s = -1;
  bad.records[0].review->evidence.bytes_per_s = 0;
  bad.records[0].fallback = Fallback{{}, 0, 1, ""};
  REQUIRE(store->write(bad));
  dir.write("k/scan/cpu-x86_64-amd-epyc.json",
            "{\"schema\": 1, \"unit\": \"scan\", \"device_id\": \"cpu-x86_64-amd-epyc\", "
            "\"records\": [{\"review\": {\"state\": \"done\"}}]}");
  VerifyReport report = verify(dir / "k");
  INFO(dump(report));
  const std::string gemm = "gemm/cpu-x86_64-amd-epyc.json";
  CHECK(find(report, gemm, "records[0].review.evidence.time_s: must be positive"));
  CHECK(find(report, gemm, "records[0].review.evidence.bytes_per_s: must be positive"));
  CHECK(find(report, gemm, "records[0].review.reasons[0]: empty"));
  CHECK(find(report, gemm, "records[0].review.accepted_by: empty"));
  CHECK(find(report, gemm, "records[0].review.accepted_at: empty"));
  CHECK(find(report, gemm, "records[0].fallback: only a record whose winner waits for review"));
  CHECK(find(report, gemm, "records[0].fallback.time_s: must be positive"));
  CHECK(find(report, "scan/cpu-x86_64-amd-epyc.json",
             "records[0].review.state: 'done' is neither \"pending\" nor \"accepted\""));
  CHECK(find(report, "saxpy/", "review") == nullptr);
}
