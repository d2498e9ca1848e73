#include "io/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/report/html_text.h"

namespace spikeae::report {
namespace {

constexpr double kWidth = 640, kHeight = 320;
constexpr double kLeft = 70, kRight = 20, kTop = 30, kBottom = 50;

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  // A non-empty span, so a single value or a flat curve still gets a scale.
  void settle() {
    if (!std::isfinite(low)) low = 0, high = 1;
    if (high - low < 1e-12) {
      const double pad = std::max(std::abs(low) * 0.05, 1e-6);
      low -= pad, high += pad;
    }
  }
  double x(double v) const { return kLeft + (v - low) / (high - low) * (kWidth - kLeft - kRight); }
  double y(double v) const {
    return kHeight - kBottom - (v - low) / (high - low) * (kHeight - kTop - kBottom);
  }
};

std::string fixed(double v) { return format_number(v, 6); }

std::string svg_open(const std::string& label) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(kWidth) + "\" height=\"" +
         fixed(kHeight) + "\" viewBox=\"0 0 " + fixed(kWidth) + " " + fixed(kHeight) +
         "\" role=\"img\" aria-label=\"" + html_escape(label) + "\">\n" +
         "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
}

std::string text(double x, double y, const std::string& content, const std::string& extra = "") {
  return "<text x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\" font-size=\"12\"" + extra + ">" +
         html_escape(content) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& colour) {
  return "<line x1=\"" + fixed(x1) + "\" y1=\"" + fixed(y1) + "\" x2=\"" + fixed(x2) + "\" y2=\"" +
         fixed(y2) + "\" stroke=\"" + colour + "\"/>\n";
}

// Axes with five ticks each and the two labels.
std::string axes(const Range& xs, const Range& ys, const std::string& x_label,
                 const std::string& y_label) {
  std::string svg;
  const double bottom = kHeight - kBottom;
  svg += line(kLeft, kTop, kLeft, bottom, "#444") +
         line(kLeft, bottom, kWidth - kRight, bottom, "#444");
  for (int i = 0; i <= 4; ++i) {
    const double xv = xs.low + (xs.high - xs.low) * i / 4, yv = ys.low + (ys.high - ys.low) * i / 4;
    svg += line(xs.x(xv), bottom, xs.x(xv), bottom + 4, "#444");
    svg += text(xs.x(xv), bottom + 18, format_number(xv, 4), " text-anchor=\"middle\"");
    svg += line(kLeft - 4, ys.y(yv), kWidth - kRight, ys.y(yv), "#ddd");
    svg += text(kLeft - 6, ys.y(yv) + 4, format_number(yv, 4), " text-anchor=\"end\"");
  }
  svg += text((kLeft + kWidth - kRight) / 2, kHeight - 10, x_label, " text-anchor=\"middle\"");
  svg += text(
      14, (kTop + bottom) / 2, y_label,
      " text-anchor=\"middle\" transform=\"rotate(-90 14 " + fixed((kTop + bottom) / 2) + ")\"");
  return svg;
}

std::string series_svg(const Series& s, const Range& xs, const Range& ys) {
  std::string points, values, dots;
  for (const auto& [x, y] : s.points) {
    if (!std::isfinite(y)) continue;
    points += fixed(xs.x(x)) + "," + fixed(ys.y(y)) + " ";
    if (!values.empty()) values += ' ';
    values += format_number(y, 9);
    dots += "<circle cx=\"" + fixed(xs.x(x)) + "\" cy=\"" + fixed(ys.y(y)) + "\" r=\"3\" fill=\"" +
            s.color + "\"><title>" + html_escape(s.name) + " " + format_number(x, 6) + ": " +
            format_number(y, 9) + "</title></circle>\n";
  }
  return "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + s.color + "\" data-series=\"" +
         html_escape(s.name) + "\" data-values=\"" + values + "\" points=\"" + points + "\"/>\n" +
         dots;
}

}  // namespace

std::string svg_line_chart(const std::vector<Series>& series, const std::string& x_label,
                           const std::string& y_label) {
  Range xs, ys;
  for (const Series& s : series) {
    for (const auto& [x, y] : s.points) {
      if (std::isfinite(y)) xs.add(x), ys.add(y);
    }
  }
  xs.settle(), ys.settle();
  std::string svg = svg_open(y_label + " per " + x_label) + axes(xs, ys, x_label, y_label);
  double legend_x = kLeft + 10;
  for (const Series& s : series) {
    svg += series_svg(s, xs, ys);
    svg += "<rect x=\"" + fixed(legend_x) + "\" y=\"8\" width=\"12\" height=\"12\" fill=\"" +
           s.color + "\"/>\n" + text(legend_x + 16, 18, s.name);
    legend_x += 24 + 8 * static_cast<double>(s.name.size());
  }
  return svg + "</svg>\n";
}

std::string svg_histogram(const std::vector<std::size_t>& counts, double low, double high,
                          const std::string& x_label, const std::string& title) {
  Range xs, ys;
  xs.add(low), xs.add(high), ys.add(0);
  for (std::size_t c : counts) ys.add(static_cast<double>(c));
  xs.settle(), ys.settle();
  std::string svg = svg_open(title) + axes(xs, ys, x_label, "images");
  svg += text(kLeft + 10, 18, title);
  const double bin = (high - low) / static_cast<double>(std::max<std::size_t>(counts.size(), 1));
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double x0 = xs.x(low + bin * static_cast<double>(i));
    const double x1 = xs.x(low + bin * static_cast<double>(i + 1));
    const double top = ys.y(static_cast<double>(counts[i]));
    svg += "<rect x=\"" + fixed(x0) + "\" y=\"" + fixed(top) + "\" width=\"" +
           fixed(std::max(x1 - x0 - 1, 1.0)) + "\" height=\"" + fixed(ys.y(0) - top) +
           "\" fill=\"#4c72b0\"><title>" + std::to_string(counts[i]) + " images</title></rect>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace spikeae::report
