#include "knowledge/verify.hpp"

#include "knowledge/sample_wisdom.hpp"
#include "knowledge/store.hpp"
#include "knowledge/trials.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "child.hpp"
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

// The trial-log line each record of `w` refers to, as the tune that measured it wrote it.
std::vector<TrialRecord> measured_lines(const Wisdom& w) {
  std::vector<TrialRecord> lines;
  for (const SizeRecord& r : w.records) {
    TrialRecord t;
    t.id = r.trial->id;
    t.unit = w.unit;
    t.source_hash = w.source_hash;
    t.device_id = w.device_id;
    t.build = "xxh3:b";
    t.problem = r.problem;
    t.params = r.best;
    t.status = "ok";
    t.time_s = r.trial->time_s;
    lines.push_back(std::move(t));
  }
  return lines;
}

std::string log_text(const std::vector<TrialRecord>& lines) {
  std::string text;
  for (const TrialRecord& t : lines) text += to_json(t).dump() + "\n";
  return text;
}

}  // namespace

TEST_CASE("verify: a healthy directory has no problems", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / ".kevolve");
  REQUIRE(store);
  REQUIRE(store->write(test::sample_wisdom()));
  std::vector<TrialRecord> lines = measured_lines(test::sample_wisdom());
  lines.push_back(lines.front());
  lines.back().id = "20261121T100000Z-4242-18";
  lines.back().params = {{"BLOCK", space::Value(1024)}, {"ITEMS", space::Value(8)}};
  lines.back().status = "timeout";
  lines.back().time_s.reset();
  dir.write(".kevolve/trials/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.jsonl", log_text(lines));
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
  odd.records[0].variant = test::variant_ref("abc1230123456789abcdef0123456789");
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
  good.records[0].fallback = Fallback{
      {{"BLOCK", space::Value(128)}, {"ITEMS", space::Value(2)}}, 2e-5, 1.05, "2026-11-01"};
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

TEST_CASE("verify: each winner agrees with the trial it was measured in", "[knowledge][verify]") {
  const std::string log = ".kevolve/trials/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.jsonl";
  auto problems_with = [&](const std::vector<TrialRecord>& lines, const Wisdom& w) {
    test::TempDir dir;
    auto store = KnowledgeDir::open_or_create(dir / ".kevolve");
    REQUIRE(store);
    REQUIRE(store->write(w));
    dir.write(log, log_text(lines));
    VerifyReport report = verify(dir / ".kevolve");
    return dump(report);
  };
  const Wisdom w = test::sample_wisdom();
  CHECK(problems_with(measured_lines(w), w).empty());

  // The wisdom's winner was changed after the tune (a hand edit, or a process that outlived it).
  Wisdom edited = w;
  edited.records[0].best[0].second = space::Value(512);
  std::string report = problems_with(measured_lines(w), edited);
  CHECK_THAT(report,
             Catch::Contains("saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json: records[0].best: "
                             "{BLOCK=512 ITEMS=4} but trial '20261121T095800Z-4242-17' in "
                             "trials/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.jsonl measured "
                             "{BLOCK=256 ITEMS=4}"));

  // A trial that is not in the log, one that failed, one of another time.
  std::vector<TrialRecord> lines = measured_lines(w);
  lines[0].id = "elsewhere";
  CHECK_THAT(problems_with(lines, w),
             Catch::Contains("records[0].trial: no trial '20261121T095800Z-4242-17' in"));
  lines = measured_lines(w);
  lines[1].status = "wrong_result";
  CHECK_THAT(problems_with(lines, w),
             Catch::Contains("records[1].trial: status 'ok', and 'wrong_result' in"));
  lines = measured_lines(w);
  lines[0].time_s = 2.5e-05;
  CHECK_THAT(problems_with(lines, w), Catch::Contains("records[0].trial.time_s: 1.25e-05 but"));

  // A later line says the winner failed (its re-verification): it must not be the winner.
  lines = measured_lines(w);
  lines.push_back(lines[0]);
  lines.back().id = "later";
  lines.back().status = "wrong_result";
  lines.back().time_s.reset();
  lines.back().message = "re-verification on a new seed: 'y' differs";
  CHECK_THAT(problems_with(lines, w),
             Catch::Contains("records[0].best: a later trial of these parameters in "
                             "trials/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.jsonl failed: "
                             "wrong_result: re-verification on a new seed"));
  // An environment failure says nothing about the candidate.
  lines.back().status = std::string(k_environment_error);
  CHECK(problems_with(lines, w).empty());

  // Wisdom without references, beside a trial log: said, not an error.
  Wisdom old = w;
  for (SizeRecord& r : old.records) r.trial.reset();
  CHECK_THAT(problems_with(measured_lines(w), old),
             Catch::Contains("records[0]: no trial reference to check against"));
}

