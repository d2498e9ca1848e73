// Checkpoint layout: magic, version, the current and best networks as embedded
// model files (with their own checks), the optimiser moments, the position in the
// epoch and the history, then a CRC-32 of everything before it.
#include "spikeae/checkpoint.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "byte_stream.h"
#include "spikeae/atomic_file.h"
#include "spikeae/error.h"
#include "spikeae/model_file.h"

namespace spikeae {
namespace {

using io::ByteReader;
using io::ByteWriter;

constexpr std::string_view kMagic{"SPIKECKP", 8};
constexpr std::int64_t kMaxEpochs = std::numeric_limits<int>::max();

void write_blocks(ByteWriter& out, const std::vector<std::vector<double>>& blocks) {
  for (const auto& block : blocks) out.f64s(block);
}

void write_metrics(ByteWriter& out, const EpochMetrics& m) {
  out.i64(m.epoch);
  for (double value : {m.train_loss, m.validation_loss, m.seconds, m.examples_per_second}) {
    out.f64(value);
  }
  out.boolean(m.best);
}

void write_body(ByteWriter& out, const Checkpoint& c) {
  const TrainingState& s = c.state;
  out.text(serialize_model({s.network, c.config, s.epoch, std::nan(""), c.dataset}));
  out.text(
      serialize_model({s.best_network, c.config, s.best_epoch, s.best_validation_loss, c.dataset}));
  out.i64(s.adam.step);
  for (const auto* blocks :
       {&s.adam.weight_m, &s.adam.weight_v, &s.adam.pulse_m, &s.adam.pulse_v}) {
    write_blocks(out, *blocks);
  }
  out.u64(s.position);
  out.f64s(s.epoch_losses);
  out.u64(s.history.size());
  for (const EpochMetrics& m : s.history) write_metrics(out, m);
}

// Moments shaped like `network`'s weights (or pulses); all finite, second moments >= 0.
std::vector<std::vector<double>> read_blocks(ByteReader& in, const Network& network, bool pulses,
                                             bool second_moment, const std::string& what) {
  std::vector<std::vector<double>> blocks;
  for (int c = 0; c < network.num_connections(); ++c) {
    const std::size_t size = pulses ? network.pulses[c].size() : network.weights[c].size();
    blocks.push_back(in.f64s(size, what));
    for (double value : blocks.back()) {
      if (!std::isfinite(value) || (second_moment && value < 0)) {
        throw Error(io::str(in.source()) + ": invalid " + what + " value " + std::to_string(value));
      }
    }
  }
  return blocks;
}

EpochMetrics read_metrics(ByteReader& in) {
  EpochMetrics m;
  m.epoch = in.int_in(1, kMaxEpochs, "history epoch");
  m.train_loss = in.f64("history train loss");
  m.validation_loss = in.f64("history validation loss");
  m.seconds = in.f64("history seconds");
  m.examples_per_second = in.f64("history examples per second");
  m.best = in.boolean("history best flag");
  return m;
}

Checkpoint read_body(ByteReader& in) {
  const std::string source(in.source());
  const SavedModel current = parse_model(in.text("current network"), source + " (current network)");
  const SavedModel best = parse_model(in.text("best network"), source + " (best network)");
  if (!(current.network.architecture == best.network.architecture)) {
    throw Error(source + ": the current and best networks have different architectures");
  }
  Checkpoint c{current.config, current.dataset, {}};
  TrainingState& s = c.state;
  s.network = current.network;
  s.epoch = current.epochs_trained;
  s.best_network = best.network;
  s.best_epoch = best.epochs_trained;
  s.best_validation_loss = best.validation_loss;
  s.adam.step = in.i64_in(0, std::numeric_limits<std::int64_t>::max(), "optimiser step");
  s.adam.weight_m = read_blocks(in, s.network, false, false, "weight first moment");
  s.adam.weight_v = read_blocks(in, s.network, false, true, "weight second moment");
  s.adam.pulse_m = read_blocks(in, s.network, true, false, "pulse first moment");
  s.adam.pulse_v = read_blocks(in, s.network, true, true, "pulse second moment");
  s.position = in.u64("position in the epoch");
  s.epoch_losses = in.f64s(s.position, "losses of the epoch so far");
  const std::uint64_t epochs = in.u64("history length");
  if (epochs != static_cast<std::uint64_t>(s.epoch)) {
    throw Error(source + ": history holds " + std::to_string(epochs) + " epochs but " +
                std::to_string(s.epoch) + " are complete");
  }
  for (std::uint64_t i = 0; i < epochs; ++i) s.history.push_back(read_metrics(in));
  return c;
}

}  // namespace

std::string serialize_checkpoint(const Checkpoint& checkpoint) {
  ByteWriter out;
  out.raw(kMagic);
  out.u32(kCheckpointFormatVersion);
  write_body(out, checkpoint);
  const std::uint32_t crc = io::crc32_of(out.bytes());
  out.u32(crc);
  return std::move(out.bytes());
}

Checkpoint parse_checkpoint(std::string_view bytes, std::string_view source) {
  const std::string name(source);
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    throw Error(name + ": not a spikeae checkpoint (wrong magic bytes)");
  }
  ByteReader header(bytes, kMagic.size(), source);
  const std::uint32_t version = header.u32("format version");
  if (version != kCheckpointFormatVersion) {
    throw Error(name + ": unsupported checkpoint format version " + std::to_string(version) +
                " (this build reads version " + std::to_string(kCheckpointFormatVersion) + ")");
  }
  header.require(4, 1, "the checksum");
  const std::size_t body_end = bytes.size() - 4;
  const std::uint32_t stored = ByteReader(bytes, body_end, source).u32("checksum");
  const std::uint32_t computed = io::crc32_of(bytes.substr(0, body_end));
  if (stored != computed) {
    throw Error(name + ": checksum mismatch (stored " + io::hex32(stored) + ", computed " +
                io::hex32(computed) + "): the checkpoint is truncated or corrupted");
  }
  ByteReader in(bytes.substr(0, body_end), kMagic.size() + 4, source);
  Checkpoint checkpoint = read_body(in);
  if (in.remaining() > 0) {
    throw Error(name + ": " + std::to_string(in.remaining()) +
                " unexpected bytes before the checksum");
  }
  return checkpoint;
}

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  write_file_atomically(path, serialize_checkpoint(checkpoint));
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("cannot open checkpoint " + path.string());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) throw Error("cannot read checkpoint " + path.string());
  return parse_checkpoint(bytes.str(), path.string());
}

}  // namespace spikeae
