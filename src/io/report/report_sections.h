// The sections of report.html, each a piece of HTML from what the run folder holds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/report/report_activity.h"
#include "io/report/run_record.h"

namespace spikeae::report {

// What the report measured on the test images, when it had them.
struct TestView {
  std::string description;
  std::vector<std::uint8_t> labels;  // of the examples measured, in order
  std::vector<double> losses;        // each example's reconstruction loss
  ReportActivity activity;
};

std::string summary_section(const RunRecord& run, const std::string& folder_name);
std::string plateau_section(const RunRecord& run);
std::string curves_section(const RunRecord& run);
std::string reconstruction_section(const RunRecord& run, const std::optional<TestView>& test);
std::string raster_section(const std::optional<TestView>& test, const std::string& missing);
std::string histogram_section(const std::optional<TestView>& test, const std::string& missing);
std::string hyperparameter_section(const RunRecord& run);
std::string timing_section(const RunRecord& run);

}  // namespace spikeae::report
