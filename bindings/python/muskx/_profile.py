"""_profile.py -- Problem.profile(): profile likelihoods and intervals.

As `muskx fit --profile` (cli/cmd_fit.c): profiles need every parameter
searched, so the point (a fit's best start, its noise parameters already
set in closed form) is refined by one local fit from it with every
parameter free (as joint_sigma=True, no restarts), and muskx_fit_profile()
then steps each parameter away from that optimum on both sides,
re-optimising the others, until nllh rises by chi2_1(level)/2, a bound
or max_points comes first. Everything is on the parameters' scales.
params= profiles a subset (muskx_fit_set_profile_params, as `muskx fit
--profile-params`): the others are still re-optimised at every point.
on_point= sees each point as it is taken (muskx_fit_set_profile_callback,
issue 17; `muskx fit` writes profiles.partial.tsv so) and can stop the
profiles: the points so far are returned, marked stopped.
"""

import ctypes
import math
import numbers

from . import _fit
from ._lib import lib, text, status_name
from .errors import InvalidArgumentError, NameNotFoundError
from .result import new_buffer

_P, _I, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_double
_DP = ctypes.POINTER(ctypes.c_double)
_PROTOTYPES = {
    "muskx_fit_profile": (_I, [_P, _D, _I]),
    "muskx_fit_profile_npoints": (ctypes.c_size_t, [_P, _I]),
    "muskx_fit_profile_points": (_I, [_P, _I, _DP, _DP, ctypes.c_size_t]),
    "muskx_fit_profile_ci": (_I, [_P, _I, _DP, _DP]),
    "muskx_fit_profile_min": (_D, [_P]),
    "muskx_fit_set_profile_params": (_I, [_P, ctypes.POINTER(_I), _I]),
    "muskx_fit_profile_side_end": (_I, [_P, _I, _I]),
    "muskx_fit_side_end_name": (ctypes.c_char_p, [_I]),
}
# muskx_fit_profile_fn; set with its own prototype (the function type)
PROFILE_FN = ctypes.CFUNCTYPE(_I, _P, _I, _I, _D, _D)


def _bad(msg):
    raise InvalidArgumentError("profile: " + msg, status="EINVAL")


