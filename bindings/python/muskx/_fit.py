"""_fit.py -- Problem.fit(): muskx_fit_* driven with PEtab callbacks.

The residuals mirror `muskx fit` (cli/cmd_fit.c): for normal noise, the
normalised residuals r_i and q_i = sqrt(2 log sigma_i + K) for every
measurement, so that noise parameters are fitted by Gauss-Newton too; K
lets sigma fall to 1e-6 of the smallest nominal sigma, and the constant
offset makes -nllh PEtab's llh. As in `muskx fit` (cli/fit_sigma.c), a
noise parameter that is its measurements' sigma and moves nothing else
is set in closed form at every point, sigma^2 = RSS / n within its
bounds, and the others are searched on that profile (joint=True searches
it with them, as `muskx fit --joint-sigma`). Each worker thread has its own C
simulation; the callbacks take the GIL only to copy numbers, and the
simulations inside them release it (ctypes.CDLL).
"""

import ctypes
import math
import operator

from . import _lib
from ._lib import lib, text, status_name
from .errors import error_class, InvalidArgumentError
from .result import new_buffer

_P, _I, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_double
_DP = ctypes.POINTER(ctypes.c_double)
RESID_FN = ctypes.CFUNCTYPE(_I, _P, _I, _DP, _DP, _DP)
OBJ_FN = ctypes.CFUNCTYPE(_I, _P, _I, _DP, _DP, _DP)
ACCURACY_FN = ctypes.CFUNCTYPE(None, _P, _I, _I)
# muskx.h's MUSKX_FIT_ACCURACY_JACOBIAN, and `muskx fit
# --jacobian-tolerance`'s default (cli/cmd_fit.c)
ACCURACY_JACOBIAN = 2
JACOBIAN_TOLERANCE = 1e-4
# a loose Jacobian run's step budget per output interval (cli/cmd_fit.c's
# JAC_MAX_STEPS): over it the run fails, and the search takes that
# Jacobian at its own accuracy
JACOBIAN_MAX_STEPS = 500

_EXITS = ["xtol", "gtol", "ftol", "maxiter", "noprogress", "failed",
          "gngain"]

_PROTOTYPES = {
    "muskx_fit_create": (_I, [_I, ctypes.POINTER(_P)]),
    "muskx_fit_free": (None, [_P]),
    "muskx_fit_errmsg": (ctypes.c_char_p, [_P]),
    "muskx_fit_set_residuals": (_I, [_P, ctypes.c_size_t, _D, RESID_FN, _P]),
    "muskx_fit_set_objective": (_I, [_P, OBJ_FN, _P]),
    "muskx_fit_set_bounds": (_I, [_P, _DP, _DP]),
    "muskx_fit_set_seed": (_I, [_P, ctypes.c_ulonglong]),
    "muskx_fit_set_threads": (_I, [_P, _I]),
    "muskx_fit_threads": (_I, [_P]),
    "muskx_fit_set_max_iterations": (_I, [_P, _I]),
    "muskx_fit_set_restarts": (_I, [_P, _I, _D]),
    "muskx_fit_set_gain_tolerance": (_I, [_P, _D]),
    "muskx_fit_set_accuracy": (_I, [_P, ACCURACY_FN, _P]),
    "muskx_fit_set_jacobian_accuracy": (_I, [_P, _I]),
    "muskx_fit_run": (_I, [_P, ctypes.c_size_t]),
    "muskx_fit_nstarts": (ctypes.c_size_t, [_P]),
    "muskx_fit_best": (ctypes.c_size_t, [_P]),
    "muskx_fit_result": (_I, [_P, ctypes.c_size_t, _DP, _DP]),
    "muskx_fit_set_first_start": (_I, [_P, _DP]),
    "muskx_fit_set_starts": (_I, [_P, _DP, ctypes.c_size_t]),
    "muskx_fit_nllh": (_D, [_P, ctypes.c_size_t]),
    "muskx_fit_iterations": (_I, [_P, ctypes.c_size_t]),
    "muskx_fit_exit_reason": (_I, [_P, ctypes.c_size_t]),
    "muskx_petab_measurement_laplace": (_I, [_P, _I]),
    "muskx_petab_measurement_noise_param": (_I, [_P, _I]),
}


def _declare():
    for name, (res, args) in _PROTOTYPES.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args


def _raise(status, msg):
    name = status_name(status)
    raise error_class(name)(msg or _lib.strerror(status), status=name,
                            code=status)


