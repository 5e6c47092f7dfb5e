"""scenario.py -- scenarios (muskx-scenario(5)): a model, a timeline of
phases with input values, countermeasures and the columns to report.

    sc = muskx.load_scenario("scenarios/iss_exercise.yaml")   # or muskx.Scenario(path)
    run = sc.run()                       # a ScenarioResult (a Result)
    run["BMD_wb_pct"], run.summary["BMD_wb_pct"]["loss"]
    run = muskx.run_scenario("scenarios/iss_exercise.yaml", set={"w_res": 0.5})
    print(muskx.compare("a.yaml", "b.yaml"))

A Scenario owns its C handle and the model it loaded (sc.model, a Model
that lives as long as the scenario). Scenario.run() may be called from
several threads at once; Scenario.set() waits for runs under way and
blocks new ones while it changes the scenario.
"""

import ctypes
import math
import os
import sys
import threading
import warnings
import weakref
from concurrent.futures import ThreadPoolExecutor

from . import _lib
from ._lib import lib, text, encode, status_name
from .errors import (error_class, status_error, MuskxError,
                     InvalidArgumentError)
from .model import Model, _Handle, _Sim, _ptr, _number, _open, _handle_ptr
from .result import Result, numpy, new_buffer

__all__ = ["Scenario", "ScenarioResult", "Comparison", "load_scenario",
           "run_scenario", "compare"]


def load_scenario(path, allow_path=None):
    """Loads a scenario file and the model it names; returns a Scenario.

    allow_path: a folder, or a list of folders, that its model may come
    from besides the scenario's own folder (also MUSKX_ALLOW_PATH;
    muskx(3), File access).

    Raises ModelError ("file:line:col: message", the model's own file and
    position when the model is at fault), ModelFileError when a file
    cannot be read.
    """
    sc = Scenario(_load_handle(path, allow_path))
    sc._allow_path = _where(path, allow_path)[1]
    return sc


def _where(path, allow_path):
    """(path, allow_path) as load_scenario() reads them: a shipped
    scenario's name ("iss_exercise") becomes its file, with the data root
    allowed."""
    from . import _data
    found, root = _data.find(path, "scenario")
    if found is not None:
        return found, _data.with_root(allow_path, root)
    return path, allow_path


def _load_handle(path, allow_path=None):
    """The C handle of the scenario file at path (or a shipped scenario's
    name), as load_scenario() opens it."""
    path, allow_path = _where(path, allow_path)
    return _open(lib.muskx_scenario_load_file_with, allow_path,
                 os.fsencode(path))


def run_scenario(path_or_scenario, set=None, allow_path=None):
    """Runs a scenario (a path or a Scenario) and returns its
    ScenarioResult. set: dict name -> value overriding the file's `set:`
    entries (parameters, initial values, input baselines). A Scenario runs
    as loaded, with its own set() values, then these
    (muskx_scenario_run_with()): the shared object is not changed, and a
    file edited or removed on disk since it was loaded does not matter; a
    start warning these values raise (start: defaults off their steady
    state; muskx_scenario_start_warning_with()), and one about a
    non-zero built-in dose parameter such as dmab_dose (the model's own
    regimen switched on), are issued as RuntimeWarnings, as sc.set()
    issues them, unless the Scenario already has the same text; a
    built-in dose with a drug: entry of that agent in the scenario is
    refused (InvalidArgumentError), as sc.set() refuses it. A path is loaded for the run, with set applied by
    sc.set().
    allow_path: as for load_scenario()."""
    if set is not None and not hasattr(set, "items"):
        raise TypeError("set must be a mapping of names to values, not %r"
                        % (set,))
    if isinstance(path_or_scenario, Scenario):
        return path_or_scenario._run_counted(dict(set) if set else None)
    with load_scenario(path_or_scenario, allow_path) as sc:
        for name, value in (set or {}).items():
            sc.set(name, value)
        return sc.run()


