#include "tool/llm/http.hpp"

#include "tool/llm/redact.hpp"

#include <catch2/catch.hpp>

#include "fake_server.hpp"

using namespace kevolve;
using test::FakeLlmServer;

namespace {

// A policy whose waits are recorded, not slept.
llm::RetryPolicy recording(std::vector<double>& waits) {
  llm::RetryPolicy policy;
  policy.timeout_s = 5;
  policy.retries = 3;
  policy.backoff_s = 0.5;
  policy.wait = [&waits](double s) { waits.push_back(s); };
  return policy;
}

llm::HttpRequest request_to(const FakeLlmServer& server) {
  return {server.url() + "/v1/messages", {"X-Test: 1"}, R"({"q":1})"};
}

}  // namespace

TEST_CASE("llm http: the backoff doubles; Retry-After wins when longer", "[llm]") {
  std::vector<double> waits;
  FakeLlmServer server({{503, "busy"}, {429, "", "7"}, {500, "again"}, {200, "done"}});
  auto response = llm::post(request_to(server), recording(waits));
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "done");
  CHECK(response->attempts == 4);
  CHECK(waits == std::vector<double>{0.5, 7, 2});
  auto requests = server.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].header("X-Test") == "1");
  CHECK(requests[0].body == R"({"q":1})");
  CHECK(requests[0].header("Expect").empty());
}

TEST_CASE("llm http: retries run out; the last answer comes back", "[llm]") {
  std::vector<double> waits;
  FakeLlmServer server({{502, "a"}, {502, "b"}, {502, "c"}, {502, "d"}, {200, "never"}});
  auto response = llm::post(request_to(server), recording(waits));
  REQUIRE(response);
  CHECK(response->status == 502);
  CHECK(response->body == "d");
  CHECK(response->attempts == 4);
  CHECK(waits.size() == 3);
}

TEST_CASE("llm http: a 4xx other than 429 is the caller's at once", "[llm]") {
  std::vector<double> waits;
  FakeLlmServer server({{404, "no such endpoint"}, {200, "never"}});
  auto response = llm::post(request_to(server), recording(waits));
  REQUIRE(response);
  CHECK(response->status == 404);
  CHECK(response->attempts == 1);
  CHECK(waits.empty());
}

TEST_CASE("llm http: the waits stay within the call's time", "[llm]") {
  // (retries + 1) x timeout = 2 s: a Retry-After of 30 s would pass it, so the 429 comes back.
  std::vector<double> waits;
  FakeLlmServer server({{429, "", "30"}, {200, "never"}});
  llm::RetryPolicy policy = recording(waits);
  policy.timeout_s = 1;
  policy.retries = 1;
  auto response = llm::post(request_to(server), policy);
  REQUIRE(response);
  CHECK(response->status == 429);
  CHECK(response->retry_after_s == 30);
  CHECK(waits.empty());
}

TEST_CASE("llm http: URLs", "[llm]") {
  auto local = llm::parse_base_url("http://127.0.0.1:8080/");
  REQUIRE(local);
  CHECK(local->text == "http://127.0.0.1:8080");
  CHECK(local->loopback);
  CHECK(llm::parse_base_url("http://localhost:11434")->loopback);
  CHECK(llm::parse_base_url("http://[::1]:8000")->loopback);
  CHECK_FALSE(llm::parse_base_url("https://api.openai.com")->loopback);
  CHECK_FALSE(llm::parse_base_url("http://127.0.0.1.example.com")->loopback);
  CHECK(llm::endpoint_url(*local, "messages") == "http://127.0.0.1:8080/v1/messages");
  CHECK(llm::endpoint_url(*llm::parse_base_url("http://h/api/v1"), "chat/completions") ==
        "http://h/api/v1/chat/completions");
  CHECK(llm::endpoint_url(*llm::parse_base_url("http://h/v1/messages"), "messages") ==
        "http://h/v1/messages");
  CHECK(llm::parse_base_url("gopher://h").error() ==
        "expected an http:// or https:// URL, got 'gopher://h'");
  CHECK_FALSE(llm::parse_base_url("http://h/\nx"));
}

TEST_CASE("llm: keys are masked in what is surfaced; excerpts stay short", "[llm]") {
  CHECK(llm::redact("key sk-1 and sk-1!", {"sk-1"}) == "key <key> and <key>!");
  CHECK(llm::redact("nothing", {""}) == "nothing");
  CHECK(llm::redact("key", {"key"}) == "<key>");  // the mask holding the key does not loop
  CHECK(llm::excerpt("a\n\n b\tc") == "a b c");
  CHECK(llm::excerpt("") == "(empty)");
  CHECK(llm::excerpt(std::string(500, 'x'), 10) == "xxxxxxxxxx...");
  CHECK(llm::excerpt("ab\xC3\xA9", 3) == "ab...");  // é is not cut in half
  CHECK(llm::tail_excerpt("0123456789", 4) == "...6789");
}
