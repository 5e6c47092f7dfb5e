"""population.py -- virtual crews from Python (issue 19): ensembles and
variance-based global sensitivity of a scenario, as numpy arrays.

    import muskx
    sc = muskx.load_scenario("scenarios/iss_exercise.yaml", allow_path="models")
    e = muskx.ensemble(sc, 1000, vary={"kappa_R": ("lognormal", 1.31, 0.3)},
                       threads=2, progress=lambda done, total: None)
    e.trajectories          # members x times x columns (numpy)
    e.quantiles([0.05, 0.5, 0.95])
    g = muskx.gsa(sc, {"kappa_R": ("lognormal", 1.31, 0.3),
                       "w_res": ("uniform", 0.1, 0.4)},
                  samples=256, outputs=["BMD_wb_pct@landing"])
    g.first, g.total        # outputs x varied names (numpy), g.first_lo ...

The C calls run without the GIL (ctypes.CDLL releases it), so other
Python threads go on while the thread pool works; the progress callback is
called on the calling thread, with the GIL, as done, total.
"""

import ctypes
import os
import re
import warnings

from . import _lib
from ._lib import lib, c_double_p, c_int_p, encode, text
from .errors import (MuskxError, InvalidArgumentError, error_class,
                     status_error)
from .model import _whole

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is a requirement here
    np = None

__all__ = ["ensemble", "gsa", "Population", "Sensitivity"]

_P = ctypes.c_void_p
_Z = ctypes.c_size_t
_I = ctypes.c_int
_D = ctypes.c_double
_PROGRESS = _lib.ENSEMBLE_PROGRESS
_DIST = {"normal": 0, "lognormal": 1, "uniform": 2}


class _Sobol(ctypes.Structure):
    _fields_ = [("first", _D), ("first_lo", _D), ("first_hi", _D),
                ("total", _D), ("total_lo", _D), ("total_hi", _D),
                ("n", _Z)]


_PROTOTYPES = {
    "muskx_ensemble_create": (_I, [_P, ctypes.POINTER(_P)]),
    "muskx_ensemble_free": (None, [_P]),
    "muskx_ensemble_errmsg": (ctypes.c_char_p, [_P]),
    "muskx_ensemble_vary": (_I, [_P, ctypes.c_char_p, _I, _D, _D]),
    "muskx_ensemble_set_samples": (_I, [_P, c_double_p, _Z, _Z,
                                        ctypes.POINTER(ctypes.c_char_p)]),
    "muskx_ensemble_set_scenario": (_I, [_P, _P]),
    "muskx_ensemble_set_columns": (_I, [_P, ctypes.POINTER(ctypes.c_char_p),
                                        _Z]),
    "muskx_ensemble_set_native": (_I, [_P, ctypes.c_char_p,
                                       ctypes.c_char_p]),
    "muskx_ensemble_ncols": (_I, [_P]),
    "muskx_ensemble_column_name": (ctypes.c_char_p, [_P, _I]),
    "muskx_ensemble_nvaried": (_I, [_P]),
    "muskx_ensemble_varied_name": (ctypes.c_char_p, [_P, _I]),
    "muskx_ensemble_run": (_I, [_P, _Z, _Z, ctypes.c_ulonglong, _I,
                                c_double_p, _Z, _PROGRESS, _P]),
    "muskx_ensemble_count": (_Z, [_P]),
    "muskx_ensemble_nfailed": (_Z, [_P]),
    "muskx_ensemble_sample_errmsg": (ctypes.c_char_p, [_P, _Z]),
    "muskx_ensemble_trajectories": (_I, [_P, c_double_p, _Z]),
    "muskx_ensemble_values": (_I, [_P, c_double_p, _Z]),
    "muskx_ensemble_status": (_I, [_P, c_int_p, _Z]),
    "muskx_quantiles": (_I, [c_double_p, _Z, _Z, c_double_p, _Z,
                             c_double_p]),
    "muskx_sobol_design": (_I, [_I, c_int_p, c_double_p, c_double_p, _Z,
                                ctypes.c_ulonglong, c_double_p]),
    "muskx_sobol_indices": (_I, [c_double_p, _Z, _I, _Z, ctypes.c_ulonglong,
                                 _D, ctypes.POINTER(_Sobol)]),
}
for _name, (_res, _args) in _PROTOTYPES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args
del _name, _res, _args, _fn