def _array(buf):
    return (ctypes.c_double * len(buf)).from_buffer(buf)


_SCALE = {"lin": (lambda x: x, lambda x: x),
          "log": (math.exp, math.log),
          "log10": (lambda x: 10.0 ** x, math.log10)}


def _sigma_groups(problem, pb, m, n, r, s, dr, ds):
    """The closed-form noise groups (cli/fit_sigma.c): per measurement its
    group or -1, and per group (parameter, count, lo, hi) with the bounds
    of sigma on the linear scale."""
    group, slot, groups = [-1] * m, {}, []
    for i in range(m):
        k = lib.muskx_petab_measurement_noise_param(pb, i)
        if k < 0:
            continue
        if k not in slot:
            ok = True
            for j in range(m):
                a = j * n + k
                if lib.muskx_petab_measurement_noise_param(pb, j) == k:
                    de = dr[a] * s[j] + r[j] * ds[a]
                    ok = ok and lib.muskx_petab_measurement_laplace(pb, j) == 0 \
                        and abs(de) <= 1e-9 * (abs(r[j] * ds[a]) + 1e-300)
                elif dr[a] != 0 or ds[a] != 0:
                    ok = False
            slot[k] = -1
            if ok:
                up = _SCALE[problem.scales[k]][0]
                slot[k] = len(groups)
                groups.append([k, 0, up(problem.lower[k]), up(problem.upper[k])])
        if slot[k] >= 0:
            group[i] = slot[k]
            groups[slot[k]][1] += 1
    return group, groups


def _optimal_sigmas(group, groups, r, s):
    rss = [0.0] * len(groups)
    for i, q in enumerate(group):
        if q >= 0:
            e = r[i] * s[i]
            rss[q] += e * e  # as cli/fit_sigma.c: pow(e, 2) may differ by an ulp
    return [min(max(math.sqrt(rss[q] / g[1]), g[2]), g[3])
            for q, g in enumerate(groups)]


def _whole(value, what, minimum):
    """value as an int >= minimum. A float is refused, not truncated (2.7
    starts ran 2), and so is a negative seed (ctypes wrapped -1 to 2^64-1)."""
    if isinstance(value, bool):
        value = None
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError("fit: %s must be an integer, not %r"
                        % (what, value)) from None
    if v < minimum:
        raise InvalidArgumentError("fit: %s must be >= %d (got %d)"
                                   % (what, minimum, v), status="EINVAL")
    return v


