// The OpenAI-compatible chat-completions API: OpenAI itself and the local servers that speak it
// (llama.cpp's server, vLLM, Ollama). POST {url}/v1/chat/completions with a Bearer key;
// the answer is choices[0].message.content.

#include "tool/llm/remote.hpp"

#include <fmt/format.h>

namespace kevolve::llm {

namespace {

constexpr Api k_openai{"openai", "https://api.openai.com", "chat/completions", "OPENAI_API_KEY",
                       "gpt-4o"};

class OpenAi final : public RemoteProvider {
 public:
  OpenAi(const Settings& settings, BaseUrl url) : RemoteProvider(k_openai, settings, url) {}

 private:
  std::vector<std::string> key_headers(const std::optional<std::string>& key) const override {
    if (!key) return {};
    return {"Authorization: Bearer " + *key};
  }

  util::Json body(const Prompt& prompt) const override {
    util::Json messages = util::Json::array();
    if (!prompt.system.empty())
      messages.push_back({{"role", "system"}, {"content", prompt.system}});
    messages.push_back({{"role", "user"}, {"content", prompt.user}});
    return {{"model", model()}, {"messages", messages}, {"max_tokens", settings().max_tokens}};
  }

  util::Expected<Reply> read_reply(const util::Json& response) const override {
    if (!response.is_object())
      return util::unexpected(std::string("the answer is not a JSON object"));
    auto choices = response.find("choices");
    if (choices == response.end() || !choices->is_array() || choices->empty() ||
        !(*choices)[0].is_object() || !(*choices)[0].contains("message"))
      return util::unexpected(std::string("no choices[0].message in the answer"));
    const util::Json& message = (*choices)[0]["message"];
    Reply reply;
    if (auto content = string_field(message, "content")) {
      reply.text = *content;
    } else if (message.is_object() && message.contains("content") &&
               message["content"].is_array()) {
      // Some servers answer in parts: [{"type":"text","text":...}].
      for (const util::Json& part : message["content"])
        if (auto text = string_field(part, "text")) reply.text += *text;
    }
    if (reply.text.empty()) {
      auto finish = string_field((*choices)[0], "finish_reason");
      auto refusal = string_field(message, "refusal");
      return util::unexpected(fmt::format("no content in choices[0].message{}{}",
                                          finish ? " (finish_reason " + *finish + ")" : "",
                                          refusal ? ", a refusal: " + *refusal : ""));
    }
    reply.model = string_field(response, "model").value_or("");
    if (auto usage = response.find("usage"); usage != response.end()) {
      reply.usage.prompt_tokens = count_field(*usage, "prompt_tokens");
      reply.usage.answer_tokens = count_field(*usage, "completion_tokens");
    }
    return reply;
  }
};

}  // namespace

util::Expected<std::unique_ptr<Provider>> make_openai(const Settings& settings) {
  auto url = check_remote(k_openai, settings);
  if (!url) return util::unexpected(url.error());
  return std::unique_ptr<Provider>(std::make_unique<OpenAi>(settings, std::move(*url)));
}

}  // namespace kevolve::llm
