// The OpenAI-compatible and Anthropic providers against a scripted server on 127.0.0.1: what they
// send, what they make of good and bad answers, their retries, and that the key never leaks.

#include "tool/llm/provider.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "fake_server.hpp"
#include "test_key.hpp"

using namespace kevolve;
using test::FakeLlmServer;
using test::ScriptedAnswer;

namespace {

const llm::Prompt k_prompt{"You rewrite kernels.", "Make this faster: void k() {}"};

// Settings for a test: short waits, a short timeout.
llm::Settings settings_for(std::string provider, const FakeLlmServer& server) {
  llm::Settings s;
  s.provider = std::move(provider);
  s.url = server.url();
  s.model = "test-model";
  s.timeout_s = 5;
  s.retries = 2;
  s.backoff_s = 0.01;
  s.max_tokens = 1234;
  return s;
}

llm::Reply complete_ok(const llm::Settings& settings) {
  auto provider = llm::make_provider(settings);
  REQUIRE(provider);
  auto reply = (*provider)->complete(k_prompt);
  INFO((reply ? std::string() : reply.error()));
  REQUIRE(reply);
  CHECK_NO_KEY(reply->text + reply->model);
  return *reply;
}

std::string complete_error(const llm::Settings& settings) {
  auto provider = llm::make_provider(settings);
  REQUIRE(provider);
  auto reply = (*provider)->complete(k_prompt);
  REQUIRE_FALSE(reply);
  CHECK_NO_KEY(reply.error());
  return reply.error();
}

const std::string k_bad_json = R"({"choices": [{"message": {"content": "unterminated)";

}  // namespace

TEST_CASE("llm openai: the request and a good answer", "[llm]") {
  test::TestKeys keys;
  FakeLlmServer server({{200, test::openai_answer("```cpp\nvoid k() {}\n```", "gpt-served")}});
  llm::Reply reply = complete_ok(settings_for("openai", server));
  CHECK(reply.text == "```cpp\nvoid k() {}\n```");
  CHECK(reply.model == "gpt-served");
  CHECK(reply.usage.prompt_tokens == 120);
  CHECK(reply.usage.answer_tokens == 45);
  CHECK(reply.attempts == 1);

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/v1/chat/completions");
  CHECK(requests[0].header("Authorization") == "Bearer " + std::string(test::k_test_key));
  CHECK(requests[0].header("Content-Type") == "application/json");
  auto body = nlohmann::json::parse(requests[0].body);
  CHECK(body["model"] == "test-model");
  CHECK(body["max_tokens"] == 1234);
  REQUIRE(body["messages"].size() == 2);
  CHECK(body["messages"][0]["role"] == "system");
  CHECK(body["messages"][0]["content"] == k_prompt.system);
  CHECK(body["messages"][1]["role"] == "user");
  CHECK(body["messages"][1]["content"] == k_prompt.user);
}

TEST_CASE("llm anthropic: the request and a good answer", "[llm]") {
  test::TestKeys keys;
  // Two text blocks and a block of another type: the text is the two joined.
  nlohmann::json answer = nlohmann::json::parse(test::anthropic_answer("first ", "claude-served"));
  answer["content"].push_back({{"type", "thinking"}, {"thinking", "not this"}});
  answer["content"].push_back({{"type", "text"}, {"text", "second"}});
  FakeLlmServer server({{200, answer.dump()}});
  llm::Reply reply = complete_ok(settings_for("anthropic", server));
  CHECK(reply.text == "first second");
  CHECK(reply.model == "claude-served");
  CHECK(reply.usage.prompt_tokens == 200);
  CHECK(reply.usage.answer_tokens == 60);

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/v1/messages");
  CHECK(requests[0].header("x-api-key") == test::k_test_key);
  CHECK(requests[0].header("anthropic-version") == "2023-06-01");
  CHECK(requests[0].header("Authorization").empty());
  auto body = nlohmann::json::parse(requests[0].body);
  CHECK(body["model"] == "test-model");
  CHECK(body["max_tokens"] == 1234);
  CHECK(body["system"] == k_prompt.system);
  REQUIRE(body["messages"].size() == 1);
  CHECK(body["messages"][0]["role"] == "user");
  CHECK(body["messages"][0]["content"] == k_prompt.user);
}