TEST_CASE("verify: links and special files are errors, and nothing is followed or hangs",
          "[knowledge][verify]") {
  namespace fs = std::filesystem;
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / ".kevolve");
  REQUIRE(store);
  REQUIRE(store->write(test::sample_wisdom()));
  // Outside: a directory with its own (broken) wisdom, which a followed link would report.
  dir.write("outside/cuda-sm_80-nvidia-a100.json", "{ broken");
  dir.write("outside/log.jsonl", "{ broken\n");
  fs::create_directory_symlink(dir / "outside", dir / ".kevolve/gemm");
  fs::create_symlink(dir / "outside/cuda-sm_80-nvidia-a100.json",
                     dir / ".kevolve/saxpy/cuda-sm_80-nvidia-a100.json");
  fs::create_symlink(dir / "outside/log.jsonl", dir / ".kevolve/.lock");
  fs::create_directories(dir / ".kevolve/trials/saxpy");
  fs::create_symlink(dir / "outside/log.jsonl",
                     dir / ".kevolve/trials/saxpy/cuda-sm_80-nvidia-a100.jsonl");
  fs::create_directory_symlink(dir / "outside", dir / ".kevolve/skills");
  REQUIRE(::mkfifo((dir / ".kevolve/saxpy/cpu-x86_64-fifo.json").c_str(), 0644) == 0);
  REQUIRE(::mkfifo((dir / ".kevolve/trials/saxpy/cpu-x86_64-fifo.jsonl").c_str(), 0644) == 0);

  int status = test::in_child(
      [&] {
        VerifyReport report = verify(dir / ".kevolve");
        INFO(dump(report));
        bool ok =
            find(report, ".kevolve/gemm", "a symbolic link (to " + (dir / "outside").string()) &&
            find(report, "saxpy/cuda-sm_80-nvidia-a100.json", "a symbolic link") &&
            find(report, ".kevolve/.lock", "a symbolic link") &&
            find(report, "trials/saxpy/cuda-sm_80-nvidia-a100.jsonl", "a symbolic link") &&
            find(report, ".kevolve/skills", "a symbolic link") &&
            find(report, "saxpy/cpu-x86_64-fifo.json", "not a regular file") &&
            find(report, "trials/saxpy/cpu-x86_64-fifo.jsonl", "not a regular file") &&
            !find(report, "", "broken") && !find(report, "", "invalid JSON") &&
            report.errors() == 7;
        return ok ? 0 : 1;
      },
      20);
  CHECK(status == 0);
  CHECK(*util::read_file(dir / "outside/log.jsonl") == "{ broken\n");
}

TEST_CASE("verify: JSON nested 100,000 deep is an error at its position", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / ".kevolve");
  REQUIRE(store);
  dir.write(".kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json",
            std::string(100000, '[') + std::string(100000, ']'));
  dir.write(".kevolve/trials/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.jsonl",
            "{}\n" + std::string(100000, '{') + "\n");
  int status = test::in_child(
      [&] {
        VerifyReport report = verify(dir / ".kevolve");
        bool ok = find(report, "hbm3.json", "1:65: JSON nested deeper than 64 levels") &&
                  find(report, "hbm3.jsonl", "JSON nested deeper than 64 levels");
        return ok ? 0 : 1;
      },
      20);
  CHECK(status == 0);
}

