"""test_leaks.py -- C handles are freed: RSS stays flat over many runs.

Every simulate() creates and frees a muskx_sim; load()/close() create and
free a muskx_model. A leak of even a few hundred bytes per call would grow
the resident set by megabytes over 10,000 calls.
"""

import gc
import sys
import unittest

from support import muskx, model_path, rss_kib

RUNS = 10000
SLACK_KIB = 2048   # allocator noise; a 200-byte leak x 10,000 is ~2 MiB


class RepeatedCalls(unittest.TestCase):
    def test_10000_simulations_keep_rss_flat(self):
        with muskx.load(model_path("api_small.yaml")) as m:
            for _ in range(500):                     # warm up the allocator
                m.simulate(t_end=5, dt=1, params={"kcat": 1.5})
            gc.collect()
            before = rss_kib()
            for i in range(RUNS):
                r = m.simulate(t_end=5, dt=1, params={"kcat": 1.5},
                               inputs={"light": ([0, 2], [1, 0.5])},
                               doses=[("S", 1.0, 0.5)])
                del r
            gc.collect()
            after = rss_kib()
        sys.stderr.write("\n[leaks] %d simulate calls: RSS %d -> %d KiB "
                         "(%+d KiB)\n" % (RUNS, before, after, after - before))
        self.assertLess(after - before, SLACK_KIB)

    def test_1000_loads_keep_rss_flat(self):
        path = model_path("api_small.yaml")
        for _ in range(100):
            muskx.load(path).close()
        gc.collect()
        before = rss_kib()
        for i in range(1000):
            if i % 2:
                muskx.load(path).close()
            else:
                muskx.load(path)                     # freed by finalizer
        gc.collect()
        after = rss_kib()
        sys.stderr.write("[leaks] 1000 loads: RSS %d -> %d KiB (%+d KiB)\n"
                         % (before, after, after - before))
        self.assertLess(after - before, SLACK_KIB)

    def test_failed_runs_and_loads_do_not_leak(self):
        bad = "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\nodes: {A: -q*A}\n"
        with muskx.load(model_path("divzero.yaml")) as m:
            for _ in range(200):
                self._fail(m, bad)
            gc.collect()
            before = rss_kib()
            for _ in range(2000):
                self._fail(m, bad)
            gc.collect()
            after = rss_kib()
        self.assertLess(after - before, SLACK_KIB)

    def _fail(self, m, bad):
        try:
            m.simulate(times=[0, 1, 3])
        except muskx.SolverError:
            pass
        try:
            muskx.loads(bad)
        except muskx.ModelError:
            pass


if __name__ == "__main__":
    unittest.main()
