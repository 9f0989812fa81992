#pragma once

// One JSON POST over libcurl with the providers' retry policy (docs/llm.md, "Providers"): 429, 5xx,
// a timeout or a dropped connection is tried again after a wait that starts at the backoff and
// doubles, or what the server's Retry-After says when that is longer; any other answer is the
// caller's to read. Only http:// and https:// are spoken, redirects are not followed (a header
// with the key would go with them), and the body read is capped.
//
// The headers may hold a key: nothing here logs a header or a body, and no error quotes one.

#include "util/expected.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::llm {

// A provider's base URL, checked: http or https, a host, no user or password, no query or
// fragment (a key belongs in its variable, not in a URL that is logged).
struct BaseUrl {
  std::string text;  // as given, without trailing slashes
  std::string host;
  bool loopback = false;   // 127.0.0.1, ::1 or localhost: a local server, which may need no key
  bool encrypted = false;  // https
};

// Errors say what was expected: "expected an http:// or https:// URL, got ...".
util::Expected<BaseUrl> parse_base_url(std::string_view url);

// `base` + "/v1/" + `path`, unless `base` already ends in "/v1" (then + "/" + `path`) or in
// "/v1/" + `path` itself (then as is): "http://127.0.0.1:8080", ".../v1" and
// ".../v1/chat/completions" all reach the same endpoint.
std::string endpoint_url(const BaseUrl& base, std::string_view path);

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may hold the key
  std::string body;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  int attempts = 0;
  double seconds = 0;        // the whole call, waits included
  double retry_after_s = 0;  // what the last answer's Retry-After asked; 0: nothing
};

// The longest Retry-After waited for: a server that asks for more (a quota spent for the day)
// ends the call at once.
inline constexpr double k_max_retry_after_s = 60;

struct RetryPolicy {
  double timeout_s = 300;  // one attempt
  int retries = 4;
  double backoff_s = 1;  // the first wait; doubles per retry
  double max_wait_s = k_max_retry_after_s;
  std::size_t max_body = std::size_t{8} << 20;
  // How a wait between attempts is spent. Empty: sleeping, woken by an interrupt (tests record
  // the waits instead).
  std::function<void(double seconds)> wait;
  std::string log_name;  // who is calling, for the debug log ("openai at http://...")
};

// Posts `request`, retrying as the policy says. The result is the last answer the server gave,
// whatever its status, or an error when none came: "timed out after 1.0 s (2 attempts)",
// "cannot connect: ...", "the answer is larger than 8 MiB", "interrupted". A call gives up once
// its retries are spent or when a wait would pass (retries + 1) x timeout_s from its start.
util::Expected<HttpResponse> post(const HttpRequest& request, const RetryPolicy& policy);

// 429 and 5xx: what a server asks to be tried again.
bool is_retryable_status(long status);

}  // namespace kevolve::llm