_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# A start warning's size in C (lib/scenario.h: MUSKX_ERROR_MESSAGE_MAX +
# MUSKX_ERROR_FILE_MAX + 32, its terminating NUL included).
_WARNING_MAX = _lib._ERROR_MESSAGE_MAX + _lib._ERROR_FILE_MAX + 32


def _issue(new):
    """Issues each warning text as a RuntimeWarning at the first frame
    outside the muskx package (the caller's line that loaded or set, however
    many of our functions lie between); call it with no lock held, since
    under the filter 'error' it raises."""
    if not new:
        return
    level, f = 2, sys._getframe(1)
    while f is not None and os.path.abspath(
            f.f_code.co_filename).startswith(_HERE):
        level, f = level + 1, f.f_back
    for w in new:
        warnings.warn(w, RuntimeWarning, stacklevel=level)


class _Borrowed:
    """The model handle of a scenario: using it holds the scenario."""

    def __init__(self, owner, model_ptr):
        self.owner = owner
        self.ptr = model_ptr

    def acquire(self):
        self.owner.acquire()
        return self.ptr

    def release(self):
        self.owner.release()

    def close(self):
        pass

    closed = property(lambda self: self.owner.closed)


class Scenario:
    """A loaded scenario. Create one with muskx.load_scenario(path) or
    muskx.Scenario(path) (the same).

    id, name, description, source, references   its header
    model        the Model it runs (owned by the scenario)
    phases       list of (name, start, end) in days
    recovery     the phase whose end starts recovery, or None
    t_end, dt    end of the last phase and the sampling interval (days)
    columns      the reported columns (model outputs or species)
    show         dict column -> "value", "pct_change" or "change": how
                 summaries show it relative to its value at t = 0
    warnings     list of "file:line:col: warning: ..." lines about a
                 scenario that runs but probably not as meant (start:
                 defaults with set: values that are no steady state; a
                 drug's inclusive until: dosing on a later phase's
                 first day);
                 each is also issued as a RuntimeWarning at load and by
                 set()

    Methods: run(), set(name, value), close(); usable in a `with` block.
    """

    def __init__(self, handle, allow_path=None):
        # muskx.Scenario(path, allow_path) is muskx.load_scenario(path,
        # allow_path); otherwise the handle load_scenario() opened.
        if isinstance(handle, (str, os.PathLike)):
            handle, allow_path = _where(handle, allow_path)
            handle = _load_handle(handle, allow_path)
        ptr = _handle_ptr(handle, "Scenario", "muskx.load_scenario(path)")
        self._h = _Handle(ptr, lib.muskx_scenario_free, what="scenario")
        self._finalizer = weakref.finalize(self, self._h.close)
        self._rw = threading.Condition()
        self._runs = 0
        self._allow_path = allow_path
        self.model = Model(lib.muskx_scenario_model(ptr),
                           _borrowed=_Borrowed(self._h,
                                               lib.muskx_scenario_model(ptr)))
        self.id = text(lib.muskx_scenario_id(ptr))
        self.name = text(lib.muskx_scenario_name(ptr))
        self.description = text(lib.muskx_scenario_description(ptr))
        self.source = text(lib.muskx_scenario_source(ptr))
        self.references = [
            text(lib.muskx_scenario_reference(ptr, i))
            for i in range(lib.muskx_scenario_reference_count(ptr))]
        self.phases = [
            (text(lib.muskx_scenario_phase_name(ptr, i)),
             lib.muskx_scenario_phase_start(ptr, i),
             lib.muskx_scenario_phase_end(ptr, i))
            for i in range(lib.muskx_scenario_phase_count(ptr))]
        rec = lib.muskx_scenario_recovery_phase(ptr)
        self.recovery = self.phases[rec][0] if rec >= 0 else None
        self.warnings = []
        new = self._read_warnings(ptr)
        self.t_end = lib.muskx_scenario_t_end(ptr)
        self.dt = lib.muskx_scenario_dt(ptr)
        n = lib.muskx_scenario_report_count(ptr)
        self.columns = [text(lib.muskx_scenario_report_name(ptr, i))
                        for i in range(n)]
        self.show = {}
        for i, c in enumerate(self.columns):
            k = lib.muskx_scenario_report_show(ptr, i)
            self.show[c] = _lib.SHOW[k] if 0 <= k < len(_lib.SHOW) else "value"
        _issue(new)

    def __repr__(self):
        return "<muskx.Scenario %r: model %r, %d phases, %g days%s>" % (
            self.id, self.model.id, len(self.phases), self.t_end,
            " (closed)" if self._h.closed else "")

    def close(self):
        """Frees the scenario and its model (idempotent)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _read_warnings(self, ptr):
        """Reads the scenario's warnings into self.warnings; returns those
        not issued yet, for _issue() once no lock is held."""
        now = [text(lib.muskx_scenario_warning(ptr, i))
               for i in range(lib.muskx_scenario_warning_count(ptr))]
        new = [w for w in now if w not in self.warnings]
        self.warnings = now
        return new

    def set(self, name, value):
        """Overrides (or adds) a `set:` entry -- a parameter, a species'
        initial value or an input's baseline -- for later runs. Raises
        NameNotFoundError (a KeyError) or InvalidArgumentError."""
        with self._rw:
            while self._runs:
                self._rw.wait()
            ptr = self._h.acquire()
            new = []
            try:
                st = lib.muskx_scenario_set(ptr, encode(name),
                                            _number(value, name))
                msg = text(lib.muskx_scenario_errmsg(ptr))
                if st == _lib.OK:
                    new = self._read_warnings(ptr)
            finally:
                self._h.release()
        _issue(new)
        if st != _lib.OK:
            raise status_error(status_name(st), msg or _lib.strerror(st), st,
                               name)

    def run(self):
        """Runs the scenario (steady start, phases, countermeasures) at its
        sample times; returns a ScenarioResult. Raises SolverError (with
        .result, the rows before the failure; its summary covers the
        phases reached) or ConvergenceError (no steady start)."""
        return self._run_counted(None)

    def _run_counted(self, extra):
        with self._rw:
            self._runs += 1
        try:
            if extra:
                _issue(self._start_warning(extra))
            return self._run(extra)
        finally:
            with self._rw:
                self._runs -= 1
                self._rw.notify_all()

    def _start_warning(self, extra):
        """[the start warning, the built-in dose warning] that a run with
        extra (dict name -> value) applied after the set: entries would
        raise, each unless self.warnings already has it; [] also when the C side refuses the values (the
        run then raises that error)."""
        names = list(extra)
        try:
            vals = (ctypes.c_double * len(names))(
                *[_number(extra[k], k) for k in names])
        except (TypeError, ValueError, InvalidArgumentError):
            return []
        cnames = (ctypes.c_char_p * len(names))(*[encode(k) for k in names])
        buf = ctypes.create_string_buffer(_WARNING_MAX)
        err = _lib.Error()
        st = lib.muskx_scenario_start_warning_with(
            self._h.ptr, len(names), cnames, vals, buf, _WARNING_MAX,
            ctypes.byref(err))
        w = text(buf.value) if st == _lib.OK else ""
        # one line each: the start warning, a built-in dose's (dmab_dose)
        return [x for x in w.split("\n") if x and x not in self.warnings]

    def _run(self, extra=None):
        """A run, with extra (dict name -> value, or None) applied after
        the scenario's set: entries without changing it."""
        extra_set = bool(extra)
        if extra:
            names = list(extra)
            vals = (ctypes.c_double * len(names))(
                *[_number(extra[k], k) for k in names])
            cnames = (ctypes.c_char_p * len(names))(
                *[encode(k) for k in names])
        with _Sim(self.model) as sim:
            scp = self._h.ptr
            n = lib.muskx_scenario_sample_times(scp, None, 0)
            times = new_buffer(n)
            lib.muskx_scenario_sample_times(scp, _ptr(times), n)
            ncols = len(self.columns)
            if numpy is not None:
                data = numpy.zeros((n, ncols), dtype=numpy.float64)
            else:
                data = new_buffer(n * ncols)
            rows = ctypes.c_size_t(0)
            if extra:
                status = lib.muskx_scenario_run_with(
                    scp, sim.ptr, len(names), cnames, vals, _ptr(data), n,
                    ctypes.byref(rows))
            else:
                status = lib.muskx_scenario_run(scp, sim.ptr, _ptr(data), n,
                                                ctypes.byref(rows))
            result = ScenarioResult(self, times, data, rows.value,
                                    sim.stats(), status == _lib.OK)
            if status != _lib.OK:
                extra = {}
                if error_class(status_name(status)).__name__ == "SolverError":
                    extra = {"time": lib.muskx_sim_fail_time(sim.ptr),
                             "result": result}
                # ENOTFOUND from run_with: the first of set='s names the
                # model lacks, as the C side checks them
                sim.check(status, self.model._unknown(names if extra_set
                                                      else ()), **extra)
        return result


