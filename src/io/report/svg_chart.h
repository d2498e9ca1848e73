// Inline SVG charts for the run report: learning curves and histograms.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace spikeae::report {

struct Series {
  std::string name;
  std::string color;                              // CSS colour
  std::vector<std::pair<double, double>> points;  // (x, y); non-finite y are left out
};

// A line chart with axes, ticks and a legend. Every point carries its values as a
// tooltip, and each line its y values in data-values, so the page holds the data.
std::string svg_line_chart(const std::vector<Series>& series, const std::string& x_label,
                           const std::string& y_label);

// Bars of `counts` over equal bins spanning [low, high].
std::string svg_histogram(const std::vector<std::size_t>& counts, double low, double high,
                          const std::string& x_label, const std::string& title);

}  // namespace spikeae::report
