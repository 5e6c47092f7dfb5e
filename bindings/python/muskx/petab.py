"""petab.py -- PEtab (version 1) parameter-estimation problems.

    p = muskx.Problem.from_petab("Boehm_JProteomeRes2014.yaml")
    p.parameter_ids          # the estimated parameters, in table order
    p.nominal, p.lower, p.upper   # on each parameter's scale (lin/log/log10)
    p.llh()                  # log-likelihood at the nominal values
    p.llh(theta)             # ... at theta (on the parameters' scales)
    e = p.evaluate(theta)    # dict: llh, chi2, simulation, residual, sigma
    llh, g = p.gradient(theta)   # d llh / d theta, forward sensitivities
    j = p.jacobian(theta)    # residual, sigma and their d / d theta
    r = p.fit(starts=20, seed=1, threads=2)   # multi-start fit, as muskx fit
    pr = p.profile(r)        # profiles, 95 % intervals, as muskx fit --profile

A Problem is immutable and may be shared by threads: every llh() or
evaluate() call uses its own C simulation and releases the GIL while it
integrates. Bad tables raise ModelError with .file, .line and .column.
"""

import ctypes
import os

from . import _lib
from ._lib import lib, text, status_name
from .errors import error_class, status_error
from .model import _Handle, _ptr, _open, _handle_ptr
from .result import new_buffer, from_sequence

__all__ = ["Problem", "SCALES"]

SCALES = ["lin", "log", "log10"]


