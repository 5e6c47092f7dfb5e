"""support.py -- shared helpers of the muskx Python tests.

References are compared in a weighted RMS norm at the run's tolerances
(style.md, SUNDIALS habit: "never with =="), with a safety factor because
the global error of an adaptive run exceeds its local tolerance.
"""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TEST_MODELS = os.path.join(REPO, "tests", "models")
BAD_MODELS = os.path.join(REPO, "tests", "bad")
SHIPPED = os.path.join(REPO, "models")
# shared data beside the checkout (the PEtab suites and benchmarks)
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))

# In-tree use: the package lives next to this folder.
sys.path.insert(0, os.path.dirname(HERE))

import muskx  # noqa: E402


def model_path(name):
    return os.path.join(TEST_MODELS, name)


def wrms(got, want, rtol, atol):
    """Weighted RMS norm of got - want with weights rtol |want| + atol."""
    got, want = list(got), list(want)
    assert len(got) == len(want), (len(got), len(want))
    s = 0.0
    for g, w in zip(got, want):
        s += ((g - w) / (rtol * abs(w) + atol)) ** 2
    return math.sqrt(s / max(len(got), 1))


class WRMSMixin:
    def assertWRMS(self, got, want, rtol=1e-6, atol=1e-9, factor=100.0):
        """got matches want within factor x the WRMS tolerance unit."""
        err = wrms(got, want, rtol, atol)
        self.assertLess(err, factor, "WRMS error %.3g (>= %g)" % (err, factor))


def rss_kib():
    """Resident set size now, in KiB (Linux /proc)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    import resource  # fallback: the peak, which is still monotone
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