class ScenarioResult(Result):
    """The run of a scenario: a Result over the scenario's reported
    columns (raw values), plus

    scenario_id, phases, recovery   copied from the Scenario
    show                            dict column -> how it is shown
    shown(column)                   the column as shown: the value, its %
                                    change or its change from t = 0
    summary                         dict column -> statistics:
        baseline, loss, half_recovery, peak, peak_time, trough,
        trough_time (whole run), and "phases": {phase: {end, peak,
        peak_time, trough, trough_time}}; nan where not reached
    """

    def __init__(self, scenario, times, data, rows, stats, complete):
        model = scenario.model
        units = {c: model._meta[c]["unit"] for c in scenario.columns
                 if c in model._meta}
        super().__init__(times, data, rows, [], scenario.columns, stats,
                         complete, model.id, units=units,
                         time_unit=model.time_unit)
        self.scenario_id = scenario.id
        self.phases = list(scenario.phases)
        self.recovery = scenario.recovery
        self.show = dict(scenario.show)
        self.summary = {}
        self._baseline = {}
        self._summarise(scenario)

    def _summarise(self, scenario):
        if self._rows == 0:
            return
        out = ctypes.c_void_p()
        st = lib.muskx_summary_compute(scenario._h.ptr, _ptr(self._times),
                                       _ptr(self._data), self._rows,
                                       ctypes.byref(out))
        if st != _lib.OK:
            raise error_class(status_name(st))(
                "cannot summarise the run: %s" % _lib.strerror(st),
                status=status_name(st), code=st)
        try:
            S = {k: i for i, k in enumerate(_lib.SUMMARY_STATS)}
            get = lib.muskx_summary_get
            for j, col in enumerate(self.columns):
                d = {k: get(out, S[k], j, -1) for k in (
                    "baseline", "loss", "half_recovery", "peak",
                    "peak_time", "trough", "trough_time")}
                d["phases"] = {
                    name: {k: get(out, S[k], j, p) for k in (
                        "end", "peak", "peak_time", "trough", "trough_time")}
                    for p, (name, _, _) in enumerate(self.phases)}
                self.summary[col] = d
                self._baseline[col] = d["baseline"]
        finally:
            lib.muskx_summary_free(out)

    def shown(self, column):
        """The column as the scenario shows it (see .show)."""
        raw = self[column]
        how = self.show.get(column, "value")
        x0 = self._baseline.get(column, float("nan"))
        if how == "pct_change":
            f = (lambda x: 100.0 * (x - x0) / x0) if x0 else (
                lambda x: float("nan"))
        elif how == "change":
            f = lambda x: x - x0  # noqa: E731
        else:
            return raw
        if numpy is not None and isinstance(raw, numpy.ndarray):
            return f(raw)
        return [f(x) for x in raw]

    def __repr__(self):
        return "<muskx.ScenarioResult %r: %d rows x %d columns%s>" % (
            self.scenario_id, len(self), len(self.columns),
            "" if self.complete else ", partial")


