"""setup.py -- builds the muskx wheel with its own libmuskx.so.

The package itself is pure Python (ctypes). When it is built from a source
checkout (the repository's Makefile two folders up), the wheel also carries
the shared library: `make lib` is run at the repository root (out of the
Python tree, in the project's own build folder, or in MUSKX_BUILD_DIR) and
libmuskx.so.X.Y.Z is copied into the package as libmuskx.so.0, which
muskx/_lib.py loads first; models/ and scenarios/ are copied into
muskx/data/, where muskx.load("spaceflight") finds them by name. Without a checkout (or with
MUSKX_BUNDLE_LIBRARY=0) nothing is bundled and an installed libmuskx is
found at import time (pkg-config, then the standard library folders).

Everything setuptools writes (build/, *.egg-info) goes to a temporary
folder, removed at exit, so `pip install ./bindings/python` leaves the
source tree as it was.
"""

import atexit
import glob
import os
import shutil
import subprocess
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRATCH = tempfile.mkdtemp(prefix="muskx-pybuild-")
atexit.register(shutil.rmtree, SCRATCH, True)


def _checkout():
    """True when this is bindings/python of a libmuskx source checkout."""
    return (os.path.exists(os.path.join(REPO, "Makefile"))
            and os.path.exists(os.path.join(REPO, "include", "muskx.h")))


def _bundling():
    return os.environ.get("MUSKX_BUNDLE_LIBRARY", "1") != "0" and _checkout()


class BuildWithLibrary(build_py):
    """build_py, then libmuskx.so from the repository's Makefile."""

    def run(self):
        build_py.run(self)
        if not _bundling():
            return
        build = os.environ.get("MUSKX_BUILD_DIR",
                               os.path.join(REPO, "build"))
        jobs = "-j%d" % max(1, min(4, os.cpu_count() or 1))
        subprocess.check_call(["make", "-C", REPO, "--no-print-directory",
                               jobs, "BUILD=" + os.path.abspath(build),
                               "lib"])
        real = sorted(glob.glob(os.path.join(build, "libmuskx.so.*.*.*")))
        if not real:
            raise RuntimeError("make lib did not produce %s/libmuskx.so.X.Y.Z"
                               % build)
        dest = os.path.join(self.build_lib, "muskx", "libmuskx.so.0")
        shutil.copyfile(real[-1], dest)
        os.chmod(dest, 0o755)
        # The shipped models and scenarios, found by name (muskx/_data.py).
        data = os.path.join(self.build_lib, "muskx", "data")
        for folder in ("models", "scenarios"):
            target = os.path.join(data, folder)
            if os.path.exists(target):
                shutil.rmtree(target)
            shutil.copytree(os.path.join(REPO, folder), target,
                            ignore=shutil.ignore_patterns("*.py", "__pycache__"))


class BinaryDistribution(Distribution):
    """A wheel with a bundled .so is platform-specific (not py3-none-any)."""

    def has_ext_modules(self):
        return _bundling()


setup(
    cmdclass={"build_py": BuildWithLibrary},
    distclass=BinaryDistribution,
    options={
        "build": {"build_base": os.path.join(SCRATCH, "build")},
        "egg_info": {"egg_base": SCRATCH},
    },
)