TEST_CASE("llm: a URL ending in /v1 or at the endpoint reaches the same endpoint", "[llm]") {
  test::TestKeys keys;
  for (std::string tail : {"/v1", "/v1/", "/v1/chat/completions", "/"}) {
    FakeLlmServer server({{200, test::openai_answer("ok")}});
    llm::Settings s = settings_for("openai", server);
    s.url += tail;
    complete_ok(s);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].path == "/v1/chat/completions");
  }
}

TEST_CASE("llm: malformed JSON is an error naming the provider and URL", "[llm]") {
  test::TestKeys keys;
  for (std::string provider : {"openai", "anthropic"}) {
    FakeLlmServer server({{200, k_bad_json}});
    std::string error = complete_error(settings_for(provider, server));
    CHECK_THAT(error, Catch::StartsWith(provider + " test-model at " + server.url()));
    CHECK_THAT(error, Catch::Contains("malformed JSON"));
    CHECK_THAT(error, Catch::Contains("unterminated"));  // the excerpt
    CHECK(server.requests().size() == 1);                // not retried
  }
}

TEST_CASE("llm: an answer without content is an error", "[llm]") {
  test::TestKeys keys;
  {
    FakeLlmServer server({{200, R"({"choices":[{"message":{"role":"assistant","content":null},
                                   "finish_reason":"length"}]})"}});
    std::string error = complete_error(settings_for("openai", server));
    CHECK_THAT(error, Catch::Contains("no content in choices[0].message (finish_reason length)"));
  }
  {
    FakeLlmServer server({{200, R"({"choices":[]})"}});
    CHECK_THAT(complete_error(settings_for("openai", server)), Catch::Contains("no choices[0]"));
  }
  {
    FakeLlmServer server({{200, R"({"content":[],"stop_reason":"max_tokens"})"}});
    CHECK_THAT(complete_error(settings_for("anthropic", server)),
               Catch::Contains("no text in the answer's content (stop_reason max_tokens)"));
  }
  {
    FakeLlmServer server({{200, R"(["not", "an", "object"])"}});
    CHECK_THAT(complete_error(settings_for("anthropic", server)),
               Catch::Contains("not a JSON object"));
  }
}

TEST_CASE("llm: 429 with Retry-After, then success", "[llm]") {
  test::TestKeys keys;
  for (std::string provider : {"openai", "anthropic"}) {
    const std::string good =
        provider == "openai" ? test::openai_answer("fine") : test::anthropic_answer("fine");
    FakeLlmServer server(
        {{429, R"({"error":{"type":"rate_limit_error","message":"slow down"}})", "0"},
         {200, good}});
    llm::Reply reply = complete_ok(settings_for(provider, server));
    CHECK(reply.text == "fine");
    CHECK(reply.attempts == 2);
    CHECK(server.requests().size() == 2);
  }
  // The log was written (so CHECK_NO_KEY read something): each retry and each answer.
  CHECK_THAT(test::llm_log(), Catch::Contains("attempt 1: HTTP 429; retrying in"));
  CHECK_THAT(test::llm_log(), Catch::Contains("answered in"));
}

TEST_CASE("llm: 5xx is retried; the last one is reported when retries run out", "[llm]") {
  test::TestKeys keys;
  {
    FakeLlmServer server({{500, "oops"}, {200, test::openai_answer("fine")}});
    CHECK(complete_ok(settings_for("openai", server)).attempts == 2);
  }
  {
    const std::string overloaded =
        R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
    FakeLlmServer server({{529, overloaded}, {529, overloaded}, {529, overloaded}});
    std::string error = complete_error(settings_for("anthropic", server));
    CHECK_THAT(error, Catch::Contains("HTTP 529 after 3 attempts: Overloaded"));
    CHECK(server.requests().size() == 3);  // retries = 2
  }
}

