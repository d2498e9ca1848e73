#include "io/report/svg_raster.h"

#include <algorithm>
#include <cmath>

#include "io/report/html_text.h"

namespace spikeae::report {
namespace {

constexpr double kPanelWidth = 260, kPanelHeight = 300, kGap = 40, kTop = 30, kBottom = 40;

std::string num(double v) { return format_number(v, 6); }

double latest_spike(const std::vector<RasterLayer>& layers) {
  double latest = 0.0;
  for (const RasterLayer& layer : layers) {
    for (double t : layer.times) {
      if (std::isfinite(t)) latest = std::max(latest, t);
    }
  }
  return latest > 0.0 ? latest : 1.0;
}

// Neurons top to bottom, time left to right; the caption counts the spikes.
std::string panel(const RasterLayer& layer, double left, double t_max) {
  const double rows = static_cast<double>(std::max<std::size_t>(layer.times.size(), 1));
  std::string svg = "<g data-layer=\"" + html_escape(layer.name) + "\">\n";
  svg += "<rect x=\"" + num(left) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPanelWidth) +
         "\" height=\"" + num(kPanelHeight) + "\" fill=\"none\" stroke=\"#888\"/>\n";
  std::size_t spikes = 0;
  for (std::size_t n = 0; n < layer.times.size(); ++n) {
    const double t = layer.times[n];
    if (!std::isfinite(t)) continue;
    ++spikes;
    const double x = left + std::clamp(t / t_max, 0.0, 1.0) * kPanelWidth;
    const double y = kTop + (static_cast<double>(n) + 0.5) / rows * kPanelHeight;
    svg += "<rect x=\"" + num(x - 1) + "\" y=\"" + num(y - 0.75) + "\" width=\"2\" height=\"" +
           num(std::max(1.5, kPanelHeight / rows)) + "\" fill=\"#c44e52\"/>\n";
  }
  svg += "<text x=\"" + num(left) + "\" y=\"20\" font-size=\"12\">" + html_escape(layer.name) +
         ": " + std::to_string(spikes) + " of " + std::to_string(layer.times.size()) +
         " fired</text>\n";
  svg += "<text x=\"" + num(left) + "\" y=\"" + num(kTop + kPanelHeight + 16) +
         "\" font-size=\"11\">0</text><text x=\"" + num(left + kPanelWidth) + "\" y=\"" +
         num(kTop + kPanelHeight + 16) + "\" font-size=\"11\" text-anchor=\"end\">" +
         format_number(t_max, 4) + "</text>\n";
  return svg + "</g>\n";
}

}  // namespace

std::string svg_raster(const std::vector<RasterLayer>& layers) {
  const double t_max = latest_spike(layers);
  const double width = static_cast<double>(layers.size()) * (kPanelWidth + kGap) + kGap;
  const double height = kTop + kPanelHeight + kBottom;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
                    num(height) + "\" role=\"img\" aria-label=\"spike raster\">\n" +
                    "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    svg += panel(layers[i], kGap / 2 + static_cast<double>(i) * (kPanelWidth + kGap), t_max);
  }
  svg += "<text x=\"" + num(width / 2) + "\" y=\"" + num(height - 8) +
         "\" font-size=\"12\" text-anchor=\"middle\">spike time (rows: neurons)</text>\n";
  return svg + "</svg>\n";
}

}  // namespace spikeae::report