def run(problem, starts, seed, threads, rtol, atol, max_iterations,
        max_steps=10000, joint=False, nominal_start=False, restarts=1,
        restart_radius=0.3, gain_tolerance=1e-3, search_tolerance=1e-6,
        jacobian_tolerance=JACOBIAN_TOLERANCE, start=None, after=None):
    """start: one explicit start (a table of one row) instead of drawn
    ones; after(fit, result) runs on the live fit before it is freed
    (_profile.py: profiles of the run's best start)."""
    _declare()
    starts, threads = _whole(starts, "starts", 1), _whole(threads, "threads", 0)
    seed, restarts = _whole(seed, "seed", 0), _whole(restarts, "restarts", 0)
    max_steps = _whole(max_steps, "max_steps", 1)
    if max_iterations is not None:
        max_iterations = _whole(max_iterations, "max_iterations", 1)
    search_tolerance = float(search_tolerance)
    jacobian_tolerance = float(jacobian_tolerance)
    if not (rtol > 0 and atol > 0) or not 0 <= search_tolerance <= 1e-3 \
            or not 0 <= jacobian_tolerance <= 1e-2:
        raise InvalidArgumentError(
            "fit: rtol and atol must be > 0 (got %r, %r), "
            "0 <= search_tolerance <= 1e-3 (got %r), "
            "0 <= jacobian_tolerance <= 1e-2 (got %r)"
            % (rtol, atol, search_tolerance, jacobian_tolerance),
            status="EINVAL")
    # the starts' searches at the cheaper tolerances, their Jacobians at
    # the cheapest, their results at (rtol, atol), as `muskx fit
    # --search-tolerance --jacobian-tolerance` (cli/cmd_fit.c)
    srtol, satol = max(rtol, search_tolerance), max(atol, search_tolerance)
    jrtol, jatol = max(srtol, jacobian_tolerance), max(satol, jacobian_tolerance)
    loose_jacobian = (jrtol, jatol) != (srtol, satol)
    pb = problem._h.acquire()
    fit = _P()
    sims = []
    try:
        n, m = len(problem.parameter_ids), max(problem.nmeasurements, 0)
        laplace = any(lib.muskx_petab_measurement_laplace(pb, i) == 1
                      for i in range(m))
        st = lib.muskx_fit_create(n, ctypes.byref(fit))
        if st != _lib.OK:
            _raise(st, "")

        def check(st):
            if st != _lib.OK:
                _raise(st, text(lib.muskx_fit_errmsg(fit)))
        lo = (ctypes.c_double * n)(*problem.lower)
        hi = (ctypes.c_double * n)(*problem.upper)
        check(lib.muskx_fit_set_bounds(fit, lo, hi))
        check(lib.muskx_fit_set_threads(fit, threads))
        check(lib.muskx_fit_set_seed(fit, int(seed)))
        if max_iterations is not None:
            check(lib.muskx_fit_set_max_iterations(fit, int(max_iterations)))
        check(lib.muskx_fit_set_restarts(fit, int(restarts),
                                         float(restart_radius)))
        check(lib.muskx_fit_set_gain_tolerance(fit, float(gain_tolerance)))
        # PEtab lets an estimated parameter go without a nominalValue: the
        # reference point is then the middle of its box on its scale, as
        # `muskx fit` does, and nominal_start has no point
        missing = [i for i, v in enumerate(problem.nominal) if math.isnan(v)]
        ref = [0.5 * (problem.lower[i] + problem.upper[i]) if i in missing
               else v for i, v in enumerate(problem.nominal)]
        if start is not None:
            check(lib.muskx_fit_set_starts(fit, (ctypes.c_double * n)(*start),
                                           1))
        elif nominal_start:
            if missing:
                raise InvalidArgumentError(
                    "fit: nominal_start, but '%s' has no nominalValue"
                    % problem.parameter_ids[missing[0]], status="EINVAL")
            check(lib.muskx_fit_set_first_start(
                fit, (ctypes.c_double * n)(*problem.nominal)))
        for _ in range(lib.muskx_fit_threads(fit)):
            sim = _P()
            st = lib.muskx_sim_create(lib.muskx_petab_model(pb),
                                      ctypes.byref(sim))
            if st == _lib.OK:
                sims.append(sim)
                st = lib.muskx_sim_set_tolerances(sim, float(rtol),
                                                  float(atol))
                if st == _lib.OK:
                    st = lib.muskx_sim_set_max_steps(sim, int(max_steps))
            if st != _lib.OK:
                _raise(st, text(lib.muskx_sim_errmsg(sim)) if sim else "")
        bufs = [[(ctypes.c_double * max(m, 1))() for _ in range(2)] +
                [(ctypes.c_double * max(m * n, 1))() for _ in range(2)]
                for _ in sims]

        # the constant, at the nominal parameters (worker 0)
        th0 = (ctypes.c_double * n)(*ref)
        r0, s0, _, _ = bufs[0]
        llh0 = ctypes.c_double()
        st = lib.muskx_petab_evaluate(pb, sims[0], th0, None, r0, s0,
                                      ctypes.byref(llh0), None)
        if st != _lib.OK:
            _raise(st, text(lib.muskx_sim_errmsg(sims[0])))
        K = max(1.0, 2 * math.log(1e6) - 2 * math.log(min(s0[:m])))
        half = sum(0.5 * r0[i] * r0[i] + 0.5 * (2 * math.log(s0[i]) + K)
                   for i in range(m))
        group, groups = [-1] * m, []
        if not laplace and not joint:
            r0, s0, dr0, ds0 = bufs[0]
            st = lib.muskx_petab_jacobian(pb, sims[0], th0, r0, s0, dr0, ds0)
            if st != _lib.OK:
                _raise(st, text(lib.muskx_sim_errmsg(sims[0])))
            group, groups = _sigma_groups(problem, pb, m, n, r0, s0, dr0, ds0)
        noise = set(g[0] for g in groups)

        def resid(ctx, w, theta, res, jac):
            r, s, dr, ds = bufs[w]
            if not jac:
                st = lib.muskx_petab_evaluate(pb, sims[w], theta, None, r, s,
                                              None, None)
            else:
                st = lib.muskx_petab_jacobian(pb, sims[w], theta, r, s, dr,
                                              ds)
            if st != _lib.OK:
                return -1
            sig = _optimal_sigmas(group, groups, r, s) if groups else []
            for i in range(m):
                g = group[i]
                sd = sig[g] if g >= 0 else s[i]
                a = 2 * math.log(sd) + K if sd > 0 else -1
                if not a > 0:
                    return -1
                scale = s[i] / sd
                res[i] = r[i] * scale
                res[m + i] = q = math.sqrt(a)
                if jac:  # sigma held fixed: see cli/cmd_fit.c resid_hier
                    for k in range(n):
                        if k in noise:
                            jac[i * n + k] = jac[(m + i) * n + k] = 0.0
                        elif g >= 0:
                            jac[i * n + k] = dr[i * n + k] * scale
                            jac[(m + i) * n + k] = 0.0
                        else:
                            jac[i * n + k] = dr[i * n + k]
                            jac[(m + i) * n + k] = ds[i * n + k] / (s[i] * q)
            return 0

        def objective(ctx, w, theta, v, grad):
            llh = ctypes.c_double()
            if grad:
                st = lib.muskx_petab_gradient(pb, sims[w], theta,
                                              ctypes.byref(llh), grad)
            else:
                st = lib.muskx_petab_llh(pb, sims[w], theta,
                                         ctypes.byref(llh), None)
            if st != _lib.OK or not math.isfinite(llh.value):
                return -1
            v[0] = -llh.value
            if grad:
                for k in range(n):
                    grad[k] = -grad[k]
            return 0

        if laplace:
            cb = OBJ_FN(objective)
            check(lib.muskx_fit_set_objective(fit, cb, None))
        else:
            cb = RESID_FN(resid)
            check(lib.muskx_fit_set_residuals(fit, 2 * m, -llh0.value - half,
                                              cb, None))
        def accuracy(ctx, w, full):
            loose = full == ACCURACY_JACOBIAN
            if loose:
                lib.muskx_sim_set_tolerances(sims[w], float(jrtol),
                                             float(jatol))
            else:
                lib.muskx_sim_set_tolerances(
                    sims[w], float(rtol if full else srtol),
                    float(atol if full else satol))
            lib.muskx_sim_set_max_steps(
                sims[w], int(min(max_steps, JACOBIAN_MAX_STEPS) if loose
                             else max_steps))

        acb = ACCURACY_FN(accuracy)
        if (srtol, satol) != (rtol, atol) or loose_jacobian:
            check(lib.muskx_fit_set_accuracy(fit, acb, None))
        if loose_jacobian:
            check(lib.muskx_fit_set_jacobian_accuracy(fit, 1))
        check(lib.muskx_fit_run(fit, starts))
        ns = lib.muskx_fit_nstarts(fit)
        theta, start = new_buffer(ns * n), new_buffer(ns * n)
        llh, iters, exits = new_buffer(ns), [], []
        one_t, one_s = (ctypes.c_double * n)(), (ctypes.c_double * n)()
        r0, s0 = bufs[0][0], bufs[0][1]
        for k in range(ns):
            lib.muskx_fit_result(fit, k, one_s, one_t)
            if groups and not math.isnan(lib.muskx_fit_nllh(fit, k)) and \
                    lib.muskx_petab_evaluate(pb, sims[0], one_t, None, r0, s0,
                                             None, None) == _lib.OK:
                for g, v in zip(groups, _optimal_sigmas(group, groups, r0,
                                                         s0)):
                    one_t[g[0]] = _SCALE[problem.scales[g[0]]][1](v)
            for j in range(n):  # element-wise: numpy or array('d')
                theta[k * n + j] = one_t[j]
                start[k * n + j] = one_s[j]
            llh[k] = -lib.muskx_fit_nllh(fit, k)
            iters.append(lib.muskx_fit_iterations(fit, k))
            e = lib.muskx_fit_exit_reason(fit, k)
            exits.append(_EXITS[e] if 0 <= e < len(_EXITS) else str(e))
        best = lib.muskx_fit_best(fit)
        if hasattr(theta, "reshape"):
            theta, start = theta.reshape(ns, n), start.reshape(ns, n)
        out = {"theta": theta, "start": start, "llh": llh,
               "iterations": iters, "exit": exits,
               "best": None if best >= ns else int(best)}
        if after is not None:
            after(fit, out)
        return out
    finally:
        for sim in sims:
            lib.muskx_sim_free(sim)
        lib.muskx_fit_free(fit)
        problem._h.release()