class Problem:
    """A loaded PEtab problem; create it with Problem.from_petab(path)
    (or Problem(path), the same).

    Attributes (read-only): parameter_ids, scales ("lin", "log" or
    "log10" per estimated parameter), lower, upper, nominal (on the
    parameters' scales), nmeasurements, source.
    Methods: llh(theta=None, rtol=1e-8, atol=1e-8), evaluate(...),
    gradient(...), jacobian(...), fit(...), profile(...),
    parameters_table(theta),
    simulations_table(theta), close().
    """

    def __init__(self, handle, source=None):
        # muskx.Problem(path) is Problem.from_petab(path); otherwise the
        # handle from_petab() opened.
        if isinstance(handle, (str, os.PathLike)):
            source = os.fspath(handle)
            handle = _open(lib.muskx_petab_load_with, None,
                           os.fsencode(handle))
        ptr = _handle_ptr(handle, "Problem",
                          "muskx.Problem.from_petab(path)")
        self._h = _Handle(ptr, free=lib.muskx_petab_free, what="problem")
        self.source = source
        n = lib.muskx_petab_nparams(ptr)
        self.parameter_ids = [text(lib.muskx_petab_param_id(ptr, k))
                              for k in range(n)]
        self.scales = [SCALES[lib.muskx_petab_param_scale(ptr, k)]
                       for k in range(n)]
        lo, hi, nom = [], [], []
        for k in range(n):
            a, b, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            lib.muskx_petab_param_info(ptr, k, ctypes.byref(a),
                                       ctypes.byref(b), ctypes.byref(c))
            lo.append(a.value)
            hi.append(b.value)
            nom.append(c.value)
        self.lower, self.upper, self.nominal = lo, hi, nom
        self.nmeasurements = lib.muskx_petab_nmeasurements(ptr)

    @classmethod
    def from_petab(cls, path, allow_path=None):
        """Loads the PEtab problem file at path (and the model and tables it
        names, read only inside its folder and allow_path: a folder or a
        list of folders, as for muskx.load()). Raises ModelError naming
        file, line and column of a bad cell, ModelFileError when a file
        cannot be read."""
        return cls(_open(lib.muskx_petab_load_with, allow_path,
                         os.fsencode(path)), os.fspath(path))

    def _theta(self, theta):
        if theta is None:
            theta = self.nominal
        if isinstance(theta, dict):
            unknown = [k for k in theta if k not in self.parameter_ids]
            if unknown:
                raise status_error(
                    "ENOTFOUND", "not estimated parameters: %s (the "
                    "estimated ones: %s)" % (
                        ", ".join("'%s'" % k for k in unknown),
                        ", ".join(self.parameter_ids)),
                    name=unknown[0])
            theta = [theta.get(i, v)
                     for i, v in zip(self.parameter_ids, self.nominal)]
        buf = from_sequence(theta)
        if len(buf) != len(self.parameter_ids):
            raise error_class("EINVAL")(
                "theta has %d values; the problem estimates %d parameters"
                % (len(buf), len(self.parameter_ids)), status="EINVAL")
        return buf

    def _call(self, rtol, atol, fn):
        """Runs fn(problem_ptr, sim) on a fresh simulation; raises the
        simulation's error."""
        ptr = self._h.acquire()
        sim = ctypes.c_void_p()
        try:
            status = lib.muskx_sim_create(lib.muskx_petab_model(ptr),
                                          ctypes.byref(sim))
            if status == _lib.OK:
                status = lib.muskx_sim_set_tolerances(sim, float(rtol),
                                                      float(atol))
            if status == _lib.OK:
                status = fn(ptr, sim)
            if status != _lib.OK:
                name = status_name(status)
                msg = text(lib.muskx_sim_errmsg(sim)) if sim else ""
                raise error_class(name)(msg or _lib.strerror(status),
                                        status=name, code=status)
        finally:
            lib.muskx_sim_free(sim)
            self._h.release()

    def gradient(self, theta=None, rtol=1e-8, atol=1e-8):
        """(llh, grad): the log-likelihood at theta and its gradient on the
        parameters' scales (one value per parameter_ids), exact up to the
        tolerances: forward sensitivities, no finite differences."""
        th = self._theta(theta)
        grad = new_buffer(len(self.parameter_ids))
        llh = ctypes.c_double()
        self._call(rtol, atol, lambda p, s: lib.muskx_petab_gradient(
            p, s, _ptr(th), ctypes.byref(llh), _ptr(grad)))
        return llh.value, grad

    def jacobian(self, theta=None, rtol=1e-8, atol=1e-8):
        """For least squares: a dict with residual and sigma (one value per
        measurement) and dresidual, dsigma (nmeasurements x nparameters,
        row-major; numpy 2-D arrays when numpy is present)."""
        th = self._theta(theta)
        n, k = max(self.nmeasurements, 0), len(self.parameter_ids)
        res, sig = new_buffer(n), new_buffer(n)
        dres, dsig = new_buffer(n * k), new_buffer(n * k)
        self._call(rtol, atol, lambda p, s: lib.muskx_petab_jacobian(
            p, s, _ptr(th), _ptr(res), _ptr(sig), _ptr(dres), _ptr(dsig)))
        if hasattr(dres, "reshape"):
            dres, dsig = dres.reshape(n, k), dsig.reshape(n, k)
        return {"residual": res, "sigma": sig, "dresidual": dres,
                "dsigma": dsig}

    def fit(self, starts=20, seed=0, threads=0, rtol=1e-8, atol=1e-8,
            max_iterations=None, max_steps=10000, joint_sigma=False,
            nominal_start=False, restarts=1, restart_radius=0.3,
            gain_tolerance=1e-3, search_tolerance=1e-6,
            jacobian_tolerance=None):
        """Multi-start maximum-likelihood fit, the same as `muskx fit`
        (muskx(1)): starts local optimisations from a Latin hypercube of
        the bounds drawn from seed, on threads worker threads (0: one per
        processor; the results depend on the seed, not on the threads);
        max_steps solver steps between outputs (as `muskx fit
        --max-steps`; a start failing at its point is drawn again);
        normal noise by a rectangular trust-region dogleg until it stalls,
        then a projected Levenberg-Marquardt (`muskx fit`'s default
        method), on the exact residual Jacobian, Laplace noise by SLSQP on the exact gradient;
        a noise parameter that is its measurements' sigma is set in closed
        form (sigma^2 = RSS / n) unless joint_sigma (`--joint-sigma`);
        nominal_start=True: start 0 at the nominal values, starts - 1 drawn
        (`muskx fit --nominal-start`; refused when an estimated
        parameter has no nominalValue, which is then NaN in nominal and
        whose box middle stands in for it, as in `muskx fit`); restarts
        per start from its best
        point moved by up to restart_radius of each range, and a local fit
        ending where the Gauss-Newton model promises less than
        gain_tolerance in llh (`--restarts`, `--restart-radius`,
        `--gain-tolerance`; the same defaults); the starts' searches
        simulate at search_tolerance (rtol and atol, never tighter than
        rtol/atol; 0: off), each start's result is evaluated, and the best
        polished, at rtol/atol (`--search-tolerance`, the same default);
        their Jacobians (sensitivity runs) at jacobian_tolerance (never
        tighter than search_tolerance; 0: search_tolerance; None: the
        default of `muskx fit --jacobian-tolerance`, 1e-4; each search
        checks them against search_tolerance and drops them where they
        disagree), while their steps
        and costs use residuals at search_tolerance.
        Returns a dict: theta (starts x nparameters, on the parameters'
        scales, numpy 2-D when numpy is present, else flat row-major), start
        (the same shape),
        llh, iterations, exit (one per start; llh NaN where a start
        failed), best (index of the best start, None when all failed).
        Raises SolverError when the nominal point cannot be simulated,
        InvalidArgumentError for bad arguments."""
        from . import _fit
        return _fit.run(self, starts, seed, threads, rtol, atol,
                        max_iterations, max_steps, joint=bool(joint_sigma),
                        nominal_start=nominal_start, restarts=restarts,
                        restart_radius=restart_radius,
                        gain_tolerance=gain_tolerance,
                        search_tolerance=search_tolerance,
                        jacobian_tolerance=(_fit.JACOBIAN_TOLERANCE
                                            if jacobian_tolerance is None
                                            else jacobian_tolerance))

    def evaluate(self, theta=None, rtol=1e-8, atol=1e-8):
        """Evaluates the problem at theta (a sequence in parameter_ids order,
        or a dict id -> value, on the parameters' scales; None: nominal).
        Returns a dict: llh, chi2 (floats) and simulation, residual, sigma
        (one value per measurement, in table order). Raises SolverError,
        ConvergenceError or MuskxError naming the condition that failed."""
        th = self._theta(theta)
        n = max(self.nmeasurements, 0)
        sim_v, res_v, sig_v = new_buffer(n), new_buffer(n), new_buffer(n)
        llh, chi2 = ctypes.c_double(), ctypes.c_double()
        self._call(rtol, atol, lambda p, s: lib.muskx_petab_evaluate(
            p, s, _ptr(th), _ptr(sim_v), _ptr(res_v), _ptr(sig_v),
            ctypes.byref(llh), ctypes.byref(chi2)))
        return {"llh": llh.value, "chi2": chi2.value, "simulation": sim_v,
                "residual": res_v, "sigma": sig_v}

    def llh(self, theta=None, rtol=1e-8, atol=1e-8):
        """The log-likelihood at theta (see evaluate())."""
        return self.evaluate(theta, rtol, atol)["llh"]

    def _table(self, fn, values):
        out = ctypes.c_void_p()
        ptr = self._h.acquire()
        try:
            status = fn(ptr, _ptr(values), ctypes.byref(out))
        finally:
            self._h.release()
        if status != _lib.OK:
            name = status_name(status)
            raise error_class(name)(_lib.strerror(status), status=name,
                                    code=status)
        try:
            return ctypes.string_at(out.value).decode("utf-8")
        finally:
            lib.muskx_free_string(out)

    def parameters_table(self, theta):
        """The parameter table (TSV text) with the estimated parameters'
        nominalValue set to theta (on the linear scale): a fit's result."""
        return self._table(lib.muskx_petab_parameters_table,
                           self._theta(theta))

    def simulations_table(self, theta=None, rtol=1e-8, atol=1e-8):
        """The PEtab simulations table (TSV text) at theta."""
        sim = from_sequence(self.evaluate(theta, rtol, atol)["simulation"])
        return self._table(lib.muskx_petab_simulations_table, sim)

    def profile(self, at, level=0.95, max_points=30, threads=0, rtol=1e-8,
                atol=1e-8, max_iterations=None, max_steps=10000,
                params=None, on_point=None):
        """Profile likelihoods and confidence intervals, as `muskx fit
        --profile`: at is a fit() result (its best start) or theta. The
        point is refined with every parameter searched, then each
        parameter is stepped away from the optimum on both sides (the
        others re-optimised) until nllh rises by chi2_1(level)/2, a bound
        or max_points points per side come first. Returns a dict:
        parameter_ids, scales, level, threshold, theta, llh, nllh (the
        refined optimum), profiles (one dict per parameter: id, scale,
        values, nllh, ratio = exp(nllh_opt - nllh), lower, upper,
        identifiable, lower_end, upper_end: how each side ended --
        "crossed", "bound", "max_points", "failed" or "stopped"), lower,
        upper (arrays; NaN on a side where the profile does not cross),
        identifiable, not_identifiable (ids with a side that reached its
        bound below the threshold), unfinished (ids with a side that
        neither crossed nor reached its bound: it ran out of max_points,
        failed or was stopped -- no statement about the data on that side;
        an id can be in both lists), stopped (on_point stopped the run), min_nllh (the
        lowest nllh of any profile point) and better_optimum (min_nllh
        below the optimum: more starts may find a better one). Values on
        the parameters' scales.
        on_point: a callable on_point(id, side, value, nllh) given each
        profile point as soon as it is taken (side 0: the optimum, first
        for every profiled parameter; -1 / +1 below / above it), e.g. to
        save it; called on the fit's worker threads, one call at a time.
        A crossing's bracket end may be given again with a lower nllh
        (the refinement's closing re-check lowered it): the later call
        counts, as in the result's points.
        A true return stops the profiles after that point: the result
        then holds the points so far, stopped True and the sides not
        finished "stopped". An exception in it stops them and is raised.
        params: profile only these parameters (names in parameter_ids
        and/or their indices; default None: all), as `muskx fit
        --profile-params`; the others are still re-optimised at every
        point. profiled lists the ids profiled, in table order; profiles,
        lower, upper and identifiable hold one entry per profiled
        parameter, in that order (parameter_ids and theta still cover all).
        Raises InvalidArgumentError or TypeError for bad arguments,
        NameNotFoundError for a name in params that is not estimated."""
        from . import _profile
        return _profile.run(self, at, level, max_points, threads, rtol,
                            atol, max_iterations, max_steps, params,
                            on_point)

    def close(self):
        """Frees the C problem (after calls under way in other threads)."""
        self._h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<muskx.Problem %r: %d estimated parameters, %d measurements>" % (
            self.source, len(self.parameter_ids), self.nmeasurements)