// Committed wisdom is untrusted (issue 17): a point a build must not inject is an error that
// names the file, the record and the reason.
TEST_CASE("verify: recorded points must be points of the wisdom's space", "[knowledge][verify]") {
  using space::Value;
  auto report_for = [](auto edit) {
    test::TempDir dir;
    auto store = KnowledgeDir::open_or_create(dir / "k");
    REQUIRE(store);
    Wisdom w = test::sample_wisdom();
    edit(w);
    REQUIRE(store->write(w));
    VerifyReport report = verify(dir / "k");
    INFO(dump(report));
    return report;
  };
  auto error_for = [&](auto edit, const std::string& message) {
    VerifyReport report = report_for(edit);
    INFO(message);
    INFO(dump(report));
    const Problem* p = find(report, "saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json", message);
    REQUIRE(p);
    CHECK(p->severity == Problem::Severity::error);
    CHECK(p->message.find('\n') == std::string::npos);
  };
  error_for([](Wisdom& w) { w.records[0].best[0].second = Value(std::string("256\n#include <x>")); },
            "records[0].best: the value '256\\x0a#include <x>' of BLOCK is neither an integer nor "
            "an identifier; a build does not inject it");
  error_for([](Wisdom& w) { w.records[0].best.emplace_back("#include </etc/passwd>", Value(1)); },
            "records[0].best: parameter name '#include </etc/passwd>' is not an identifier");
  error_for([](Wisdom& w) { w.records[0].best.emplace_back("main", Value(1)); },
            "records[0].best: 'main' is not a parameter of the space");
  error_for([](Wisdom& w) { w.records[0].best[0].second = Value(99999999); },
            "records[0].best: BLOCK = 99999999 is not one of its values");
  error_for([](Wisdom& w) { w.records[0].best[1].second = Value(std::string("long")); },
            "records[0].best: ITEMS = 'long' is not one of its values");
  error_for([](Wisdom& w) { w.records[0].best.pop_back(); },
            "records[0].best: no value for parameter ITEMS");
  error_for([](Wisdom& w) { w.records[0].best = {{"BLOCK", Value(1024)}, {"ITEMS", Value(16)}}; },
            "records[0].best: ITEMS = 16 is not one of its values");
  error_for(
      [](Wisdom& w) {
        w.space = "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= 4096";
        w.records[0].best = {{"BLOCK", Value(1024)}, {"ITEMS", Value(8)}};
      },
            "records[0].best: BLOCK=1024 ITEMS=8 breaks the space's constraints");
  error_for([](Wisdom& w) { w.records[1].top = {{{{"BLOCK", Value(3)}}, 1e-5}}; },
            "records[1].top[0].params: BLOCK = 3 is not one of its values");
  error_for([](Wisdom& w) { w.space = "BLOCK: 32..; ITEMS: 1"; }, "space: column");

  SECTION("the defaults that stood may lie outside the space, but hold no control character") {
    auto stood = [](Wisdom& w, Value block) {
      SizeRecord& r = w.records[0];
      r.best = {{"BLOCK", std::move(block)}, {"ITEMS", Value(4)}};
      r.time_s = r.baseline_s;
      r.speedup = r.speedup_low = r.speedup_high = 1;
      r.top.clear();
    };
    VerifyReport report = report_for([&](Wisdom& w) { stood(w, Value(std::string("2 * 128"))); });
    const Problem* p = find(report, "saxpy/", "records[0].best: the value '2 * 128' of BLOCK");
    REQUIRE(p);
    CHECK(p->severity == Problem::Severity::warning);
    CHECK_THAT(p->message, Catch::Contains("the defaults stood"));
    error_for([&](Wisdom& w) { stood(w, Value(std::string("1\n#define X"))); },
              "records[0].best: the value '1\\x0a#define X' of BLOCK");
  }
}

