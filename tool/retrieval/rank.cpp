#include "tool/retrieval/rank.hpp"

// How the ranking works: every passage is a bag of terms, its title's words counted
// k_title_weight times, its tags' k_tags_weight times and its text's once (its backends, archs
// and bounds are not words: they filter, and the bound boosts); a term is a word of tokenize() with
// a plural's final "s" dropped ("loads" and "load" meet). The query's distinct terms score each
// passage with Okapi BM25 (idf from the whole corpus, so a passage's score does not depend on the
// filters), summed in term order so the figures are the same on every run. The corpus is small
// (hundreds of passages), so the index is built per call rather than kept.

#include "util/text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace kevolve::retrieval {
namespace {

const std::set<std::string, std::less<>> k_stop_words = {
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "do", "does", "each", "for", "from", "has", "have", "how", "if", "in",
    "into", "is", "it", "its", "more", "most", "no", "not", "of", "on", "one", "only", "or",
    "other", "our", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "too", "two", "up", "use", "used", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your",
    "auto", "const", "constexpr", "inline", "int", "return", "static", "std", "struct", "template",
    "typename", "unsigned", "void",
    // English that carries no topic, and the diagnosis's own boilerplate ("... of the measured
    // copy bandwidth ..., under 30% of peak"), which every query holds
    "above", "ask", "below", "before", "between", "just", "like", "may", "must", "need", "over",
    "same", "should", "such", "under", "measured"};

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) { return is_upper(c) || is_lower(c) || is_digit(c); }

// Where a word of letters and digits splits inside: before an upper-case letter that follows a
// lower-case one or a digit (rowSums, float4Load), or that starts a word after an acronym
// (HBMBandwidth: before the B of Bandwidth).
bool splits_before(std::string_view word, std::size_t i) {
  if (i == 0 || !is_upper(word[i])) return false;
  char before = word[i - 1];
  if (is_lower(before) || is_digit(before)) return true;
  return is_upper(before) && i + 1 < word.size() && is_lower(word[i + 1]);
}

void add_word(std::string_view word, std::vector<std::string>& out) {
  if (word.size() < 2 || std::all_of(word.begin(), word.end(), is_digit)) return;
  std::string term = util::lower(word);
  if (k_stop_words.count(term)) return;
  out.push_back(std::move(term));
}

// A word as an index term: "loads" -> "load", but "class", "status", "analysis" stay.
std::string term_of(std::string word) {
  std::size_t n = word.size();
  if (n > 3 && word[n - 1] == 's' && word[n - 2] != 's' && word[n - 2] != 'u' && word[n - 2] != 'i')
    word.pop_back();
  return word;
}

struct Document {
  std::unordered_map<std::string, double> frequency;  // weighted term counts
  double length = 0;
};

void count(Document& doc, std::string_view text, int weight) {
  for (std::string& word : tokenize(text)) {
    doc.frequency[term_of(std::move(word))] += weight;
    doc.length += weight;
  }
}

Document document_of(const Passage& p) {
  Document doc;
  count(doc, p.title, k_title_weight);
  for (const std::string& tag : p.tags) count(doc, tag, k_tags_weight);
  count(doc, p.text, 1);
  return doc;
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// A passage is for the query unless it names other backends, archs or bounds than the query's.
bool admits(const Passage& p, const Query& query) {
  auto fits = [](const std::vector<std::string>& tagged, const std::string& wanted) {
    return wanted.empty() || tagged.empty() || contains(tagged, util::lower(wanted));
  };
  return fits(p.backends, query.backend) && fits(p.archs, query.arch) &&
         fits(p.bounds, query.bound);
}

}  // namespace

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_word_char(text[end])) ++end;
    std::string_view word = text.substr(i, end - i);
    std::size_t start = 0;
    for (std::size_t k = 1; k < word.size(); ++k) {
      if (splits_before(word, k)) {
        add_word(word.substr(start, k - start), out);
        start = k;
      }
    }
    add_word(word.substr(start), out);
    i = end;
  }
  return out;
}

std::vector<Retrieved> retrieve(const Corpus& corpus, const Query& query, std::size_t max_passages,
                                std::size_t max_bytes) {
  if (corpus.passages.empty() || max_passages == 0) return {};
  std::vector<Document> docs;
  docs.reserve(corpus.passages.size());
  std::map<std::string, int> containing;  // term -> passages holding it
  double total_length = 0;
  for (const Passage& p : corpus.passages) {
    docs.push_back(document_of(p));
    total_length += docs.back().length;
    for (const auto& entry : docs.back().frequency) ++containing[entry.first];
  }
  const double n = static_cast<double>(docs.size());
  const double average_length = std::max(total_length / n, 1.0);

  std::set<std::string> terms;  // distinct and ordered: the sum's order is fixed
  for (std::string& word : tokenize(query.text)) terms.insert(term_of(std::move(word)));
  const std::string bound = util::lower(query.bound);

  std::vector<Retrieved> ranked;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const Passage& p = corpus.passages[i];
    if (!admits(p, query)) continue;
    double score = 0;
    for (const std::string& term : terms) {
      auto f = docs[i].frequency.find(term);
      if (f == docs[i].frequency.end()) continue;
      double df = containing[term];
      double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
      double tf = f->second;
      score += idf * tf * (k_bm25_k1 + 1) /
               (tf + k_bm25_k1 * (1 - k_bm25_b + k_bm25_b * docs[i].length / average_length));
    }
    if (score <= 0) continue;
    if (!bound.empty() && contains(p.bounds, bound)) score *= k_bound_boost;
    ranked.push_back({&p, score});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Retrieved& a, const Retrieved& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.passage->id < b.passage->id;
  });

  std::vector<Retrieved> chosen;
  std::size_t bytes = 0;
  for (const Retrieved& r : ranked) {
    if (chosen.size() == max_passages) break;
    std::size_t size = r.passage->title.size() + r.passage->text.size();
    if (bytes + size > max_bytes) continue;  // a smaller one may still fit
    bytes += size;
    chosen.push_back(r);
  }
  return chosen;
}

}  // namespace kevolve::retrieval
