// Throughput of ICU's sentence BreakIterator (the C++ library, locale "ar")
// on the same NUL-separated UTF-8 texts as segment_throughput.rs. Texts are
// iterated through UText over UTF-8, so no UTF-16 conversion is timed.
#include <unicode/brkiter.h>
#include <unicode/utext.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  if (argc < 2) { std::fprintf(stderr, "usage: icu_segment TEXTS.bin [ROUNDS]\n"); return 2; }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::ifstream in(argv[1], std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::pair<const char *, size_t>> texts;
  size_t start = 0, bytes = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '\0') {
      if (i > start) { texts.emplace_back(data.data() + start, i - start); bytes += i - start; }
      start = i + 1;
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createSentenceInstance(icu::Locale("ar"), status));
  if (U_FAILURE(status)) { std::fprintf(stderr, "ICU: %s\n", u_errorName(status)); return 1; }
  // ICU's native form is UTF-16: also time it on texts converted beforehand
  // (conversion not timed), its best case.
  std::vector<icu::UnicodeString> utf16;
  for (auto &t : texts) utf16.push_back(icu::UnicodeString::fromUTF8(icu::StringPiece(t.first, (int32_t)t.second)));
  double best16 = 1e300;
  long sentences16 = 0;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    sentences16 = 0;
    for (auto &u : utf16) {
      it->setText(u);
      for (int32_t b = it->first(); b != icu::BreakIterator::DONE; b = it->next()) ++sentences16;
      --sentences16;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best16) best16 = s;
  }
  std::printf("ICU %s sentence BreakIterator, UTF-16 (conversion untimed): %.3f s = %.0f MB/s of UTF-8 text\n",
              U_ICU_VERSION, best16, bytes / 1e6 / best16);
  double best = 1e300;
  long sentences = 0;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    sentences = 0;
    UText *ut = nullptr;
    for (auto &t : texts) {
      ut = utext_openUTF8(ut, t.first, (int64_t)t.second, &status);
      it->setText(ut, status);
      for (int32_t b = it->first(); b != icu::BreakIterator::DONE; b = it->next()) ++sentences;
      --sentences;  // the boundary at 0 is not a sentence
    }
    utext_close(ut);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  std::printf("ICU %s sentence BreakIterator, UTF-8 UText: %zu texts, %.1f MB, %ld sentences, best of %d: %.3f s = %.0f MB/s\n",
              U_ICU_VERSION, texts.size(), bytes / 1e6, sentences, rounds, best, bytes / 1e6 / best);
  return 0;
}