TEST_CASE("verify: variant files must be the text their name is the hash of",
          "[knowledge][verify][variant]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  const std::string code = "int k() { return 1; }";
  const std::string hash = variant_hash(code);
  Wisdom w = test::sample_wisdom("saxpy", "cpu-x86_64-amd-epyc");
  w.records[0].variant = test::variant_ref(hash);
  w.records[0].variant->space = w.space;  // the variant kept the original's space
  w.records[0].variant->original_best = w.records[0].best;
  REQUIRE(store->write(w));
  REQUIRE(store->write_variant("saxpy", code, "cpp", KnowledgeDir::VariantPlace::committed));
  REQUIRE(store->write_variant("saxpy", code, "cpp", KnowledgeDir::VariantPlace::trials));
  {
    VerifyReport report = verify(dir / "k");
    INFO(dump(report));
    CHECK(report.problems.empty());
  }
  // Edited after tuning; a stray file; an unreferenced variant; a referenced one of another ext.
  dir.write("k/saxpy/variants/" + hash + ".cpp", code + "\nint evil;\n");
  dir.write("k/saxpy/variants/notes.txt", "hi");
  const std::string other = "int k() { return 2; }";
  dir.write("k/saxpy/variants/" + variant_hash(other) + ".cu", other);
  dir.write("k/trials/saxpy/variants/readme", "hi");
  VerifyReport report = verify(dir / "k");
  INFO(dump(report));
  const Problem* edited =
      find(report, hash + ".cpp", "its text is not the one its name is the hash of");
  REQUIRE(edited);
  CHECK(edited->severity == Problem::Severity::error);
  CHECK(find(report, "variants/notes.txt", "unexpected entry"));
  CHECK(find(report, variant_hash(other) + ".cu", "no wisdom refers to"));
  CHECK(find(report, "trials/saxpy/variants/readme", "unexpected entry among tried variants"));
  CHECK(find(report, "trials/saxpy/variants", "unexpected directory") == nullptr);
}

TEST_CASE("verify: kept LLM answers are checked by name only", "[knowledge][verify]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  REQUIRE(KnowledgeDir::answers_dir(dir / "k").path() == dir / "k/trials/llm-answers");
  const std::string hash = variant_hash("an answer");
  dir.write("k/trials/llm-answers/" + hash + ".json", "not even JSON: the cache judges it");
  {
    VerifyReport report = verify(dir / "k");
    INFO(dump(report));
    CHECK(report.problems.empty());
  }
  dir.write("k/trials/llm-answers/notes.txt", "hi");
  dir.write("k/trials/llm-answers/" + hash + ".jsonl", "{}");
  VerifyReport report = verify(dir / "k");
  INFO(dump(report));
  CHECK(find(report, "llm-answers/notes.txt", "unexpected entry among kept LLM answers"));
  CHECK(find(report, hash + ".jsonl", "unexpected entry among kept LLM answers"));
  CHECK(report.problems.size() == 2);
}

TEST_CASE("verify: a referenced variant of another extension is an error",
          "[knowledge][verify][variant]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  const std::string code = "int k() { return 1; }";
  Wisdom w = test::sample_wisdom("saxpy", "cpu-x86_64-amd-epyc");
  w.records[0].variant = test::variant_ref(variant_hash(code));
  REQUIRE(store->write(w));
  REQUIRE(store->write_variant("saxpy", code, "cu", KnowledgeDir::VariantPlace::committed));
  VerifyReport report = verify(dir / "k");
  INFO(dump(report));
  CHECK(find(report, variant_hash(code) + ".cu", "the wisdom refers to"));
}

TEST_CASE("knowledge gc: removes only the variants no wisdom refers to",
          "[knowledge][variant]") {
  test::TempDir dir;
  auto store = KnowledgeDir::open_or_create(dir / "k");
  REQUIRE(store);
  const std::string kept = "int k() { return 1; }";
  const std::string dropped = "int k() { return 2; }";
  Wisdom w = test::sample_wisdom("saxpy", "cpu-x86_64-amd-epyc");
  w.records[0].variant = test::variant_ref(variant_hash(kept));
  REQUIRE(store->write(w));
  auto kept_file =
      store->write_variant("saxpy", kept, "cpp", KnowledgeDir::VariantPlace::committed);
  auto dropped_file =
      store->write_variant("saxpy", dropped, "cpp", KnowledgeDir::VariantPlace::committed);
  REQUIRE(kept_file);
  REQUIRE(dropped_file);
  dir.write("k/saxpy/variants/notes.txt", "hi");
  auto removed = store->remove_unreferenced_variants();
  REQUIRE(removed);
  REQUIRE(removed->size() == 1);
  CHECK(removed->front().filename() == dropped_file->filename());
  CHECK(std::filesystem::exists(*kept_file));
  CHECK_FALSE(std::filesystem::exists(*dropped_file));
  CHECK(std::filesystem::exists(dir / "k/saxpy/variants/notes.txt"));
}