class Comparison:
    """Runs of several scenarios side by side (see compare()).

    results   dict scenario id -> ScenarioResult, in the order given
    columns   the columns compared (those every run reports)
    table()   a text table: for each column, its shown value at the end of
              each phase and its "loss": the change from day 0 at the end
              of the phase the scenario recovers from (its recovery_from,
              by default the phase before the last, e.g. the flight), not
              what is left after recovery; in a two-phase trial that is the
              first, steady phase, so the loss is 0 there (give
              recovery_from). One line per scenario (with bands, four more
              lines under each: see compare())
    bands, diff, nsets, nfailed   compare(bands=True)'s prediction bands
              (None without bands)
    """

    def __init__(self, results, columns=None):
        self.results = results
        common = None
        for r in results.values():
            common = [c for c in (common if common is not None
                                  else r.columns) if c in r.columns]
        self.columns = list(columns) if columns else (common or [])
        self.bands = self.diff = None
        self.nsets, self.nfailed = 0, {}

    def _add_bands(self, scenarios, set, allow_path, vary, params, samples,
                   seed, threads):
        """compare(bands=True): .bands, .diff, .nsets, .nfailed."""
        from .population import _counts
        table = _param_table(params) if params is not None else None
        n = samples if samples is not None else (
            len(table[1]) if table is not None else 200)
        n, seed, threads = _counts(n, seed, threads or 0)  # 2.5 sets: refused
        if n < 2:  # "a band" of one set (review rev27u L4)
            raise InvalidArgumentError(
                "bands over %d parameter set: a band needs at least 2 (give "
                "samples=2 or more%s)" % (n, ", or more rows of params"
                                          if table is not None else ""),
                status="EINVAL")
        if table is not None and n > len(table[1]):
            raise InvalidArgumentError(
                "samples=%d, but params has %d parameter sets"
                % (n, len(table[1])), status="EINVAL")
        # a set= name the sets also give would be replaced by them: the
        # line would lie outside its own band (review rev27u M1)
        for name in (set or {}):
            by = ("vary=" if name in (vary or {}) else "params="
                  if table is not None and name in table[0] else None)
            if by:
                raise InvalidArgumentError(
                    "set= and %s both give %r: every parameter set would "
                    "replace the set= value, so the bands would not describe "
                    "the set= scenario (its line would lie outside its own "
                    "band). Drop it from set= to let it vary (to centre it "
                    "on %g, make that the distribution's median or mean), "
                    "or from %s to keep it fixed"
                    % (by, name, float(set[name]), by), status="EINVAL")
        if table is not None:
            table = (table[0], table[1][:n])
        arms = []
        for s, key in zip(scenarios, self.results):
            arms.append((key,) + _band_sets(s, set, allow_path, vary,
                                            table, n, seed, threads))
        self.nsets = n
        self.bands, self.diff, self.nfailed = {}, {}, {}
        key0, info0, t0, y0, _ = arms[0]
        for key, info, t, y, (nfailed, first) in arms:
            if nfailed == n:
                raise MuskxError("bands of %r: every parameter set failed; "
                                 "the first: %s" % (key, first[1]),
                                 status="ENOTCONV")
            if nfailed:  # review rev27u M2: say why, as the CLI does
                warnings.warn(
                    "%s: bands: %d of %d parameter sets failed and are left "
                    "out (the bands of this scenario use %d); the first, set "
                    "%d: %s" % (key, nfailed, n, n - nfailed, first[0] + 1,
                                first[1]), RuntimeWarning, stacklevel=3)
            self.nfailed[key] = nfailed
            self.bands[key], self.diff[key] = {}, {}
            for col in self.columns:
                if col not in info[2]:
                    continue
                c = info[2].index(col)
                self.bands[key][col], self.diff[key][col] = {}, {}
                for name, _start, end in info[1]:
                    i = _end_sample(t, end)
                    q = _quantiles_of(y[:, i:i + 1, c], [0.05, 0.95])
                    self.bands[key][col][name] = (float(q[0, 0]),
                                                  float(q[1, 0]))
                    ends0 = dict((p[0], p[2]) for p in info0[1])
                    if key == key0 or name not in ends0 or \
                            col not in info0[2]:
                        continue
                    i0 = _end_sample(t0, ends0[name])
                    d = y[:, i, c] - y0[:, i0, info0[2].index(col)]
                    q = _quantiles_of(d[:, None], [0.05, 0.95])
                    self.diff[key][col][name] = (float(q[0, 0]),
                                                 float(q[1, 0]))

    def table(self):
        lines = []
        for col in self.columns:
            first = next(iter(self.results.values()))
            phases = [p[0] for p in first.phases]
            lines.append("%s (%s)" % (col, first.show.get(col, "value")))
            # one blank at least between two headings ("end flightend
            # postflight" ran together)
            w = max([14] + [len("end " + p) + 2 for p in phases])
            head = "  %-24s" % "scenario" + "".join(
                "%*s" % (w, "end " + p) for p in phases) + "%14s" % "loss"
            lines.append(head)
            for sid, r in self.results.items():
                s = r.summary.get(col)
                if s is None:
                    continue
                cells = "".join("%*.4g" % (w, s["phases"].get(p, {}).get(
                    "end", math.nan)) for p in phases)
                lines.append("  %-24s%s%14.4g" % (sid[:24], cells, s["loss"]))
                for label, src, k in (("band 5 %", self.bands, 0),
                                      ("band 95 %", self.bands, 1),
                                      ("minus first, 5 %", self.diff, 0),
                                      ("minus first, 95 %", self.diff, 1)):
                    got = (src or {}).get(sid, {}).get(col)
                    if not got:
                        continue
                    lines.append("    %-22s%s" % (label, "".join(
                        "%*.4g" % (w, got.get(p, (math.nan, math.nan))[k])
                        for p in phases)))
        if self.bands is not None:
            # the CLI's clause for failed sets (review rev24a: missing),
            # with the sets used per scenario (review rev27u M2) and the
            # advice for few sets (L5)
            used = self.nsets - max(self.nfailed.values() or [0])
            lines.append("bands: 5 %% and 95 %% quantiles over %d parameter "
                         "sets (the same in every scenario), at the end of "
                         "each phase%s%s" % (
                             self.nsets,
                             "; some sets failed and are left out (why: the "
                             "warning), sets used: " + ", ".join(
                                 "%s %d" % (k, self.nsets - f)
                                 for k, f in self.nfailed.items())
                             if any(self.nfailed.values()) else "",
                             "; with 20 sets or fewer they lie between the "
                             "two lowest and the two highest sets, not a 90 "
                             "% band of a population (use samples=200 for "
                             "one)" if used <= 20 else ""))
        return "\n".join(lines)

    __str__ = table

    def plot(self, columns=None, show=False, title=None):
        """One panel per column, one line per scenario as shown (value, %
        change...), phases shaded, units on the axes; needs matplotlib.
        Returns the Figure."""
        from .plotting import plot_comparison
        return plot_comparison(self, columns, show=show, title=title)

    def to_pandas(self):
        """A long pandas DataFrame: scenario, time, then each compared
        column as shown; df.attrs["units"] the raw units."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas (Debian: apt-get "
                              "install python3-pandas)") from None
        frames = []
        for sid, r in self.results.items():
            d = {"scenario": [sid] * len(r), "time": list(r.time)}
            for c in self.columns:
                d[c] = list(r.shown(c))
            frames.append(pandas.DataFrame(d))
        df = pandas.concat(frames, ignore_index=True) if frames else \
            pandas.DataFrame()
        first = next(iter(self.results.values()), None)
        df.attrs["units"] = dict(first.units) if first else {}
        return df

    def _repr_html_(self):
        import html as _html
        return "<pre>%s</pre>" % _html.escape(self.table())

    def __repr__(self):
        return "<muskx.Comparison of %s>" % ", ".join(self.results)


def _param_table(params):
    """params= of compare(): a CSV path (a header of names, one parameter
    set per row, as muskx compare --params-csv) or a dict name ->
    sequence; returns (names, rows)."""
    import csv
    if hasattr(params, "items"):
        names = list(params)
        cols = [[float(x) for x in params[k]] for k in names]
        if len({len(c) for c in cols}) > 1:
            raise InvalidArgumentError(
                "params: every name needs the same number of values, got %s"
                % ", ".join("%s %d" % (k, len(c)) for k, c in zip(names, cols)),
                status="EINVAL")
        return names, [list(r) for r in zip(*cols)]
    with open(params, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    if not rows:
        raise InvalidArgumentError("params %r: an empty file (want a header "
                                   "of names and one set per row)" % params,
                                   status="EINVAL")
    names = [n.strip() for n in rows[0]]
    try:
        vals = [[float(x) for x in r] for r in rows[1:]]
    except ValueError as e:
        raise InvalidArgumentError("params %r: %s" % (params, e),
                                   status="EINVAL") from None
    return names, vals


def _end_sample(times, end):
    """The sample at a phase's end (sample times include it), as `muskx
    compare` takes it."""
    i = 0
    while i + 1 < len(times) and times[i + 1] <= end:
        i += 1
    return i


def _band_sets(s, set, allow_path, vary, table, samples, seed, threads):
    """One arm of compare(bands=True) of s (a path, or a Scenario as it is
    loaded, with its set() values): (Scenario info, times, shown values,
    sets x times x columns, NaN for a failed set, (nfailed, first_error)).

    A Scenario is run as loaded, not reloaded from its file (session 25:
    a file edited on disk after loading gave the edited file's bands
    beside the loaded scenario's central line): set= goes into every
    parameter set as a constant column, which the ensemble applies as the
    scenario's last set: entries (muskx_ensemble_set_scenario()), as
    sc.set() would, without changing the shared object; a name that vary=
    or params= also gives is refused by compare() (review rev27u M1)."""
    from . import population
    import numpy as np
    own = not isinstance(s, Scenario)
    sc = load_scenario(s, allow_path) if own else s
    try:
        names, rows = table if table is not None else (None, None)
        given = {*(vary or {}), *(names or [])}  # set is the argument
        extra = [(k, float(v)) for k, v in (set or {}).items()
                 if k not in given]
        if extra:
            base = rows if rows is not None else [[]] * samples
            names = list(names or []) + [k for k, _ in extra]
            rows = [list(r) + [v for _, v in extra] for r in base]
        setup = population._run(sc, vary=vary, table=rows, names=names)
        pop = population._execute(sc, setup, samples, seed, threads, None)
        y = np.array(pop.trajectories, dtype=float)
        for c, col in enumerate(pop.columns):
            how = sc.show.get(col, "value")
            y0 = y[:, :1, c].copy()
            if how == "pct_change":
                with np.errstate(divide="ignore", invalid="ignore"):
                    y[:, :, c] = np.where(y0 != 0, 100.0 * (y[:, :, c] - y0)
                                          / y0, np.nan)
            elif how == "change":
                y[:, :, c] = y[:, :, c] - y0
        info = (sc.id, list(sc.phases), list(pop.columns))
        return info, np.asarray(pop.times, dtype=float), y, (
            pop.nfailed, pop.first_error)
    finally:
        if own:
            sc.close()


def _quantiles_of(values, probs):
    """lib.muskx_quantiles of values (sets x width), NaN skipped: the
    function `muskx compare --bands` uses."""
    from .population import Population
    import numpy as np
    p = Population()
    p.trajectories = np.ascontiguousarray(values, dtype=float)[:, :, None]
    return p.quantiles(probs)[:, :, 0]


def compare(*scenarios, columns=None, threads=None, set=None,
            allow_path=None, bands=False, vary=None, params=None,
            samples=None, seed=1):
    """Runs several scenarios (paths or Scenario objects), in parallel
    threads, and returns a Comparison; print() it for a table.

        print(muskx.compare("scenarios/none.yaml", "scenarios/ared.yaml"))

    set: overrides applied to every scenario (see run_scenario()).
    Scenario ids must differ; a repeated id gets a "#2" suffix.

    bands=True: 90 % prediction bands from parameter uncertainty, as
    `muskx compare --bands` (muskx(1)): every scenario is run once per
    parameter set -- drawn from vary ({name: (distribution, a, b)} as for
    muskx.ensemble(), or the command line's "NAME=DIST(A,B)" strings, one
    or a list; set i from (seed, i), so the same in every scenario)
    and/or read from params (a CSV path with a header of names, one set
    per row, e.g. models/calibration/spaceflight/fit/draws.csv, or a dict
    name -> values); samples sets (default: the rows of params, else
    200). The Comparison then has .bands[id][column][phase] = (5 %, 95 %)
    at the end of each phase, in the shown units (a percent change from
    each set's own day 0), .diff[id][column][phase] = (5 %, 95 %) of the
    scenario minus the first one set by set (when it excludes 0 the two
    arms differ whatever the parameters within the given uncertainty),
    .nsets (at least 2) and .nfailed[id] (failed sets, left out, with a
    RuntimeWarning that gives the first one's error); its table() prints
    them under each line and says, as the CLI does, when sets failed and
    when 20 sets or fewer are no 90 % band.
    A Scenario object's sets run on the scenario as loaded, with its own
    set() values, then set= (a constant of every set, as the ensemble
    applies its sets: after the scenario's set: entries; a name vary= or
    params= also gives is refused: the sets would replace the set= value),
    so its bands describe the same scenario
    as its central line even when its file was edited or removed since it
    was loaded; the object is not changed. A path is loaded for the run.
    Needs numpy.
    """
    if len(scenarios) == 1 and isinstance(scenarios[0], (list, tuple)):
        scenarios = tuple(scenarios[0])
    from .population import _vary_dict
    vary = _vary_dict(vary)  # also "NAME=DIST(A,B)" strings
    if not bands and (vary is not None or params is not None or
                      samples is not None):
        raise InvalidArgumentError(
            "vary=, params= and samples= give the parameter sets of "
            "prediction bands: add bands=True (as muskx compare --bands)",
            status="EINVAL")
    if bands and not vary and params is None:
        raise InvalidArgumentError(
            "bands=True needs parameter sets: vary={name: (distribution, a, "
            "b)} and/or params=CSV path or dict (e.g. params=\"models/"
            "calibration/spaceflight/fit/draws.csv\", the fit's draws), as "
            "muskx compare --bands needs --vary or --params-csv",
            status="EINVAL")
    with ThreadPoolExecutor(max_workers=threads or min(8, len(scenarios)
                                                       or 1)) as pool:
        runs = list(pool.map(
            lambda s: run_scenario(s, set=set, allow_path=allow_path),
            scenarios))
    results = {}
    for r in runs:
        key, k = r.scenario_id, 2
        while key in results:
            key = "%s#%d" % (r.scenario_id, k)
            k += 1
        results[key] = r
    c = Comparison(results, columns)
    if bands:
        c._add_bands(scenarios, set, allow_path, vary, params, samples, seed,
                     threads)
    return c
