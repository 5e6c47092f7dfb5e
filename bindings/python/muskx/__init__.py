"""muskx -- Python bindings of libmuskx (muscle-bone crosstalk ODE models).

Load a YAML model, change what you like, simulate, read columns:

    import muskx
    m = muskx.load("models/crosstalk/spaceflight.yaml")
    print(m.info())                      # names, defaults, units, docs
    r = m.simulate(t_end=545, dt=1,
                   inputs={"loading": ([0, 180], [0, 1])},   # step table
                   params={"w_res": 0.8})
    print(r["BMD_wb_pct"][-1], r.final["muscle_pct"])

    try:
        muskx.load("bad.yaml")
    except muskx.ModelError as e:
        print(e.file, e.line, e.column, e.message)

Main entry points:
  load(path), loads(text, name=None)  -> Model (YAML, or SBML file/text)
  Model.simulate(...)                 -> Result (columns by name)
  Model.simulate(0, 100, 1001, selections=["time", "A", "r1"])
                                      roadrunner's (start, end, points);
                                      any name as a column
  Model.simulator()                   -> Simulator (stateful: sim["k"] = 3,
                                      simulate, continue, reset())
  Model.eval_rhs(t, y), .jacobian(t, y[, sparse=True]), .to_sbml([path])
  Model.ensemble(0, 10, 11, vary={"k": ("lognormal", 0.7, 0.3)}, n=500)
                                      -> Ensemble (quantiles, plot, pandas)
  Result: numpy.asarray(r), r[:, 0], r.plot(), r.to_pandas(), r.units
  Model.steady_state(...)             -> SteadyState
  load_scenario(path), run_scenario(path, set=None), compare(*paths)
                                      (scenario files, muskx-scenario(5);
                                      when the library has them:
                                      HAVE_SCENARIOS)
  Problem.from_petab(path), .llh(theta), .evaluate(theta),
    .fit(starts=...), .profile(fit_result)   (intervals, identifiability)
                                      (PEtab problems, when the library
                                      has them: HAVE_PETAB)
Exceptions (all muskx.MuskxError, with .status such as "EMODEL"):
  ModelError (.file .line .column), ModelFileError (also OSError),
  NameNotFoundError (also KeyError; .name, the unknown name given),
  InvalidArgumentError (also ValueError), SolverError (.time, .result),
  ConvergenceError.

Threads: a Model is immutable and may be shared; every simulate() call
uses its own C simulation and releases the GIL while it integrates, so a
concurrent.futures.ThreadPoolExecutor runs simulations in parallel.

numpy: when importable, Result columns are numpy arrays (views of the
buffer the C library wrote, no copy); otherwise lists. Set the environment
variable MUSKX_NO_NUMPY=1 (before import) to force the pure-Python path.

The shared library is found via $MUSKX_LIBRARY, this package's folder,
the source tree's build/ folder, then the system loader (see muskx._lib).
"""

from ._lib import library_path, lib as _clib, text as _text
from .errors import (MuskxError, ModelError, ModelFileError,
                     NameNotFoundError, InvalidArgumentError, SolverError,
                     ConvergenceError)
from .model import Model, SteadyState, load, loads, sbml_to_yaml
from .result import Result, HAVE_NUMPY
from .simulator import Simulator
from .ensemble import Ensemble
from ._lib import HAVE_SCENARIOS, HAVE_PETAB
if HAVE_SCENARIOS:
    from .scenario import (Scenario, ScenarioResult, Comparison,
                           load_scenario, run_scenario, compare)
if HAVE_PETAB:
    from .petab import Problem

__version__ = "0.1.0"

__all__ = ["load", "loads", "sbml_to_yaml", "Model", "Result", "SteadyState",
           "Simulator", "Ensemble", "MuskxError",
           "ModelError", "ModelFileError", "NameNotFoundError",
           "InvalidArgumentError", "SolverError", "ConvergenceError",
           "library_version", "library_path", "HAVE_NUMPY", "HAVE_SCENARIOS",
           "__version__"]
if HAVE_SCENARIOS:
    __all__ += ["Scenario", "ScenarioResult", "Comparison", "load_scenario",
                "run_scenario", "compare"]
__all__ += ["HAVE_PETAB"]
if HAVE_PETAB:
    __all__ += ["Problem"]


def library_version():
    """The version string of the loaded libmuskx ("0.1.0")."""
    return _text(_clib.muskx_version_string())

# Virtual crews: ensembles and global sensitivity (issue 19).
if HAVE_SCENARIOS:
    from .population import ensemble, gsa, Population, Sensitivity
    __all__ += ["ensemble", "gsa", "Population", "Sensitivity"]
