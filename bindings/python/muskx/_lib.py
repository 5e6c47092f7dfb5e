"""_lib.py -- finding libmuskx.so and declaring its C API for ctypes.

Every function of include/muskx.h is declared here with its argtypes and
restype, so that a wrong call fails in Python instead of corrupting memory.
Only opaque pointers (c_void_p), scalars, caller-owned double/int arrays and
the fixed-size muskx_error struct cross the boundary (style.md, libuv habit
"designed with FFI callers in mind").

The library is loaded with ctypes.CDLL, not PyDLL: CDLL releases the GIL for
the duration of each foreign call, which is what lets simulations started
from several Python threads run in parallel (issue 7, point 3).

Search order for the shared library (the first that loads wins):

1. the path in the environment variable MUSKX_LIBRARY (an error if it is set
   but cannot be loaded -- a typo should not silently pick another copy);
2. libmuskx.so / libmuskx.so.0 in this package's own folder (the wheel
   built from a checkout bundles it: bindings/python/setup.py);
3. the build tree of a source checkout: <repo>/build/libmuskx.so, where
   <repo> is three levels above this file (bindings/python/muskx/);
4. an installed libmuskx: the libdir that `pkg-config --variable=libdir
   muskx` names (a private `make install PREFIX=...` with PKG_CONFIG_PATH
   pointing at it), then <sys.prefix>/lib, /usr/local/lib and /usr/lib;
5. ctypes.util.find_library("muskx"), then the system loader with
   "libmuskx.so.0" and "libmuskx.so" (LD_LIBRARY_PATH, ldconfig cache).
"""

import ctypes
import ctypes.util
import os
import subprocess
import sys

__all__ = ["lib", "library_path", "Error", "c_double_p", "c_int_p",
           "HAVE_SCENARIOS", "HAVE_PETAB"]

c_double_p = ctypes.POINTER(ctypes.c_double)
c_int_p = ctypes.POINTER(ctypes.c_int)

# Sizes from muskx.h (MUSKX_ERROR_FILE_MAX, MUSKX_ERROR_MESSAGE_MAX).
_ERROR_FILE_MAX = 512
_ERROR_MESSAGE_MAX = 1024


class Error(ctypes.Structure):
    """The C struct muskx_error: details of a failed load."""

    _fields_ = [
        ("status", ctypes.c_int),
        ("line", ctypes.c_int),
        ("column", ctypes.c_int),
        ("file", ctypes.c_char * _ERROR_FILE_MAX),
        ("message", ctypes.c_char * _ERROR_MESSAGE_MAX),
    ]


