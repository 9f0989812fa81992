#include "tool/llm/http.hpp"

// How this works: one curl easy handle per call, reused across its attempts (the connection
// stays open between them). Each attempt has the whole timeout; its body is read into a string
// that refuses to grow past the cap (the write callback then fails the transfer). Between
// attempts the wait is slept in short slices so that an interrupt ends it; curl's progress
// callback ends a transfer under way the same way.

#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace kevolve::llm {

namespace {

using Clock = std::chrono::steady_clock;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlString {
  char* text = nullptr;
  ~CurlString() { curl_free(text); }
};

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
  CurlString value;
  if (curl_url_get(url, part, &value.text, 0) != CURLUE_OK || !value.text) return std::nullopt;
  return std::string(value.text);
}

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

struct Sink {
  std::string body;
  std::size_t max = 0;
  bool too_big = false;
  char error[CURL_ERROR_SIZE] = "";  // curl's words for a failed transfer; curl holds on to it
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->body.size() + n > sink->max) {
    sink->too_big = true;
    return 0;  // fails the transfer: CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return util::interrupted() ? 1 : 0;
}

// A failed transfer worth another attempt: the server or the network, not the request.
bool is_retryable_error(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

void sleep_interruptibly(double seconds) {
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(seconds));
  while (!util::interrupted() && Clock::now() < until)
    std::this_thread::sleep_for(
        std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
}

std::string plural_attempts(int attempts) {
  return attempts == 1 ? "1 attempt" : fmt::format("{} attempts", attempts);
}

// One attempt's outcome: a status and body, or a transfer error.
struct Attempt {
  CURLcode code = CURLE_OK;
  std::string error;  // curl's words for a failed transfer
  long status = 0;
  double retry_after_s = 0;
};

Attempt attempt(CURL* curl, Sink& sink) {
  sink.body.clear();
  sink.too_big = false;
  sink.error[0] = '\0';
  Attempt a;
  a.code = curl_easy_perform(curl);
  if (a.code != CURLE_OK) {
    a.error = *sink.error ? sink.error : curl_easy_strerror(a.code);
    return a;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    a.retry_after_s = static_cast<double>(retry_after);
  return a;
}

}  // namespace

util::Expected<BaseUrl> parse_base_url(std::string_view text) {
  init_curl_once();
  auto expected = [&](std::string_view why) {
    return util::unexpected(
        fmt::format("expected an http:// or https:// URL{}, got '{}'", why, text));
  };
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url || text.find_first_of(" \t\r\n") != std::string_view::npos ||
      curl_url_set(url.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK)
    return expected("");
  auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  auto host = url_part(url.get(), CURLUPART_HOST);
  if (!scheme || (*scheme != "http" && *scheme != "https") || !host || host->empty())
    return expected("");
  if (url_part(url.get(), CURLUPART_USER) || url_part(url.get(), CURLUPART_PASSWORD))
    return expected(" without a user or password (the key goes in its variable)");
  if (url_part(url.get(), CURLUPART_QUERY) || url_part(url.get(), CURLUPART_FRAGMENT))
    return expected(" without a query or fragment");
  BaseUrl base;
  base.text = std::string(text);
  while (ends_with(base.text, "/")) base.text.pop_back();
  base.host = *host;
  base.loopback = base.host == "127.0.0.1" || base.host == "localhost" || base.host == "[::1]";
  base.encrypted = *scheme == "https";
  return base;
}

std::string endpoint_url(const BaseUrl& base, std::string_view path) {
  if (ends_with(base.text, fmt::format("/v1/{}", path))) return base.text;
  if (ends_with(base.text, "/v1")) return fmt::format("{}/{}", base.text, path);
  return fmt::format("{}/v1/{}", base.text, path);
}

bool is_retryable_status(long status) { return status == 429 || (status >= 500 && status < 600); }

util::Expected<HttpResponse> post(const HttpRequest& request, const RetryPolicy& policy) {
  init_curl_once();
  const auto start = Clock::now();
  const double budget_s = policy.timeout_s * (policy.retries + 1);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  Sink sink;  // before the handle, which points into it until its cleanup
  sink.max = policy.max_body;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return util::unexpected(std::string("cannot start libcurl"));
  std::unique_ptr<curl_slist, ListDeleter> headers;
  auto add_header = [&](const char* header) {
    curl_slist* head =
        curl_slist_append(headers.get(), header);  // the same head, once there is one
    if (head && !headers) headers.reset(head);
    return head != nullptr;
  };
  bool added = true;
  for (const std::string& h : request.headers) added = added && add_header(h.c_str());
  // No "Expect: 100-continue" round trip before a large prompt.
  for (const char* h : {"Content-Type: application/json", "Expect:"})
    added = added && add_header(h);
  if (!added) return util::unexpected(std::string("out of memory for the request's headers"));
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  const double timeout_ms = std::min(policy.timeout_s, 1e6) * 1000;  // no overflow of a long
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kevolve");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, sink.error);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

  double backoff = policy.backoff_s;
  for (int n = 1;; ++n) {
    Attempt a = attempt(c, sink);
    const bool failed = a.code != CURLE_OK;
    if (util::interrupted()) return util::unexpected(std::string("interrupted"));
    if (sink.too_big)
      return util::unexpected(
          fmt::format("the answer is larger than {}", util::format_bytes(policy.max_body)));
    const std::string what = failed
                                 ? (a.code == CURLE_OPERATION_TIMEDOUT
                                        ? fmt::format("timed out after {:.1f} s", policy.timeout_s)
                                        : fmt::format("cannot reach the server: {}", a.error))
                                 : fmt::format("HTTP {}", a.status);
    const bool retryable = failed ? is_retryable_error(a.code) : is_retryable_status(a.status);
    const double wait = std::max(backoff, a.retry_after_s);
    const bool too_long = a.retry_after_s > policy.max_wait_s;
    const bool again = retryable && n <= policy.retries && !too_long && elapsed() + wait < budget_s;
    if (!again) {
      KEVOLVE_LOG("llm: {}: attempt {}: {}{}", policy.log_name, n, what,
                  retryable ? "; no retry left" : "");
      if (failed) return util::unexpected(fmt::format("{} ({})", what, plural_attempts(n)));
      HttpResponse response;
      response.status = a.status;
      response.body = std::move(sink.body);
      response.attempts = n;
      response.seconds = elapsed();
      response.retry_after_s = a.retry_after_s;
      return response;
    }
    KEVOLVE_LOG("llm: {}: attempt {}: {}; retrying in {:.2f} s", policy.log_name, n, what, wait);
    if (policy.wait)
      policy.wait(wait);
    else
      sleep_interruptibly(wait);
    if (util::interrupted()) return util::unexpected(std::string("interrupted"));
    backoff *= 2;
  }
}

}  // namespace kevolve::llm
