#include "core/cli/validate_findings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace cdc::cli {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Optimal string alignment distance (Damerau-Levenshtein without repeated
// edits of one substring): "_frist_name" → "_first_name" is 1.
size_t Distance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

// (line, column) of a line starting with "file:L:C:", or (0, 0).
std::pair<long, long> Place(const std::string& line, const std::string& file) {
  if (!line.starts_with(file + ":")) return {0, 0};
  char* end = nullptr;
  const char* at = line.c_str() + file.size() + 1;
  const long l = std::strtol(at, &end, 10);
  const long c = *end == ':' ? std::strtol(end + 1, nullptr, 10) : 0;
  return {l, c};
}

void Sort(std::vector<std::string>& lines, const std::string& file) {
  std::stable_sort(lines.begin(), lines.end(), [&](const std::string& a, const std::string& b) {
    return Place(a, file) < Place(b, file);
  });
}

}  // namespace

void Findings::SortByPlace(const std::string& file) {
  Sort(problems, file);
  Sort(warnings, file);
}

std::string NearestName(const std::string& name, const std::vector<std::string>& candidates) {
  const std::string key = Lower(name);
  // Short names tolerate one edit, longer ones up to three.
  const size_t limit = std::clamp<size_t>((key.size() + 2) / 4, 1, 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    if (candidate == name) continue;
    const size_t distance = Distance(key, Lower(candidate));
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  const std::string nearest = NearestName(name, candidates);
  return nearest.empty() ? std::string() : " (did you mean '" + nearest + "'?)";
}

}  // namespace cdc::cli
