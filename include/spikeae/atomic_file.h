// Crash-safe file replacement: nothing already written is lost or half-written.
#pragma once

#include <filesystem>
#include <string_view>

namespace spikeae {

// Writes `bytes` to a temporary file beside `path`, flushes and fsyncs it, then
// renames it over `path`. On any failure (unwritable folder, disk full) throws
// Error naming `path` and the reason, removes the temporary file, and leaves an
// existing file at `path` untouched.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// The pid of the process that named a temporary file of write_file_atomically
// (".NAME.tmp-PID-N"), or 0 when `file_name` is not such a name. A file whose
// process no longer runs was left by a crash and may be removed.
long temporary_file_owner(std::string_view file_name);

}  // namespace spikeae
