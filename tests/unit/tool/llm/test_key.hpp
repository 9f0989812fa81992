#pragma once

// The key every LLM test uses, and the checks that it never leaks: not in a reply, an error or
// the debug log (which these tests turn on, into a file of their own, so that every log line the
// providers write is written and read back).

#include <string>
#include <string_view>

namespace kevolve::test {

inline constexpr std::string_view k_test_key = "sk-test-KEVOLVE-SECRET-42";

// For one test case: OPENAI_API_KEY, ANTHROPIC_API_KEY and KEVOLVE_TEST_LLM_KEY hold the test
// key; the debug log is on.
class TestKeys {
 public:
  TestKeys();
  ~TestKeys();
  TestKeys(const TestKeys&) = delete;
  TestKeys& operator=(const TestKeys&) = delete;
};

// The debug log written so far.
std::string llm_log();

}  // namespace kevolve::test

// Checks that `text` (a reply, an error) and the log hold no trace of the key.
#define CHECK_NO_KEY(text)                                                                    \
  do {                                                                                        \
    CHECK(std::string(text).find(::kevolve::test::k_test_key) == std::string::npos);          \
    CHECK(::kevolve::test::llm_log().find(::kevolve::test::k_test_key) == std::string::npos); \
  } while (false)
