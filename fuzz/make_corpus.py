#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (fuzz/corpus/<target>/): tiny valid inputs plus a few
near misses, each under 4 KB. Run from anywhere: python3 fuzz/make_corpus.py"""
import gzip
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    assert len(data) < 4096, (target, name, len(data))
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- IDX -------------------------------------------------------------------
def idx_images(count, rows, cols):
    pixels = bytes((i * 37) & 0xFF for i in range(count * rows * cols))
    return struct.pack(">IIII", 0x803, count, rows, cols) + pixels


def idx_labels(count):
    return struct.pack(">II", 0x801, count) + bytes(i % 10 for i in range(count))


def gz(data):
    return gzip.compress(data, mtime=0)


write("fuzz_idx", "images_2x3x4", idx_images(2, 3, 4))
write("fuzz_idx", "images_1x1x1", idx_images(1, 1, 1))
write("fuzz_idx", "labels_5", idx_labels(5))
write("fuzz_idx", "images_2x3x4.gz", gz(idx_images(2, 3, 4)))
write("fuzz_idx", "labels_5.gz", gz(idx_labels(5)))
write("fuzz_idx", "images_two_members.gz", gz(idx_images(1, 2, 2)[:10]) + gz(idx_images(1, 2, 2)[10:]))
write("fuzz_idx", "images_header_only", struct.pack(">IIII", 0x803, 3, 28, 28))
write("fuzz_idx", "images_truncated_header", struct.pack(">III", 0x803, 3, 28))
write("fuzz_idx", "labels_header_only", struct.pack(">II", 0x801, 7))


# --- model files ----------------------------------------------------------------
def i64(v):
    return struct.pack("<q", v)


def u64(v):
    return struct.pack("<Q", v)


def f64(v):
    return struct.pack("<d", v)


def architecture(sizes, pulses):
    return i64(len(sizes)) + b"".join(i64(s) for s in sizes) + i64(pulses)


def model(sizes, pulses, dataset=b"mnist", nan_loss=False, epochs=3):
    body = b"SPIKEAE\x1a" + struct.pack("<I", 1)
    body += i64(epochs) + f64(float("nan") if nan_loss else 0.0123) + u64(len(dataset)) + dataset
    # Config: architecture, neuron, init, inverted, noise, latency, clip, penalty, Adam, train.
    body += architecture(sizes, pulses)
    body += f64(0.172556) + f64(0.834236) + f64(-7.038462) + f64(4.213218)
    body += b"\x01" + f64(0.2) + f64(1.0) + f64(386.058227) + f64(6.250341)
    body += f64(0.001676) + f64(0.001441) + f64(0.9) + f64(0.999) + f64(1e-8)
    body += i64(20) + i64(7) + i64(0) + i64(2) + u64(1)
    # Network: architecture, neuron, pulses per connection, then weights.
    body += architecture(sizes, pulses) + f64(0.172556) + f64(0.834236)
    connections = len(sizes) - 1
    for c in range(connections):
        body += b"".join(f64((p + 1) / (pulses + 1)) for p in range(pulses))
    k = 0
    for c in range(connections):
        for _ in range(sizes[c + 1] * (sizes[c] + pulses)):
            body += f64(((k * 7919) % 200 - 100) / 37.0)
            k += 1
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


valid = model([4, 2, 4], 2)
write("fuzz_model_file", "model_4-2-4_p2", valid)
write("fuzz_model_file", "model_2-1-3-1-2_p0", model([2, 1, 3, 1, 2], 0, dataset=b""))
write("fuzz_model_file", "model_1-1_p1_nan_loss", model([1, 1], 1, nan_loss=True))
write("fuzz_model_file", "model_header_only", valid[:12])
write("fuzz_model_file", "model_truncated", valid[: len(valid) // 2])


# --- checkpoints: two embedded model files, Adam moments, position, history ------------
def checkpoint(sizes, pulses, epoch, position):
    current = model(sizes, pulses, dataset=b"d (split shuffled 4/2)", nan_loss=True, epochs=epoch)
    best = model(sizes, pulses, dataset=b"d (split shuffled 4/2)", epochs=epoch)
    body = b"SPIKECKP" + struct.pack("<I", 1)
    body += u64(len(current)) + current + u64(len(best)) + best + i64(5)
    weights = sum(sizes[c + 1] * (sizes[c] + pulses) for c in range(len(sizes) - 1))
    body += b"".join(f64(0.01 * k) for k in range(weights))           # weight first moments
    body += b"".join(f64(0.001 * k) for k in range(weights))          # second moments, >= 0
    body += b"".join(f64(-0.5) for _ in range(pulses * (len(sizes) - 1)))
    body += b"".join(f64(0.25) for _ in range(pulses * (len(sizes) - 1)))
    body += u64(position) + b"".join(f64(0.1 * k) for k in range(position))
    body += u64(epoch)
    for e in range(1, epoch + 1):
        body += i64(e) + f64(0.5 / e) + f64(0.6 / e) + f64(1.5) + f64(1000.0) + (b"\x01" if e == epoch else b"\x00")
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


write("fuzz_checkpoint", "checkpoint_2-1-2_p1_epoch2", checkpoint([2, 1, 2], 1, 2, 3))
write("fuzz_checkpoint", "checkpoint_3-2-3_p0_epoch0", checkpoint([3, 2, 3], 0, 0, 0))
write("fuzz_checkpoint", "checkpoint_header_only", checkpoint([2, 1, 2], 1, 1, 0)[:12])

# --- hyperparameter tables -----------------------------------------------------
with open(os.path.join(os.path.dirname(ROOT), "..", "resources", "paper_hyperparameters.tsv"), "rb") as f:
    table = f.read().splitlines()
write("fuzz_hyperparameters", "paper_three_rows.tsv", b"\n".join(table[:4]) + b"\n")
write("fuzz_hyperparameters", "header_only.tsv", table[0] + b"\n")
columns = table[0].split(b"\t")
values = table[1].split(b"\t")
order = list(range(len(columns)))[::-1]
write("fuzz_hyperparameters", "reversed_columns_crlf.tsv",
      b"\t".join(columns[i] for i in order) + b"\r\n" +
      b"\t".join(b" " + values[i] + b" " for i in order) + b"\r\n\r\n")
write("fuzz_hyperparameters", "odd_numbers.tsv", table[0] + b"\n" + b"\t".join(
    [b"1e-3", b"0x1p0", b"-0", b"inf", b"nan", b"1e400", b"2147483648", b"-7", b"+1", b".5", b"5.",
     b"1e-320", b"4.213218"]) + b"\n")
