#include "fake_server.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>

namespace kevolve::test {

std::string ReceivedRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

FakeLlmServer::FakeLlmServer(std::vector<ScriptedAnswer> script) : m_script(std::move(script)) {
  m_server.set_keep_alive_timeout(1);
  m_server.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
    answer(request, response);
  });
  m_port = m_server.bind_to_any_port("127.0.0.1");
  if (m_port <= 0) throw std::runtime_error("the fake LLM server cannot bind 127.0.0.1");
  m_thread = std::thread([this] { m_server.listen_after_bind(); });
  // stop() does nothing until the server runs: wait for it (bound already, so no request is lost).
  while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeLlmServer::~FakeLlmServer() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_stopping_cv.notify_all();
  m_server.stop();
  m_thread.join();
}

std::vector<ReceivedRequest> FakeLlmServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

void FakeLlmServer::answer(const httplib::Request& request, httplib::Response& response) {
  ScriptedAnswer scripted;
  {
    std::unique_lock lock(m_mutex);
    const std::size_t n = m_requests.size();
    m_requests.push_back({request.path, request.headers, request.body});
    if (n >= m_script.size()) {
      response.status = 500;
      response.set_content(R"({"error":{"message":"the script has ended"}})", "application/json");
      return;
    }
    scripted = m_script[n];
    if (scripted.delay_s > 0)
      m_stopping_cv.wait_for(lock, std::chrono::duration<double>(scripted.delay_s),
                             [this] { return m_stopping; });
  }
  response.status = scripted.status;
  if (!scripted.retry_after.empty()) response.set_header("Retry-After", scripted.retry_after);
  if (!scripted.location.empty()) response.set_header("Location", scripted.location);
  response.set_content(scripted.body, "application/json");
}

std::string openai_answer(const std::string& content, const std::string& model) {
  nlohmann::json answer = {
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"model", model},
      {"choices",
       {{{"index", 0},
         {"message", {{"role", "assistant"}, {"content", content}}},
         {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", 120}, {"completion_tokens", 45}, {"total_tokens", 165}}}};
  return answer.dump();
}

std::string anthropic_answer(const std::string& text, const std::string& model) {
  nlohmann::json answer = {{"id", "msg_1"},
                           {"type", "message"},
                           {"role", "assistant"},
                           {"model", model},
                           {"content", {{{"type", "text"}, {"text", text}}}},
                           {"stop_reason", "end_turn"},
                           {"usage", {{"input_tokens", 200}, {"output_tokens", 60}}}};
  return answer.dump();
}

}  // namespace kevolve::test