def _count(value, what, minimum):
    """An int >= minimum; a float or bool is refused, not truncated."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("profile: %s must be an integer, not %r"
                        % (what, value))
    if value < minimum:
        _bad("%s must be >= %d (got %d)" % (what, minimum, value))
    return int(value)


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("profile: %s must be a number, not %r"
                        % (what, value))
    return float(value)


def _point(problem, at):
    """The point to profile: a Problem.fit() result (its best start) or
    theta (a sequence in parameter_ids order or a dict id -> value)."""
    if isinstance(at, dict) and "theta" in at and "best" in at:
        best, th, n = at["best"], at["theta"], len(problem.parameter_ids)
        if best is None:
            _bad("the fit has no successful start to profile")
        at = list(th[best]) if hasattr(th, "shape") else \
            list(th[best * n:(best + 1) * n])
    buf = problem._theta(at)
    for k, v in enumerate(buf):
        if not problem.lower[k] <= v <= problem.upper[k]:
            _bad("%s = %r is outside its bounds [%r, %r]"
                 % (problem.parameter_ids[k], v, problem.lower[k],
                    problem.upper[k]))
    return list(buf)


def _selection(problem, params):
    """params: None (every parameter), or names and/or indices of estimated
    parameters (one, or a sequence); the indices in table order."""
    ids = problem.parameter_ids
    if params is None:
        return list(range(len(ids)))
    if isinstance(params, (str, numbers.Integral)):
        params = [params]
    try:
        items = list(params)
    except TypeError:
        raise TypeError("profile: params must be names or indices of "
                        "estimated parameters, not %r" % (params,)) from None
    if not items:
        _bad("params names no parameter")
    picked = []
    for q in items:
        if isinstance(q, str):
            if q not in ids:
                raise NameNotFoundError(
                    "profile: params: '%s' is not an estimated parameter "
                    "(the estimated ones: %s)" % (q, ", ".join(ids)), name=q)
            k = ids.index(q)
        elif isinstance(q, numbers.Integral) and not isinstance(q, bool):
            k = int(q)
            if not 0 <= k < len(ids):
                _bad("params: index %d outside 0..%d" % (k, len(ids) - 1))
        else:
            raise TypeError("profile: params must be names or indices of "
                            "estimated parameters, not %r" % (q,))
        if k in picked:
            _bad("params names '%s' twice" % ids[k])
        picked.append(k)
    return sorted(picked)


def _half_chi2(level):
    """chi2_1(level) / 2 = erfinv(level)^2, by bisection on erf (the C
    library computes its own threshold; this one is only reported)."""
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if math.erf(mid) < level:
            lo = mid
        else:
            hi = mid
    x = 0.5 * (lo + hi)
    return x * x


def _end_name(fit, j, side):
    e = lib.muskx_fit_profile_side_end(fit, j, side)
    return "stopped" if e < 0 else text(lib.muskx_fit_side_end_name(e))


def _collect(problem, level, max_points, picked, on_point):
    ids, scales = problem.parameter_ids, problem.scales

    def after(fit, out):
        if len(picked) < len(ids):
            sel = (_I * len(picked))(*picked)
            st = lib.muskx_fit_set_profile_params(fit, sel, len(picked))
            if st != 0:
                _fit._raise(st, text(lib.muskx_fit_errmsg(fit)))
        raised = []
        if on_point is not None:
            # called on the fit's worker threads, one call at a time (the
            # library serialises them); an exception stops the profiles
            # and is raised here afterwards
            def point(ctx, j, side, value, nllh):
                try:
                    return 1 if on_point(ids[j], side, value, nllh) else 0
                except BaseException as e:  # noqa: B902 -- re-raised below
                    raised.append(e)
                    return 1
            cb = PROFILE_FN(point)
            f = lib.muskx_fit_set_profile_callback
            f.restype, f.argtypes = _I, [_P, PROFILE_FN, _P]
            st = f(fit, cb, None)
            if st != 0:
                _fit._raise(st, text(lib.muskx_fit_errmsg(fit)))
        st = lib.muskx_fit_profile(fit, level, max_points)
        if on_point is not None:
            lib.muskx_fit_set_profile_callback(fit, PROFILE_FN(), None)
        if raised:
            raise raised[0]
        # by name, as every status of the bindings (_lib.py)
        stopped = st != 0 and status_name(st) == "ESTOPPED"
        if st != 0 and not stopped:
            _fit._raise(st, text(lib.muskx_fit_errmsg(fit)))
        best = out["best"]
        nllh0 = -out["llh"][best]
        profiles = []
        lower, upper = new_buffer(len(picked)), new_buffer(len(picked))
        for i_out, j in enumerate(picked):
            pid, scale = ids[j], scales[j]
            npts = lib.muskx_fit_profile_npoints(fit, j)
            v, f = (ctypes.c_double * max(npts, 1))(), \
                (ctypes.c_double * max(npts, 1))()
            # none: the stop came before this parameter's optimum
            st = lib.muskx_fit_profile_points(fit, j, v, f, npts) \
                if npts > 0 else 0
            if st != 0:
                _fit._raise(st, text(lib.muskx_fit_errmsg(fit)))
            lo, hi = ctypes.c_double(), ctypes.c_double()
            both = lib.muskx_fit_profile_ci(fit, j, ctypes.byref(lo),
                                            ctypes.byref(hi))
            values, nllh, ratio = new_buffer(npts), new_buffer(npts), \
                new_buffer(npts)
            for i in range(npts):
                values[i], nllh[i] = v[i], f[i]
                ratio[i] = f[i] if math.isnan(f[i]) else math.exp(nllh0 - f[i])
            if npts == 0:
                lo.value = hi.value = math.nan
            lower[i_out], upper[i_out] = lo.value, hi.value
            profiles.append({"id": pid, "scale": scale, "values": values,
                             "nllh": nllh, "ratio": ratio,
                             "lower": lo.value, "upper": hi.value,
                             "identifiable": both == 1,
                             "lower_end": _end_name(fit, j, -1),
                             "upper_end": _end_name(fit, j, 1)})
        pmin = lib.muskx_fit_profile_min(fit)
        th = out["theta"]
        theta = th[best] if hasattr(th, "shape") else \
            th[best * len(ids):(best + 1) * len(ids)]
        out["profile"] = {
            "parameter_ids": list(ids), "scales": list(scales),
            "profiled": [ids[j] for j in picked],
            "level": level, "threshold": _half_chi2(level),
            "theta": theta, "llh": -nllh0, "nllh": nllh0,
            "profiles": profiles, "lower": lower, "upper": upper,
            "identifiable": [p["identifiable"] for p in profiles],
            "not_identifiable": [p["id"] for p in profiles
                                 if "bound" in (p["lower_end"],
                                                p["upper_end"])],
            # a side neither crossed nor at its bound, whatever the other
            # side did (a parameter may be in both lists)
            "unfinished": [p["id"] for p in profiles
                           if {p["lower_end"], p["upper_end"]} -
                           {"crossed", "bound"}],
            "stopped": stopped,
            "min_nllh": pmin,
            "better_optimum": pmin < nllh0 - 1e-6}
    return after


def run(problem, at, level=0.95, max_points=30, threads=0, rtol=1e-8,
        atol=1e-8, max_iterations=None, max_steps=10000, params=None,
        on_point=None):
    level = _number(level, "level")
    if not 0 < level < 1:
        _bad("level must lie in (0, 1) (got %r)" % level)
    max_points = _count(max_points, "max_points", 1)
    threads = _count(threads, "threads", 0)
    rtol, atol = _number(rtol, "rtol"), _number(atol, "atol")
    if not (rtol > 0 and atol > 0):
        _bad("rtol and atol must be > 0 (got %r, %r)" % (rtol, atol))
    for name, (res, args) in _PROTOTYPES.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    if on_point is not None and not callable(on_point):
        raise TypeError("profile: on_point must be callable, not %r"
                        % (on_point,))
    picked = _selection(problem, params)
    start = _point(problem, at)
    # a refinement of the point, not a search: one start, no restarts, no
    # gain tolerance, full accuracy (cli/cmd_fit.c joint_fit_at)
    out = _fit.run(problem, starts=1, seed=0, threads=threads, rtol=rtol,
                   atol=atol, max_iterations=max_iterations,
                   max_steps=max_steps, joint=True, restarts=0,
                   gain_tolerance=0.0, search_tolerance=0.0, start=start,
                   after=_collect(problem, level, max_points, picked,
                                  on_point))
    return out["profile"]