def _installed_dirs():
    """Library folders of an installed libmuskx: pkg-config's, then usual."""
    dirs = []
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "muskx"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=10, check=False)
        if out.returncode == 0 and out.stdout.strip():
            dirs.append(out.stdout.decode().strip())
    except (OSError, subprocess.SubprocessError):
        pass  # no pkg-config: the usual folders below
    dirs += [os.path.join(sys.prefix, "lib"), "/usr/local/lib", "/usr/lib",
             "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
    return dirs


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ.get("MUSKX_LIBRARY")
    if env:
        # Explicit choice: only this one.
        return [env], True
    repo = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    names = [
        os.path.join(here, "libmuskx.so"),
        os.path.join(here, "libmuskx.so.0"),
        os.path.join(repo, "build", "libmuskx.so"),
    ]
    names += [os.path.join(d, "libmuskx.so.0") for d in _installed_dirs()]
    found = [p for p in names if os.path.exists(p)]
    system = ctypes.util.find_library("muskx")
    if system:
        found.append(system)
    found += ["libmuskx.so.0", "libmuskx.so"]
    return found, False


def _load():
    tried = []
    candidates, explicit = _candidates()
    for path in candidates:
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            tried.append("%s (%s)" % (path, exc))
    if explicit:
        hint = "MUSKX_LIBRARY is set but cannot be loaded"
    else:
        hint = ("build it with `make` at the repository root, install it "
                "with `make install`, or set MUSKX_LIBRARY to its path")
    raise ImportError("muskx: cannot load libmuskx.so; %s. Tried: %s"
                      % (hint, "; ".join(tried)))


lib, library_path = _load()

_P = ctypes.c_void_p      # muskx_model *, muskx_sim * (opaque)
_S = ctypes.c_char_p      # const char * (in and out)
_I = ctypes.c_int         # int and every C enum (muskx_status, muskx_kind...)
_D = ctypes.c_double
_Z = ctypes.c_size_t
_E = ctypes.POINTER(Error)

# name: (restype, [argtypes]) -- in the order of muskx.h.
_PROTOTYPES = {
    "muskx_version_string": (_S, []),
    "muskx_strerror": (_S, [_I]),
    "muskx_status_name": (_S, [_I]),
    "muskx_error_format": (ctypes.c_void_p, [_E, ctypes.c_char_p, _Z]),
    # Models
    "muskx_model_load_file": (_I, [_S, ctypes.POINTER(_P), _E]),
    "muskx_model_load_string": (_I, [ctypes.c_char_p, _Z, _S,
                                     ctypes.POINTER(_P), _E]),
    "muskx_access_new": (_P, []),
    "muskx_access_allow": (_I, [_P, _S, _E]),
    "muskx_access_free": (None, [_P]),
    "muskx_model_load_file_with": (_I, [_S, _P, ctypes.POINTER(_P), _E]),
    "muskx_model_load_string_with": (_I, [ctypes.c_char_p, _Z, _S, _P,
                                          ctypes.POINTER(_P), _E]),
    # SBML import with the Level 1-2 reading of triggers at t0 (issue 18)
    "muskx_sbml_to_yaml_opt": (_I, [_S, _I, ctypes.POINTER(_P), _E]),
    "muskx_free_string": (None, [_P]),
    "muskx_model_export_sbml": (_I, [_P, _S, ctypes.POINTER(_P), _E]),
    "muskx_model_free": (None, [_P]),
    "muskx_model_id": (_S, [_P]),
    "muskx_model_name": (_S, [_P]),
    "muskx_model_time_unit": (_S, [_P]),
    "muskx_model_source": (_S, [_P]),
    "muskx_model_count": (_I, [_P, _I]),
    "muskx_model_name_at": (_S, [_P, _I, _I]),
    "muskx_model_find": (_I, [_P, _I, _S]),
    "muskx_model_unit": (_S, [_P, _I, _I]),
    "muskx_model_doc": (_S, [_P, _I, _I]),
    "muskx_model_default": (_D, [_P, _I, _I]),
    "muskx_model_warning_count": (_I, [_P]),
    "muskx_model_warning": (_S, [_P, _I]),
    "muskx_model_reference_count": (_I, [_P]),
    "muskx_model_reference": (_S, [_P, _I]),
    "muskx_model_agent_count": (_I, [_P]),
    "muskx_model_agent_name": (_S, [_P, _I]),
    "muskx_model_agent_dose_unit": (_S, [_P, _I]),
    "muskx_model_agent_route_count": (_I, [_P, _I]),
    "muskx_model_agent_route": (_S, [_P, _I, _I, c_int_p, c_int_p,
                                     c_double_p, c_double_p]),
    "muskx_model_reaction_stoich": (_I, [_P, _I, c_int_p, c_double_p, _I]),
    "muskx_model_reaction_modifiers": (_I, [_P, _I, c_int_p, _I]),
    "muskx_model_reaction_equation": (_S, [_P, _I]),
    "muskx_model_reaction_rate": (_S, [_P, _I]),
    "muskx_model_jacobian_nnz": (_I, [_P]),
    "muskx_model_jacobian_pattern": (_I, [_P, c_int_p, c_int_p]),
    # Simulations
    "muskx_sim_create": (_I, [_P, ctypes.POINTER(_P)]),
    "muskx_sim_free": (None, [_P]),
    "muskx_sim_errmsg": (_S, [_P]),
    "muskx_sim_fail_time": (_D, [_P]),
    "muskx_sim_reset": (_I, [_P]),
    "muskx_sim_set_param": (_I, [_P, _S, _D]),
    "muskx_sim_set_param_index": (_I, [_P, _I, _D]),
    "muskx_sim_set_initial": (_I, [_P, _S, _D]),
    "muskx_sim_set_initial_index": (_I, [_P, _I, _D]),
    "muskx_sim_set_input": (_I, [_P, _S, _D]),
    "muskx_sim_set_input_table": (_I, [_P, _S, c_double_p, c_double_p, _Z,
                                       _I]),
    "muskx_sim_set": (_I, [_P, _S, _D]),
    "muskx_sim_add_dose": (_I, [_P, _S, _D, _D, _D, _I]),
    "muskx_sim_clear_doses": (_I, [_P]),
    "muskx_sim_set_continuing": (_I, [_P, _I]),
    "muskx_sim_set_tolerances": (_I, [_P, _D, _D]),
    "muskx_sim_set_atol_species": (_I, [_P, _S, _D]),
    "muskx_sim_set_linear_solver": (_I, [_P, _I]),
    "muskx_sim_set_max_steps": (_I, [_P, ctypes.c_long]),
    "muskx_sim_set_max_step": (_I, [_P, _D]),
    "muskx_sim_ncols": (_I, [_P]),
    "muskx_sim_select": (_I, [_P, ctypes.POINTER(ctypes.c_char_p), _I]),
    "muskx_sim_column_name": (_S, [_P, _I]),
    "muskx_sim_column_unit": (_S, [_P, _I]),
    "muskx_sim_run": (_I, [_P, c_double_p, _Z, c_double_p,
                           ctypes.POINTER(_Z)]),
    "muskx_sim_stat": (ctypes.c_long, [_P, _I]),
    "muskx_sim_set_sens_params": (_I, [_P, ctypes.POINTER(ctypes.c_char_p),
                                       _I]),
    "muskx_sim_sens_count": (_I, [_P]),
    "muskx_sim_sens_name": (_S, [_P, _I]),
    "muskx_sim_run_sens": (_I, [_P, c_double_p, _I, c_double_p,
                                c_double_p]),
    "muskx_sim_steady_state_sens": (_I, [_P, c_double_p, c_double_p]),
    "muskx_sim_steady_state": (_I, [_P, c_double_p, _Z]),
    "muskx_sim_steady_residual": (_D, [_P]),
    "muskx_sim_eigenvalues": (_I, [_P, c_double_p, c_double_p, _Z]),
    "muskx_sim_stability": (_I, [_P]),
    "muskx_sim_eval_rhs": (_I, [_P, _D, c_double_p, c_double_p,
                                c_double_p]),
}

# Scenarios (muskx-scenario(5)), a later section of muskx.h: declared only
# when the loaded library has them (HAVE_SCENARIOS).
_SCENARIO_PROTOTYPES = {
    "muskx_scenario_load_file": (_I, [_S, ctypes.POINTER(_P), _E]),
    "muskx_scenario_load_file_with": (_I, [_S, _P, ctypes.POINTER(_P), _E]),
    "muskx_scenario_free": (None, [_P]),
    "muskx_scenario_model": (_P, [_P]),
    "muskx_scenario_id": (_S, [_P]),
    "muskx_scenario_name": (_S, [_P]),
    "muskx_scenario_description": (_S, [_P]),
    "muskx_scenario_source": (_S, [_P]),
    "muskx_scenario_reference_count": (_I, [_P]),
    "muskx_scenario_reference": (_S, [_P, _I]),
    "muskx_scenario_errmsg": (_S, [_P]),
    "muskx_scenario_warning_count": (_I, [_P]),
    "muskx_scenario_warning": (_S, [_P, _I]),
    "muskx_scenario_set": (_I, [_P, _S, _D]),
    "muskx_scenario_phase_count": (_I, [_P]),
    "muskx_scenario_phase_name": (_S, [_P, _I]),
    "muskx_scenario_phase_start": (_D, [_P, _I]),
    "muskx_scenario_phase_end": (_D, [_P, _I]),
    "muskx_scenario_recovery_phase": (_I, [_P]),
    "muskx_scenario_t_end": (_D, [_P]),
    "muskx_scenario_dt": (_D, [_P]),
    "muskx_scenario_report_count": (_I, [_P]),
    "muskx_scenario_report_name": (_S, [_P, _I]),
    "muskx_scenario_report_show": (_I, [_P, _I]),
    "muskx_scenario_sample_times": (_Z, [_P, c_double_p, _Z]),
    "muskx_scenario_apply": (_I, [_P, _P]),
    "muskx_scenario_run": (_I, [_P, _P, c_double_p, _Z,
                                ctypes.POINTER(_Z)]),
    "muskx_scenario_run_with": (_I, [_P, _P, _I, ctypes.POINTER(_S),
                                     c_double_p, c_double_p, _Z,
                                     ctypes.POINTER(_Z)]),
    "muskx_scenario_start_warning_with": (_I, [_P, _I, ctypes.POINTER(_S),
                                               c_double_p, ctypes.c_char_p,
                                               _Z, _E]),
    "muskx_summary_compute": (_I, [_P, c_double_p, c_double_p, _Z,
                                   ctypes.POINTER(_P)]),
    "muskx_summary_free": (None, [_P]),
    "muskx_summary_get": (_D, [_P, _I, _I, _I]),
    "muskx_summary_shown": (_D, [_P, _I, _D]),
}

HAVE_SCENARIOS = all(hasattr(lib, n) for n in _SCENARIO_PROTOTYPES)
if HAVE_SCENARIOS:
    _PROTOTYPES.update(_SCENARIO_PROTOTYPES)

# PEtab problems (issue 15): declared when the library has them (HAVE_PETAB).
_PETAB_PROTOTYPES = {
    "muskx_petab_load": (_I, [_S, ctypes.POINTER(_P), _E]),
    "muskx_petab_load_with": (_I, [_S, _P, ctypes.POINTER(_P), _E]),
    "muskx_petab_free": (None, [_P]),
    "muskx_petab_model": (_P, [_P]),
    "muskx_petab_nparams": (_I, [_P]),
    "muskx_petab_param_id": (_S, [_P, _I]),
    "muskx_petab_param_scale": (_I, [_P, _I]),
    "muskx_petab_param_info": (_I, [_P, _I, c_double_p, c_double_p,
                                    c_double_p]),
    "muskx_petab_nmeasurements": (_I, [_P]),
    "muskx_petab_llh": (_I, [_P, _P, c_double_p, c_double_p, c_double_p]),
    "muskx_petab_evaluate": (_I, [_P, _P, c_double_p, c_double_p,
                                  c_double_p, c_double_p, c_double_p,
                                  c_double_p]),
    "muskx_petab_gradient": (_I, [_P, _P, c_double_p, c_double_p,
                                  c_double_p]),
    "muskx_petab_parameters_table": (_I, [_P, c_double_p,
                                          ctypes.POINTER(ctypes.c_void_p)]),
    "muskx_petab_simulations_table": (_I, [_P, c_double_p,
                                           ctypes.POINTER(ctypes.c_void_p)]),
    "muskx_free_string": (None, [ctypes.c_void_p]),
    "muskx_petab_jacobian": (_I, [_P, _P, c_double_p, c_double_p,
                                  c_double_p, c_double_p, c_double_p]),
}

HAVE_PETAB = all(hasattr(lib, n) for n in _PETAB_PROTOTYPES)
if HAVE_PETAB:
    _PROTOTYPES.update(_PETAB_PROTOTYPES)

for _name, (_res, _args) in _PROTOTYPES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args
del _name, _res, _args, _fn

# Enums of muskx.h that are not status codes. Status codes are never
# written down here: their names come from muskx_status_name().
KIND = {
    "species": 0, "parameter": 1, "input": 2, "output": 3,
    "compartment": 4, "reaction": 5, "assignment": 6, "event": 7,
}
LINEAR_SOLVER = {"auto": 0, "dense": 1, "lapack": 2, "klu": 3, "spgmr": 4}
INTERP = {"step": 0, "linear": 1}
STATS = ["steps", "rhs_evals", "jac_evals", "lin_setups", "err_test_fails",
         "nonlin_iters", "conv_fails", "root_evals", "events_fired",
         "reinits", "linear_solver"]
SHOW = ["value", "pct_change", "change"]
SUMMARY_STATS = ["baseline", "end", "peak", "peak_time", "trough",
                 "trough_time", "loss", "half_recovery"]
STABILITY = ["stable", "unstable", "oscillatory", "marginal", "unknown"]


def text(raw):
    """A C string (bytes or None) as str ('' for None)."""
    return raw.decode("utf-8", "replace") if raw is not None else ""


def encode(name):
    """A Python name as the NUL-terminated bytes the C API takes."""
    if isinstance(name, str):
        name = name.encode("utf-8")
    elif not isinstance(name, bytes):
        raise TypeError("muskx: a name must be a str, not %s"
                        % type(name).__name__)
    if b"\0" in name:
        # C would read "k\0x" as "k": another name, silently.
        raise ValueError("muskx: a name must not contain a NUL character: %r"
                         % name)
    return name


def status_name(code):
    """'OK', 'EMODEL', ... for a status code, from muskx_status_name()."""
    return text(lib.muskx_status_name(code))


def strerror(code):
    """The library's fixed sentence for a status code."""
    return text(lib.muskx_strerror(code))


# The OK status, by name (the header fixes MUSKX_OK = 0 as its contract;
# this check keeps the bindings honest if that ever changed).
OK = 0
assert status_name(OK) == "OK", "libmuskx: MUSKX_OK is not 0"


# muskx_progress_fn (muskx_ensemble_run, muskx_sobol_*): one type for every
# module that declares those calls, since ctypes keeps one argtypes list
# per library function and the last module to declare it wins.
ENSEMBLE_PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_size_t,
                                     ctypes.c_size_t)