TEST_CASE("llm: a Retry-After beyond what kevolve waits ends the call", "[llm]") {
  test::TestKeys keys;
  FakeLlmServer server({{429, R"({"error":{"message":"daily quota"}})", "86400"},
                        {200, test::openai_answer("never asked")}});
  std::string error = complete_error(settings_for("openai", server));
  CHECK_THAT(error, Catch::Contains("rate limited (HTTP 429): the server asks to wait 86400 s"));
  CHECK_THAT(error, Catch::Contains("daily quota"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("llm: other 4xx are not retried", "[llm]") {
  test::TestKeys keys;
  FakeLlmServer server({{400, R"({"error":{"message":"max_tokens is too large"}})"}});
  std::string error = complete_error(settings_for("openai", server));
  CHECK_THAT(error, Catch::EndsWith("HTTP 400: max_tokens is too large"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("llm: 401 names the key's variable, never the key", "[llm]") {
  test::TestKeys keys;
  // The server echoes the key it refused, as some do.
  const std::string refusal = R"({"error":{"message":"Incorrect API key provided: )" +
                              std::string(test::k_test_key) + R"("}})";
  {
    FakeLlmServer server({{401, refusal}});
    std::string error = complete_error(settings_for("openai", server));
    CHECK_THAT(error, Catch::Contains("the server refused the key in $OPENAI_API_KEY (401): "
                                      "Incorrect API key provided: <key>"));
    CHECK(server.requests().size() == 1);
  }
  {
    FakeLlmServer server({{403, refusal}});
    llm::Settings s = settings_for("anthropic", server);
    s.key_env = "KEVOLVE_TEST_LLM_KEY";
    std::string error = complete_error(s);
    CHECK_THAT(error, Catch::Contains("the server refused the key in $KEVOLVE_TEST_LLM_KEY (403)"));
    CHECK(server.requests()[0].header("x-api-key") == test::k_test_key);
  }
}

TEST_CASE("llm: an answer past the timeout fails as a timeout, and is retried", "[llm]") {
  test::TestKeys keys;
  {
    FakeLlmServer server({{200, test::openai_answer("too late"), "", 30}});
    llm::Settings s = settings_for("openai", server);
    s.timeout_s = 1;
    s.retries = 0;
    std::string error = complete_error(s);
    CHECK_THAT(error, Catch::Contains("timed out after 1.0 s (1 attempt)"));
  }
  {
    FakeLlmServer server(
        {{200, test::openai_answer("too late"), "", 30}, {200, test::openai_answer("in time")}});
    llm::Settings s = settings_for("openai", server);
    s.timeout_s = 1;
    s.retries = 1;
    llm::Reply reply = complete_ok(s);
    CHECK(reply.text == "in time");
    CHECK(reply.attempts == 2);
  }
}

TEST_CASE("llm: an answer over the size limit is an error", "[llm]") {
  test::TestKeys keys;
  FakeLlmServer server({{200, test::openai_answer(std::string(9 << 20, 'x'))}});
  CHECK_THAT(complete_error(settings_for("openai", server)),
             Catch::Contains("the answer is larger than 8"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("llm: a redirect is not followed", "[llm]") {
  test::TestKeys keys;
  FakeLlmServer server({{307, "", "", 0, "http://127.0.0.1:1/elsewhere"}});
  CHECK_THAT(complete_error(settings_for("openai", server)),
             Catch::Contains("HTTP 307: a redirect, which kevolve does not follow"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("llm: a server that is not there", "[llm]") {
  test::TestKeys keys;
  std::string url;
  {
    FakeLlmServer gone({});
    url = gone.url();
  }
  llm::Settings s;
  s.provider = "openai";
  s.url = url;
  s.retries = 1;
  s.backoff_s = 0.01;
  auto provider = llm::make_provider(s);
  REQUIRE(provider);
  auto reply = (*provider)->complete(k_prompt);
  REQUIRE_FALSE(reply);
  CHECK_THAT(reply.error(),
             Catch::StartsWith("openai gpt-4o at " + url + ": cannot reach the server"));
  CHECK_THAT(reply.error(), Catch::EndsWith("(2 attempts)"));
}

TEST_CASE("llm: a local server needs no key; a remote one does", "[llm]") {
  ::unsetenv("OPENAI_API_KEY");
  ::unsetenv("ANTHROPIC_API_KEY");
  FakeLlmServer server({{200, test::openai_answer("local")}});
  llm::Settings s = settings_for("openai", server);
  auto provider = llm::make_provider(s);
  REQUIRE(provider);
  auto reply = (*provider)->complete(k_prompt);
  REQUIRE(reply);
  CHECK(server.requests()[0].header("Authorization").empty());

  s.url = "https://api.openai.com";  // nothing is sent: make_provider refuses first
  auto remote = llm::make_provider(s);
  REQUIRE_FALSE(remote);
  CHECK(remote.error() ==
        "openai at https://api.openai.com: no key: $OPENAI_API_KEY is not set (KEVOLVE_LLM_KEY_ENV "
        "names another variable)");
  s.provider = "anthropic";
  s.url = "";
  CHECK_THAT(llm::make_provider(s).error(), Catch::Contains("$ANTHROPIC_API_KEY is not set"));
}

TEST_CASE("llm: settings make_provider refuses", "[llm]") {
  test::TestKeys keys;
  llm::Settings s;
  s.provider = "psychic";
  CHECK(llm::make_provider(s).error() ==
        "unknown LLM provider 'psychic': expected openai, anthropic or command");
  s.provider = "openai";
  for (std::string url : {"ftp://example.com", "file:///etc/passwd", "example.com", "http://",
                          "http://user:pw@example.com", "http://example.com/?key=1"}) {
    s.url = url;
    auto made = llm::make_provider(s);
    INFO(url);
    REQUIRE_FALSE(made);
    CHECK_THAT(made.error(), Catch::Contains("expected an http:// or https:// URL"));
  }
  s.url = "";
  s.key_env = "NOT-A-NAME";
  CHECK_THAT(llm::make_provider(s).error(), Catch::Contains("is not a variable's name"));
  s.key_env = "KEVOLVE_TEST_LLM_KEY";
  ::setenv("KEVOLVE_TEST_LLM_KEY", "sk-test-KEVOLVE-SECRET-42\r\nX-Injected: 1", 1);
  auto injected = llm::make_provider(s);
  REQUIRE_FALSE(injected);
  CHECK_THAT(injected.error(), Catch::Contains("the key in $KEVOLVE_TEST_LLM_KEY holds a control"));
  CHECK_NO_KEY(injected.error());
  ::setenv("KEVOLVE_TEST_LLM_KEY", "sk-test-KEVOLVE-SECRET-42", 1);
  s.url = "http://192.0.2.7:8000";  // another machine, plain http: the key is never sent there
  auto plain = llm::make_provider(s);
  REQUIRE_FALSE(plain);
  CHECK_THAT(plain.error(), Catch::Contains("would cross the network unencrypted"));
  CHECK_NO_KEY(plain.error());
  s.url = "https://192.0.2.7:8000";
  CHECK(llm::make_provider(s));
  s.provider = "command";
  CHECK_THAT(llm::make_provider(s).error(), Catch::Contains("no program to run"));
}

TEST_CASE("llm: describe names provider, model and URL", "[llm]") {
  test::TestKeys keys;
  llm::Settings s;
  s.provider = "openai";
  auto openai = llm::make_provider(s);
  REQUIRE(openai);
  CHECK((*openai)->describe() == "openai gpt-4o at https://api.openai.com");
  CHECK((*openai)->name() == "openai");
  s.provider = "anthropic";
  s.model = "claude-x";
  s.url = "http://localhost:9999/";
  auto anthropic = llm::make_provider(s);
  REQUIRE(anthropic);
  CHECK((*anthropic)->describe() == "anthropic claude-x at http://localhost:9999");
  CHECK((*anthropic)->model() == "claude-x");
}
