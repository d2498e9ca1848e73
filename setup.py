"""Builds the `spikeae` wheel with the project's own CMake (see pyproject.toml).

setuptools copies the pure-Python package from python/spikeae; the extension
module `_core`, its generated type stub and the `spikeae` command-line tool come
from one CMake build in build/pip/cmake (kept between installs, so a second
`pip install .` only rebuilds what changed).

Environment: CMAKE_BUILD_PARALLEL_LEVEL sets the job count (default: all cores);
SPIKEAE_CMAKE_ARGS adds arguments to the CMake configure step.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
BUILD_BASE = Path("build") / "pip"  # inside the ignored build/, beside scripts/build.sh's tree
CMAKE_DIR = ROOT / BUILD_BASE / "cmake"
# The targets the package needs: `spikeae_python` is _core, the copied
# Python files and the stub; `spikeae` is the command-line tool.
CMAKE_TARGETS = ["spikeae_python", "spikeae"]


def project_version():
    """The version, written once: in CMakeLists.txt's project() call."""
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\(\s*spikeae\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        sys.exit("setup.py: no `project(spikeae VERSION x.y.z ...)` in CMakeLists.txt")
    return match.group(1)


def job_count(parallel):
    if os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL"):
        return os.environ["CMAKE_BUILD_PARALLEL_LEVEL"]
    return str(parallel or os.cpu_count() or 1)


def run(command):
    print("+", shlex.join(command), flush=True)
    subprocess.run(command, check=True)


class CMakeBuild(build_ext):
    """Builds the CMake targets and copies what the package needs into the wheel."""

    def build_extension(self, ext):
        if self.inplace:
            sys.exit("setup.py: editable installs are not supported; for development build "
                     "with scripts/build.sh and set PYTHONPATH=build/python")
        cmake = shutil.which("cmake")
        if cmake is None:
            sys.exit("setup.py: cmake not found; install the build's Debian packages with "
                     "scripts/setup.sh (or: apt-get install cmake ninja-build g++)")
        configure = [cmake, "-S", str(ROOT), "-B", str(CMAKE_DIR),
                     "-DCMAKE_BUILD_TYPE=Release",
                     # The interpreter running pip: the module is built for it.
                     f"-DPython3_EXECUTABLE={sys.executable}",
                     "-DSPIKEAE_BUILD_PYTHON=ON",
                     "-DSPIKEAE_BUILD_TESTS=OFF",
                     "-DSPIKEAE_BUILD_BENCHMARKS=OFF"]
        if shutil.which("ninja") and not (CMAKE_DIR / "CMakeCache.txt").exists():
            configure += ["-G", "Ninja"]  # a generator is chosen once per tree
        configure += shlex.split(os.environ.get("SPIKEAE_CMAKE_ARGS", ""))
        run(configure)
        run([cmake, "--build", str(CMAKE_DIR), "--target", *CMAKE_TARGETS,
             "-j", job_count(self.parallel)])
        self.copy_outputs(ext)

    def copy_outputs(self, ext):
        staged = CMAKE_DIR / "python" / "spikeae"
        modules = sorted(staged.glob("_core*.so"))
        if len(modules) != 1:
            sys.exit(f"setup.py: expected one _core*.so in {staged}, found {modules}")
        target = Path(self.get_ext_fullpath(ext.name))
        package = target.parent
        package.mkdir(parents=True, exist_ok=True)
        shutil.copy2(modules[0], target)
        shutil.copy2(staged / "__init__.pyi", package / "__init__.pyi")
        # The tool goes in as package data; spikeae._console runs it.
        (package / "bin").mkdir(exist_ok=True)
        shutil.copy2(CMAKE_DIR / "apps" / "spikeae" / "spikeae", package / "bin" / "spikeae")


os.makedirs(BUILD_BASE, exist_ok=True)  # egg_base must exist before setuptools looks
setup(
    version=project_version(),
    package_dir={"": "python"},
    packages=find_packages("python", include=["spikeae", "spikeae.*"]),
    package_data={"spikeae": ["py.typed"]},
    exclude_package_data={"spikeae": ["*.pyi.in"]},
    ext_modules=[Extension("spikeae._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": str(BUILD_BASE)},
             "egg_info": {"egg_base": str(BUILD_BASE)}},
    zip_safe=False,
)
