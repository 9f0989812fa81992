// kevolve_fake_llm_server: a scripted LLM server on 127.0.0.1 for the bash and CMake tests.
//
//   kevolve_fake_llm_server <script-dir> [--idle SECONDS]
//
// It listens on a port the system chooses and prints that port as the first line of its stdout.
// It speaks both APIs: POST /v1/chat/completions (OpenAI-compatible) and POST /v1/messages
// (Anthropic). Request N (1, 2, ... in order of arrival, over both paths) is answered from the
// script directory:
//   N.delay        seconds to wait first (a hang past the client's timeout)
//   N.status       an HTTP status to answer instead (429, 401, 500, ...), with an error body in
//                  the API's shape, or N.raw as the body when it exists
//   N.retry-after  the Retry-After header of that answer
//   N.raw          a body sent as is, status 200 unless N.status says otherwise (malformed JSON)
//   N.txt          the answer's text, in the API's answer shape
// A request without any of these gets a 500 saying so. Every request is appended to
// <script-dir>/requests.jsonl, one JSON object a line: its number, path, headers and body, with
// the values of Authorization and x-api-key replaced by "<present>" (the log never holds a key;
// the tests grep it, and every other file, for their key).
//
// It exits when its stdin closes, or, with --idle, once no request has come for SECONDS (then
// stdin is not watched, so it can run in the background of a script).

#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

bool is_key_header(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "authorization" || name == "x-api-key";
}

class Server {
 public:
  explicit Server(fs::path dir) : m_dir(std::move(dir)) {
    m_server.Post("/v1/chat/completions",
                  [this](const httplib::Request& q, httplib::Response& r) { answer(q, r, false); });
    m_server.Post("/v1/messages",
                  [this](const httplib::Request& q, httplib::Response& r) { answer(q, r, true); });
  }

  int bind() { return m_server.bind_to_any_port("127.0.0.1"); }
  void listen() { m_server.listen_after_bind(); }
  void stop() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_stopping_cv.notify_all();
    m_server.stop();
  }
  bool running() const { return m_server.is_running(); }
  Clock::time_point last_request() const { return m_last_request.load(); }

 private:
  void answer(const httplib::Request& request, httplib::Response& response, bool anthropic) {
    int n = 0;
    {
      std::unique_lock lock(m_mutex);
      n = ++m_count;
      m_last_request = Clock::now();
      log(n, request);
    }
    auto file = [&](const char* suffix) { return read_text(m_dir / (std::to_string(n) + suffix)); };
    if (auto delay = file(".delay")) {
      std::unique_lock lock(m_mutex);
      m_stopping_cv.wait_for(lock,
                             std::chrono::duration<double>(std::strtod(delay->c_str(), nullptr)),
                             [this] { return m_stopping; });
    }
    auto status = file(".status");
    auto raw = file(".raw");
    if (auto retry_after = file(".retry-after"))
      response.set_header("Retry-After", trimmed(*retry_after));
    if (status) {
      response.status = std::atoi(status->c_str());
      const json error = {
          {"type", "error"},
          {"error",
           {{"type", "scripted_error"}, {"message", "scripted status " + trimmed(*status)}}}};
      response.set_content(raw ? *raw : error.dump(), "application/json");
      return;
    }
    if (raw) {
      response.set_content(*raw, "application/json");
      return;
    }
    auto text = file(".txt");
    if (!text) {
      response.status = 500;
      response.set_content(
          json{{"error", {{"message", "no " + std::to_string(n) + ".txt in the script"}}}}.dump(),
          "application/json");
      return;
    }
    const json body = json::parse(request.body, nullptr, false);
    const std::string model =
        body.is_object() && body.contains("model") && body["model"].is_string()
            ? body["model"].get<std::string>()
            : "fake-model";
    const auto prompt_tokens = static_cast<std::int64_t>(request.body.size() / 4);
    const auto answer_tokens = static_cast<std::int64_t>(text->size() / 4);
    json out;
    if (anthropic)
      out = {{"id", "msg_fake"},
             {"type", "message"},
             {"role", "assistant"},
             {"model", model},
             {"content", {{{"type", "text"}, {"text", *text}}}},
             {"stop_reason", "end_turn"},
             {"usage", {{"input_tokens", prompt_tokens}, {"output_tokens", answer_tokens}}}};
    else
      out = {{"id", "chatcmpl-fake"},
             {"object", "chat.completion"},
             {"model", model},
             {"choices",
              {{{"index", 0},
                {"message", {{"role", "assistant"}, {"content", *text}}},
                {"finish_reason", "stop"}}}},
             {"usage", {{"prompt_tokens", prompt_tokens}, {"completion_tokens", answer_tokens}}}};
    response.set_content(out.dump(), "application/json");
  }

  // Under m_mutex.
  void log(int n, const httplib::Request& request) {
    json headers = json::object();
    for (const auto& [name, value] : request.headers) {
      // httplib's own entries (REMOTE_PORT, ...) change from run to run: not the request's.
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT")
        continue;
      headers[name] = is_key_header(name) ? "<present>" : value;
    }
    json body = json::parse(request.body, nullptr, false);
    json line = {{"n", n},
                 {"path", request.path},
                 {"headers", headers},
                 {"body", body.is_discarded() ? json(request.body) : body}};
    std::ofstream out(m_dir / "requests.jsonl", std::ios::app);
    out << line.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }

  fs::path m_dir;
  httplib::Server m_server;
  std::mutex m_mutex;
  std::condition_variable m_stopping_cv;
  bool m_stopping = false;
  int m_count = 0;
  std::atomic<Clock::time_point> m_last_request{Clock::now()};
};

int usage() {
  std::cerr << "usage: kevolve_fake_llm_server <script-dir> [--idle SECONDS]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) return usage();
  const fs::path dir = argv[1];
  std::optional<double> idle;
  if (argc == 4) {
    if (std::string(argv[2]) != "--idle") return usage();
    idle = std::strtod(argv[3], nullptr);
    if (!(*idle > 0)) return usage();
  }
  if (!fs::is_directory(dir)) {
    std::cerr << "kevolve_fake_llm_server: not a directory: " << dir << "\n";
    return 2;
  }
  Server server(dir);
  const int port = server.bind();
  if (port <= 0) {
    std::cerr << "kevolve_fake_llm_server: cannot bind 127.0.0.1\n";
    return 1;
  }
  std::cout << port << std::endl;  // flushed: the caller reads it before any request
  std::thread listener([&] { server.listen(); });
  while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (idle) {
    while (Clock::now() - server.last_request() < std::chrono::duration<double>(*idle))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } else {
    char c;
    while (std::cin.get(c)) {
    }
  }
  server.stop();
  listener.join();
  return 0;
}
