"""test_threads.py -- one Model shared by many threads.

ctypes.CDLL releases the GIL during each C call, so simulations started
from a ThreadPoolExecutor run in parallel. The test asserts that every
thread's results are right (no cross-talk between runs that share the
model); the wall-clock speed-up is printed, never asserted, because it
depends on the machine.
"""

import ctypes
import math
import os
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from support import muskx, model_path, wrms, SHIPPED

SPACEFLIGHT = os.path.join(SHIPPED, "crosstalk", "spaceflight.yaml")


def decay_job(m, k, n):
    """n runs of decay with rate k; returns the worst WRMS error."""
    worst = 0.0
    for i in range(n):
        a0 = 1.0 + i % 7
        r = m.simulate(t_end=5, dt=0.5, params={"k": k},
                       initial={"A": a0})
        worst = max(worst, wrms(r["A"], [a0 * math.exp(-k * t)
                                         for t in r.time], 1e-6, 1e-9))
    return worst


class TheLibraryCall(unittest.TestCase):
    def test_is_declared_without_holding_the_gil(self):
        # CDLL functions release the GIL; PyDLL ones (FUNCFLAG_PYTHONAPI)
        # would hold it.
        self.assertFalse(muskx._lib.lib._func_flags_
                         & ctypes._FUNCFLAG_PYTHONAPI)

    def test_lets_other_python_threads_run_while_it_integrates(self):
        """While one thread is inside a long muskx_sim_run, the main thread
        keeps executing Python: its longest pause is a fraction of the C
        call (it would be the whole call if the GIL were held)."""
        m = muskx.load(model_path("decay.yaml"))
        span = {}

        def worker():
            span["start"] = time.perf_counter()
            m.simulate(times=[0, 300], max_step=1e-3, max_steps=10 ** 7)
            span["end"] = time.perf_counter()

        th = threading.Thread(target=worker)
        stamps = []
        th.start()
        while th.is_alive():
            stamps.append(time.perf_counter())
        th.join()
        m.close()
        duration = span["end"] - span["start"]
        inside = [t for t in stamps if span["start"] <= t <= span["end"]]
        gaps = [b - a for a, b in zip(inside, inside[1:])] or [duration]
        sys.stderr.write("\n[threads] a %.3f s C call; the main thread "
                         "ran %d loops meanwhile, longest pause %.3f s\n"
                         % (duration, len(inside), max(gaps)))
        self.assertGreater(duration, 0.05, "the run was too short to tell")
        self.assertLess(max(gaps), 0.5 * duration)


class ASharedModel(unittest.TestCase):
    def test_gives_each_thread_its_own_correct_results(self):
        with muskx.load(model_path("decay.yaml")) as m:
            ks = [0.1 * (j + 1) for j in range(8)]
            with ThreadPoolExecutor(max_workers=4) as pool:
                worst = list(pool.map(lambda k: decay_job(m, k, 50), ks))
            for k, w in zip(ks, worst):
                self.assertLess(w, 100.0, "k=%g: WRMS %g" % (k, w))

    def test_can_be_closed_while_threads_still_run(self):
        m = muskx.load(model_path("decay.yaml"))
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(decay_job, m, 0.5, 20) for _ in range(4)]
            time.sleep(0.001)
            m.close()
            for f in futures:
                try:
                    self.assertLess(f.result(), 100.0)
                except muskx.MuskxError as e:
                    # runs that start after close() are refused cleanly
                    self.assertEqual(e.status, "ESTATE")
        self.assertIsNone(m._h.ptr)

    @unittest.skipUnless(os.path.exists(SPACEFLIGHT), "no spaceflight.yaml")
    def test_runs_in_parallel_threads(self):
        """64 spaceflight runs on 4 threads vs the same runs serially."""
        with muskx.load(SPACEFLIGHT) as m:
            def job(level):
                r = m.simulate(t_end=545, dt=1, rtol=1e-10, atol=1e-12,
                               inputs={"loading": ([0, 180], [0, level])})
                return r.final["muscle_pct"]

            levels = [0.25 * (i % 4) + 0.25 for i in range(64)]
            t0 = time.perf_counter()
            serial = [job(v) for v in levels]
            t1 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=4) as pool:
                parallel = list(pool.map(job, levels))
            t2 = time.perf_counter()
        for a, b in zip(serial, parallel):
            self.assertEqual(a, b)          # same settings, same run
        ratio = (t1 - t0) / max(t2 - t1, 1e-9)
        sys.stderr.write("\n[threads] 64 spaceflight runs: serial %.3f s, "
                         "4 threads %.3f s, speed-up %.2fx (cpus: %s)\n"
                         % (t1 - t0, t2 - t1, ratio, os.cpu_count()))


if __name__ == "__main__":
    unittest.main()
