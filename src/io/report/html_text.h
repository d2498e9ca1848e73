// Text that goes into a self-contained HTML page: escaped strings, base64 data.
#pragma once

#include <string>
#include <string_view>

namespace spikeae::report {

// `text` with &, <, >, " and ' replaced by entities: safe in element text and in
// quoted attribute values.
std::string html_escape(std::string_view text);

// Standard base64 (RFC 4648, with padding), for data: URIs.
std::string base64_encode(std::string_view bytes);

// A number with `digits` significant digits; NaN and infinities as "n/a".
std::string format_number(double value, int digits = 5);

}  // namespace spikeae::report