def _dptr(a):
    return a.ctypes.data_as(c_double_p)


def _raise(status, what):
    name = _lib.status_name(status)
    raise error_class(name)("%s: %s" % (what, name), status=name)


def _vary_dict(vary):
    """vary= as a dict {name: (distribution, a, b)}; also takes the command
    line's "NAME=DIST(A,B)" strings, one or a list (review rev27u L5: a
    list raised AttributeError)."""
    if vary is None or hasattr(vary, "items"):
        return vary
    if isinstance(vary, str):
        vary = [vary]
    if not isinstance(vary, (list, tuple)):
        raise TypeError("vary: expected a dict {name: (distribution, a, b)} "
                        "or a list of 'NAME=DIST(A,B)' strings, got %r"
                        % (vary,))
    out = {}
    for v in vary:
        m = re.match(r"\s*([^=\s]+)\s*=\s*(\w+)\s*\(\s*([^,()]+?)\s*,"
                     r"\s*([^,()]+?)\s*\)\s*$", v) \
            if isinstance(v, str) else None
        if m is None:
            raise InvalidArgumentError(
                "vary: expected 'NAME=DIST(A,B)' (e.g. "
                "'kappa_R=lognormal(1.31,0.3)') or a dict {name: "
                "(distribution, a, b)}, got %r" % (v,), status="EINVAL")
        name, dist, a, b = m.groups()
        if name in out:
            raise InvalidArgumentError("vary: %r is given twice" % name,
                                       status="EINVAL")
        try:
            out[name] = (dist, float(a), float(b))
        except ValueError:
            raise InvalidArgumentError("vary %r: %r and %r must be numbers"
                                       % (v, a, b), status="EINVAL") from None
    return out


def _distribution(name, spec):
    try:
        if isinstance(spec, str):
            raise TypeError
        dist, p1, p2 = spec
        return _DIST[dist], float(p1), float(p2)
    except (KeyError, TypeError, ValueError):
        hint = ""
        m = re.match(r"\s*(\w+)\s*\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)\s*$",
                     spec) if isinstance(spec, str) else None
        if m:  # the command line's 'lognormal(1.31,0.3)' (session 24)
            hint = ": write (%r, %s, %s)" % m.groups()
        raise InvalidArgumentError(
            "vary %r: expected (distribution, a, b) with distribution one "
            "of %s, got %r%s" % (name, ", ".join(sorted(_DIST)), spec, hint),
            status="EINVAL")


def _when(scenario, point):
    """NAME@WHEN -> (name, day), as `muskx gsa --output` reads it."""
    if "@" not in point:
        raise InvalidArgumentError("%r: expected NAME@WHEN" % point,
                                   status="EINVAL")
    name, when = point.split("@", 1)
    for pname, _start, end in scenario.phases:
        if pname == when:
            return name, end
    if when == "landing" and scenario.recovery is not None:
        return name, dict((p[0], p[2]) for p in scenario.phases)[
            scenario.recovery]
    if when == "end":
        return name, scenario.t_end
    try:
        day = float(when)
    except ValueError:
        day = -1.0
    if not 0 <= day <= scenario.t_end:
        raise InvalidArgumentError(
            "%r: %r is not a phase (%s), landing, end or a day in [0, %g]"
            % (point, when, ", ".join(p[0] for p in scenario.phases),
               scenario.t_end), status="EINVAL")
    return name, day


class Population:
    """The results of muskx.ensemble(): numpy arrays.

    times         sample times (days for a scenario)
    columns       the kept column names
    names         the varied names
    values        members x varied names: the values each member got
    trajectories  members x times x columns (NaN for a failed member)
    status        members: 0 for success, else a muskx status code
    nfailed       how many failed
    first_error   (member, why) of the first failed member, or None
    quantiles(probs) -> len(probs) x times x columns, over the successful
                  members (Hyndman & Fan definition 7, numpy's default)
    """

    def quantiles(self, probs):
        p = np.ascontiguousarray(probs, dtype=float)
        width = self.trajectories.shape[1] * self.trajectories.shape[2]
        out = np.empty((len(p), width))
        traj = np.ascontiguousarray(self.trajectories, dtype=float)
        st = lib.muskx_quantiles(_dptr(traj), traj.shape[0], width, _dptr(p),
                                 len(p), _dptr(out))
        if st != _lib.OK:
            _raise(st, "quantiles")
        return out.reshape((len(p),) + self.trajectories.shape[1:])


