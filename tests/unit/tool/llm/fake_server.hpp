#pragma once

// A stand-in for an LLM server on 127.0.0.1 (cpp-httplib), on a port the system chooses. It
// answers POSTs in the order of its script and records what it received. A scripted delay waits
// on a condition the destructor signals, so a test that times out does not wait for it.

#include <condition_variable>
#include <httplib.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kevolve::test {

struct ScriptedAnswer {
  ScriptedAnswer(int status_, std::string body_, std::string retry_after_ = {}, double delay_s_ = 0,
                 std::string location_ = {})
      : status(status_),
        body(std::move(body_)),
        retry_after(std::move(retry_after_)),
        delay_s(delay_s_),
        location(std::move(location_)) {}
  ScriptedAnswer() = default;

  int status = 200;
  std::string body;
  std::string retry_after;  // the Retry-After header, if any
  double delay_s = 0;       // before answering
  std::string location;     // a Location header, for redirects
};

struct ReceivedRequest {
  std::string path;
  httplib::Headers headers;
  std::string body;

  std::string header(const std::string& name) const;  // "" when absent
};

class FakeLlmServer {
 public:
  explicit FakeLlmServer(std::vector<ScriptedAnswer> script);
  ~FakeLlmServer();
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  int port() const { return m_port; }
  std::vector<ReceivedRequest> requests() const;

 private:
  void answer(const httplib::Request& request, httplib::Response& response);

  httplib::Server m_server;
  std::thread m_thread;
  int m_port = -1;
  std::vector<ScriptedAnswer> m_script;
  mutable std::mutex m_mutex;
  std::condition_variable m_stopping_cv;
  bool m_stopping = false;
  std::vector<ReceivedRequest> m_requests;
};

// Answers as the APIs give them.
std::string openai_answer(const std::string& content, const std::string& model = "gpt-test");
std::string anthropic_answer(const std::string& text, const std::string& model = "claude-test");

}  // namespace kevolve::test
