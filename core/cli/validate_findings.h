// Findings of `validate`: problems (exit 2) and warnings (printed only), each
// one readable line that starts with its place in the config ("file:line:col:")
// when it has one. Also the name suggestion for typos. Plain data.
#pragma once

#include <string>
#include <vector>

namespace cdc::cli {

struct Findings {
  std::vector<std::string> problems;
  std::vector<std::string> warnings;

  void Problem(const std::string& where, const std::string& message) {
    problems.push_back(Line(where, message));
  }
  void Warning(const std::string& where, const std::string& message) {
    warnings.push_back(Line(where, message));
  }

  // Orders lines that start with "`file`:line:col:" by line and column, after
  // the unlocated ones (which keep their order).
  void SortByPlace(const std::string& file);

 private:
  static std::string Line(const std::string& where, const std::string& message) {
    return where.empty() ? message : where + ": " + message;
  }
};

// The candidate closest to `name` (case-insensitive optimal string alignment
// distance: an insertion, deletion, substitution or swap of neighbours costs
// 1), or "" when none is close enough to be a likely typo.
std::string NearestName(const std::string& name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" for the nearest candidate, or "".
std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace cdc::cli
