#!/usr/bin/env python3
"""Loads the report of a tiny training run in headless Chromium and checks that every
image loaded, that the console stayed silent and that a screenshot is not blank.

Usage: report_in_chromium.py SPIKEAE_CLI. Exits 77 (a skip for CTest) when Chromium
is not installed; CI installs it (scripts/setup.sh).
"""
import pathlib
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
SIDE = 12


def write_idx(folder, name, images, labels):
    header = struct.pack(">IIII", 0x803, len(images), SIDE, SIDE)
    (folder / f"{name}-images").write_bytes(header + b"".join(images))
    (folder / f"{name}-labels").write_bytes(struct.pack(">II", 0x801, len(labels)) + bytes(labels))


def blob_images(count, seed):
    """Blank images with a plus of ink at a random place, labelled by its column."""
    rng = random.Random(seed)
    images, labels = [], []
    for _ in range(count):
        pixels = bytearray(SIDE * SIDE)
        top, left = rng.randrange(1, SIDE - 3), rng.randrange(1, SIDE - 3)
        for r in range(3):
            for c in range(3):
                pixels[(top + r) * SIDE + left + c] = 255 if r == 1 or c == 1 else 96
        images.append(bytes(pixels))
        labels.append(left % 10)
    return images, labels


def train_tiny_run(cli, folder):
    data = folder / "data"
    data.mkdir()
    write_idx(data, "train", *blob_images(300, 1))
    write_idx(data, "test", *blob_images(100, 2))
    run = folder / "run"
    command = [cli, "train", "--out", str(run), "--threads", "2", "--epochs", "2",
               "--train-size", "240", "--validation-size", "60", "--batch_size", "10",
               "--n_hidden", "16", "--n_pulses", "3", "--learning_rate", "0.01",
               "--nonpulse_weight_mean_multiplier", "0.5", "--pulse_weight_mean_multiplier", "3"]
    for name in ("train", "test"):
        command += [f"--{name}-images", str(data / f"{name}-images"),
                    f"--{name}-labels", str(data / f"{name}-labels")]
    subprocess.run(command, check=True, timeout=120, stdout=subprocess.DEVNULL)
    return run / "report.html"


# Runs first in the page: records errors, then on load writes what it saw into the DOM.
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || e.type)), true);
const originalError = console.error;
console.error = (...args) => { window.__errors.push(args.join(' ')); originalError(...args); };
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).length;
  const out = document.createElement('pre');
  out.id = 'browser-check';
  out.textContent = `images=${images.length} broken=${broken} svgs=${document.querySelectorAll('svg').length} errors=${JSON.stringify(window.__errors)}`;
  document.body.appendChild(out);
});
</script>"""


def chromium(browser, *args):
    command = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
               "--enable-logging=stderr", "--v=0", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done, console


def check_dom(browser, report):
    probed = report.with_name("probed.html")
    probed.write_text(report.read_text().replace("<head>", "<head>\n" + PROBE, 1))
    done, console = chromium(browser, "--virtual-time-budget=5000", "--dump-dom",
                             probed.as_uri())
    found = re.search(r"images=(\d+) broken=(\d+) svgs=(\d+) errors=(.*?)</pre>", done.stdout)
    assert found, "the probe did not report (page not loaded?):\n" + done.stderr[-2000:]
    images, broken, svgs, errors = found.groups()
    print(f"DOM check: {images} image(s), {broken} broken, {svgs} SVG charts, errors {errors}")
    assert int(images) >= 1 and int(broken) == 0, "an image did not load"
    assert int(svgs) >= 3, "the charts are missing"
    assert errors == "[]", "the page raised errors"
    assert not console, "console output:\n" + "\n".join(console)


def png_rows(data):
    """The screenshot's rows of pixels, unfiltered one by one (8-bit RGB or RGBA only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    previous = bytearray(stride)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        previous = row
        yield [bytes(row[i:i + channels]) for i in range(0, stride, channels)]


def check_screenshot(browser, report):
    shot = report.with_name("screenshot.png")
    _, console = chromium(browser, f"--screenshot={shot}", "--window-size=1200,2000",
                          "--hide-scrollbars", report.as_uri())
    assert shot.exists(), "no screenshot written"
    assert not console, "console output:\n" + "\n".join(console)
    colours = set()
    for row in png_rows(shot.read_bytes()):
        colours.update(row)
        if len(colours) >= 16:  # plenty: text, charts and picture are drawn
            break
    print(f"screenshot: {shot.stat().st_size} bytes, at least {len(colours)} distinct colours")
    assert len(colours) >= 16, "the screenshot is (nearly) blank"


def main():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("SKIP: chromium is not installed (Debian package chromium, see scripts/setup.sh)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="report_browser_") as tmp:
        report = train_tiny_run(sys.argv[1], pathlib.Path(tmp))
        assert report.exists(), "spikeae train wrote no report.html"
        check_dom(browser, report)
        check_screenshot(browser, report)
    print("report loads cleanly in", subprocess.run([browser, "--version"], capture_output=True,
                                                   text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