def _native_cache():
    """$XDG_CACHE_HOME/muskx or ~/.cache/muskx (as muskx(1)), or None."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # as muskx(1): a relative one is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    d = os.path.join(base, "muskx")
    if not os.path.isabs(d):
        return None
    try:
        os.makedirs(d, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return d


def _need_scenario(scenario, what):
    """A path gave "'str' object has no attribute '_h'"."""
    if not hasattr(scenario, "_h"):
        raise TypeError("%s() needs a Scenario (muskx.load_scenario(path)), "
                        "not %r" % (what, scenario))


def _counts(samples, seed, threads):
    """samples, seed and threads as ints: 2.5 samples ran 2 and a seed of
    -1 wrapped to 2**64 - 1 (int() and ctypes said nothing)."""
    return (_whole(samples, "samples", 1, 2**63 - 1),
            _whole(seed, "seed", 0, 2**64 - 1),
            _whole(threads, "threads", 0, 2**31 - 1))


def _run(scenario, vary=None, table=None, names=None, times=None,
         columns=None, seed=1, threads=0, progress=None, native=None,
         table_of=None):
    """The ensemble engine of ensemble() and gsa(): returns a Population.
    table_of: the distributions the table was drawn from ({name: spec},
    gsa()'s design), checked as vary is (their share outside a declared
    min/max, session 28) on an ensemble of their own."""
    if np is None:
        raise MuskxError("muskx.ensemble needs numpy", status="ESTATE")
    sc_ptr = scenario._h.acquire()
    ens = _P()
    try:
        m_ptr = lib.muskx_scenario_model(sc_ptr)
        st = lib.muskx_ensemble_create(m_ptr, ctypes.byref(ens))
        if st != _lib.OK:
            _raise(st, "ensemble")

        def check(status, what, name=None):
            """name: the name a NameNotFoundError carries (or a callable
            that finds it, called only on failure)."""
            if status != _lib.OK:
                raise status_error(
                    _lib.status_name(status),
                    "%s: %s" % (what, text(lib.muskx_ensemble_errmsg(ens))),
                    status, name)

        check(lib.muskx_ensemble_set_scenario(ens, sc_ptr), "scenario")
        if table_of:
            chk = _P()
            st = lib.muskx_ensemble_create(m_ptr, ctypes.byref(chk))
            if st != _lib.OK:
                _raise(st, "ensemble")
            try:
                for name, spec in table_of.items():
                    d, p1, p2 = _distribution(name, spec)
                    st = lib.muskx_ensemble_vary(chk, encode(name), d, p1, p2)
                    if st != _lib.OK:
                        raise status_error(
                            _lib.status_name(st), "vary %r: %s" % (
                                name, text(lib.muskx_ensemble_errmsg(chk))),
                            st, name)
            finally:
                lib.muskx_ensemble_free(chk)
        for name, spec in (_vary_dict(vary) or {}).items():
            d, p1, p2 = _distribution(name, spec)
            check(lib.muskx_ensemble_vary(ens, encode(name), d, p1, p2),
                  "vary %r" % name, name)
        count = None
        if table is not None:
            tab = np.ascontiguousarray(table, dtype=float)
            cnames = (ctypes.c_char_p * len(names))(*[encode(n) for n in names])
            check(lib.muskx_ensemble_set_samples(ens, _dptr(tab), tab.shape[0],
                                                 tab.shape[1], cnames),
                  "samples table",
                  lambda: scenario.model._unknown(
                      names, scenario.model.VARY_KINDS))
            count = tab.shape[0]
        cols = list(columns) if columns is not None else scenario.columns
        carr = (ctypes.c_char_p * len(cols))(*[encode(c) for c in cols])
        check(lib.muskx_ensemble_set_columns(ens, carr, len(cols)), "columns",
              lambda: scenario.model._unknown(
                  cols, scenario.model.COLUMN_KINDS))
        if native:
            cache = _native_cache()
            if lib.muskx_ensemble_set_native(
                    ens, encode(native),
                    encode(cache) if cache else None) != _lib.OK:
                warnings.warn(text(lib.muskx_ensemble_errmsg(ens)),
                              RuntimeWarning, stacklevel=3)
        if times is None:
            n = lib.muskx_scenario_sample_times(sc_ptr, None, 0)
            t = np.empty(n)
            lib.muskx_scenario_sample_times(sc_ptr, _dptr(t), n)
        else:
            t = np.ascontiguousarray(times, dtype=float)
        return count, ens, check, t, cols
    except BaseException:
        lib.muskx_ensemble_free(ens)
        scenario._h.release()
        raise


def _execute(scenario, setup, samples, seed, threads, progress):
    count, ens, check, t, cols = setup
    n = samples if count is None else count
    try:
        if progress is not None:
            cb = _PROGRESS(lambda _ctx, done, total: progress(done, total))
        else:
            cb = _PROGRESS()
        check(lib.muskx_ensemble_run(ens, 0, int(n), int(seed), int(threads),
                                     _dptr(t), len(t), cb, None), "run")
        nc = lib.muskx_ensemble_ncols(ens)
        nv = lib.muskx_ensemble_nvaried(ens)
        r = Population()
        r.times = t
        r.columns = cols
        r.names = [text(lib.muskx_ensemble_varied_name(ens, j))
                   for j in range(nv)]
        r.trajectories = np.empty((n, len(t), nc))
        r.values = np.empty((n, nv))
        r.status = np.empty(n, dtype=np.intc)
        check(lib.muskx_ensemble_trajectories(ens, _dptr(r.trajectories),
                                              r.trajectories.size), "results")
        if nv:
            check(lib.muskx_ensemble_values(ens, _dptr(r.values),
                                            r.values.size), "results")
        check(lib.muskx_ensemble_status(
            ens, r.status.ctypes.data_as(c_int_p), n), "results")
        r.nfailed = int(lib.muskx_ensemble_nfailed(ens))
        r.first_error = None
        if r.nfailed:
            k = int(np.flatnonzero(r.status != _lib.OK)[0])
            r.first_error = (k, text(lib.muskx_ensemble_sample_errmsg(ens, k)))
        return r
    finally:
        lib.muskx_ensemble_free(ens)
        scenario._h.release()



def ensemble(scenario, samples, vary=None, columns=None, times=None, seed=1,
             threads=0, progress=None, native=None):
    """Runs `samples` members of a scenario, each with its own values of
    the `vary` names ({name: (distribution, a, b)} with distribution
    "lognormal" (median, cv), "normal" (mean, sd) or "uniform" (low,
    high), or the command line's "NAME=DIST(A,B)" strings, one or a
    list), drawn from (seed, member) so the result does not depend on
    `threads` (0: one per processor). columns: the kept columns (default
    the scenario's); times: sample times in days (default the scenario's;
    the members always run from day 0, where the scenario begins).
    progress(done, total) is called as members finish. native: a C
    compiler command (e.g. "cc") to run the members' right-hand side and
    Jacobian as native code, cached in ~/.cache/muskx (muskx(1),
    --native; the same numbers bit for bit, about 1.75x the members per
    CPU-second); without a working compiler a RuntimeWarning says why and
    the VM runs them. A name the scenario's own set: (or set()) gives, or
    every one of its phases, cannot be varied: InvalidArgumentError (the
    draws would replace the scenario's value, or the phases' values the
    draws'); gsa() and compare(bands=True) likewise. Returns a Population
    (a virtual crew's results; Model.ensemble() returns an Ensemble of a
    plain model run)."""
    _need_scenario(scenario, "ensemble")
    samples, seed, threads = _counts(samples, seed, threads)
    # The members run from day 0, where the scenario begins; times=[75,
    # 150] started them at day 75 from the day-0 state, the phases before
    # left out. Day 0 is run and its row dropped.
    extra = times is not None and len(times) > 0 and times[0] != 0
    if extra:
        times = [0.0] + [float(x) for x in times]
    setup = _run(scenario, vary=vary, times=times, columns=columns,
                 native=native)
    r = _execute(scenario, setup, samples, seed, threads, progress)
    if extra:
        r.times = r.times[1:]
        r.trajectories = np.ascontiguousarray(r.trajectories[:, 1:, :])
    return r


class Sensitivity:
    """The results of muskx.gsa(): numpy arrays of outputs x names.

    outputs, names        the NAME@WHEN results and the varied names
    first, first_lo, first_hi   first-order Sobol indices and interval
    total, total_lo, total_hi   total indices and interval
    n                     base samples used (all their runs succeeded)
    """


def gsa(scenario, vary, samples, outputs, bootstrap=500, level=0.95, seed=1,
        threads=0, progress=None, native=None):
    """First-order and total Sobol indices of each output (NAME@WHEN: a
    phase's end, landing, end, or a day) with respect to each `vary` name
    ({name: (distribution, a, b)} as for ensemble()): Saltelli design of
    `samples` base samples on a Sobol' sequence, samples * (k + 2) runs on
    the thread pool, Jansen's estimators, percentile bootstrap intervals
    (`bootstrap` resamples drawn from `seed`, central `level`). The same
    numbers as `muskx gsa` and for any `threads`; native as for
    ensemble(). A distribution of which more than 0.1 % lies outside a
    parameter's or an input's declared min/max is refused before any run
    (InvalidArgumentError), as ensemble() refuses it. Returns a
    Sensitivity."""
    _need_scenario(scenario, "gsa")
    samples, seed, threads = _counts(samples, seed, threads)
    bootstrap = _whole(bootstrap, "bootstrap", 0, 1000000)
    # checked before the runs, not after them ("Sobol indices: EINVAL")
    if isinstance(level, (str, bytes, bool)) or not 0 < float(level) < 1:
        raise InvalidArgumentError("gsa: level must be a number in (0, 1) "
                                   "(0.95: a 95 %% interval), not %r"
                                   % (level,), status="EINVAL")
    vary = _vary_dict(vary) or {}  # also "NAME=DIST(A,B)" strings
    names = list(vary)
    k = len(names)
    if k == 0 or not outputs:
        raise InvalidArgumentError("gsa needs at least one vary name and "
                                   "one output", status="EINVAL")
    specs = [_distribution(n, vary[n]) for n in names]
    dist = (ctypes.c_int * k)(*[s[0] for s in specs])
    p1 = np.array([s[1] for s in specs])
    p2 = np.array([s[2] for s in specs])
    n = int(samples)
    design = np.empty((n * (k + 2), k))
    st = lib.muskx_sobol_design(k, dist, _dptr(p1), _dptr(p2), n, int(seed),
                                _dptr(design))
    if st != _lib.OK:
        _raise(st, "the sampling design")
    points = [_when(scenario, o) for o in outputs]
    times = sorted(set([0.0] + [d for _, d in points]))
    cols = []
    for name, _ in points:
        if name not in cols:
            cols.append(name)
    setup = _run(scenario, table=design, names=names, times=times,
                 columns=cols, native=native, table_of=vary)
    r = _execute(scenario, setup, None, seed, threads, progress)
    res = Sensitivity()
    res.outputs = list(outputs)
    res.names = names
    fields = ["first", "first_lo", "first_hi", "total", "total_lo",
              "total_hi"]
    for f in fields:
        setattr(res, f, np.empty((len(outputs), k)))
    res.n = np.empty((len(outputs), k), dtype=np.int64)
    out = (_Sobol * k)()
    for i, (name, day) in enumerate(points):
        y = np.ascontiguousarray(
            r.trajectories[:, times.index(day), cols.index(name)])
        st = lib.muskx_sobol_indices(_dptr(y), n, k, int(bootstrap),
                                     int(seed), float(level), out)
        if st != _lib.OK:
            _raise(st, "Sobol indices")
        for j in range(k):
            for f in fields:
                getattr(res, f)[i, j] = getattr(out[j], f)
            res.n[i, j] = out[j].n
    return res
