"""test_model.py -- loading models and reading their names and defaults."""

import gc
import os
import tempfile
import pathlib
import unittest

from support import muskx, model_path, SHIPPED

DECAY = """
muskx: 1
model: {id: decay_s, name: "decay from a string", time_unit: s}
parameters:
  k: {value: 0.7, unit: 1/s, doc: "rate constant"}
  k2: 2*k
species:
  A: {initial: 1.5, unit: mM}
reactions:
  - id: decay
    equation: A ->
    rate: k*A
outputs:
  half: A/2
"""


class Agents(unittest.TestCase):
    """`agents:` (muskx-model(5)): tests/models/agents_pk.yaml's banner
    gives every number by hand."""

    def test_lists_each_drug_with_its_routes(self):
        with muskx.load(model_path("agents_pk.yaml")) as m:
            self.assertEqual(sorted(m.agents), ["drug_a", "drug_b"])
            a = m.agents["drug_a"]
            self.assertEqual(a["dose_unit"], "mg")
            self.assertEqual(a["routes"]["sc"],
                             {"depot": "A_depot", "bioavailability": "F_sc",
                              "per_dose_unit": 1.0})
            self.assertAlmostEqual(a["routes"]["iv"]["per_dose_unit"], 1000)
            self.assertEqual(a["routes"]["iv"]["bioavailability"], 1.0)
            oral = m.agents["drug_b"]["routes"]["oral"]
            self.assertEqual(oral["depot"], "B_gut")
            self.assertAlmostEqual(oral["per_dose_unit"], 2000)  # 500 g/mol
            self.assertEqual(oral["bioavailability"], 0.05)

    def test_a_model_without_agents_has_none(self):
        with muskx.load(model_path("decay.yaml")) as m:
            self.assertEqual(m.agents, {})


class LoadingAFile(unittest.TestCase):
    def setUp(self):
        self.m = muskx.load(model_path("decay.yaml"))

    def tearDown(self):
        self.m.close()

    def test_gives_the_model_identity(self):
        self.assertEqual(self.m.id, "decay")
        self.assertEqual(self.m.name, "First-order decay")
        self.assertEqual(self.m.time_unit, "s")
        self.assertTrue(self.m.source.endswith("decay.yaml"))
        self.assertEqual(len(self.m.references), 1)

    def test_lists_the_names_of_every_kind_in_file_order(self):
        self.assertEqual(self.m.species, ["A"])
        self.assertEqual(self.m.parameters, ["k"])
        self.assertEqual(self.m.inputs, [])
        self.assertEqual(self.m.outputs, ["half"])
        self.assertEqual(self.m.reactions, ["decay"])
        self.assertEqual(self.m.compartments, [])
        self.assertEqual(self.m.columns, ["A", "half"])

    def test_gives_default_values(self):
        self.assertEqual(self.m.parameter_values, {"k": 0.7})
        self.assertEqual(self.m.initial_values, {"A": 1.5})

    def test_describes_a_name(self):
        d = self.m.describe("k")
        self.assertEqual(d["kind"], "parameter")
        self.assertEqual(d["unit"], "1/s")
        self.assertEqual(d["doc"], "decay rate constant")
        self.assertEqual(d["default"], 0.7)
        r = self.m.describe("decay")
        self.assertEqual(r["kind"], "reaction")
        self.assertEqual(r["rate"], "k*A")
        with self.assertRaises(KeyError):
            self.m.describe("nope")

    def test_info_and_repr_are_readable(self):
        info = self.m.info()
        self.assertIn("decay", info)
        self.assertIn("decay rate constant", info)
        self.assertIn("'decay'", repr(self.m))

    def test_names_returned_are_copies(self):
        self.m.species.append("X")
        self.assertEqual(self.m.species, ["A"])

    def test_accepts_a_path_object(self):
        with muskx.load(pathlib.Path(model_path("decay.yaml"))) as m:
            self.assertEqual(m.id, "decay")


class LoadingAString(unittest.TestCase):
    def test_evaluates_derived_parameters(self):
        with muskx.loads(DECAY) as m:
            self.assertEqual(m.id, "decay_s")
            self.assertAlmostEqual(m.parameter_values["k2"], 1.4)

    def test_uses_the_given_source_name(self):
        with muskx.loads(DECAY, name="mine.yaml") as m:
            self.assertEqual(m.source, "mine.yaml")

    def test_accepts_bytes(self):
        with muskx.loads(DECAY.encode()) as m:
            self.assertEqual(m.species, ["A"])

    def test_warns_of_an_event_condition_that_never_turns_true(self):
        self.assertEqual(muskx.loads(DECAY).warnings, [])
        text = DECAY + 'events:\n  - {id: nope, when: "1 > 2", set: {A: 1}}\n'
        with muskx.loads(text, name="w.yaml") as m:
            self.assertEqual(len(m.warnings), 1)
            self.assertTrue(m.warnings[0].startswith("w.yaml:"))
            self.assertIn("'nope' is always false", m.warnings[0])


class AnSbmlLevel2Model(unittest.TestCase):
    """tests/models/l2_true_at_t0.xml: the event x1 > x1_bar is true at
    t0 (x1 = 2 > 1, dx1/dt = -x1); y counts its firings. Time in days."""

    PATH = model_path("l2_true_at_t0.xml")

    def test_default_reading_warns_and_does_not_fire(self):
        with muskx.load(self.PATH) as m:
            self.assertEqual(m.time_unit, "d")
            self.assertEqual(len(m.warnings), 1)
            self.assertIn("'switch_on' is true at the start", m.warnings[0])
            self.assertEqual(list(m.simulate(t_end=1, dt=1)["y"]), [0, 0])

    def test_false_reading_fires_at_the_start(self):
        with muskx.load(self.PATH, l2_initial_trigger=False) as m:
            self.assertEqual(m.warnings, [])
            self.assertEqual(list(m.simulate(t_end=1, dt=1)["y"]), [1, 1])
        text = muskx.sbml_to_yaml(self.PATH, l2_initial_trigger=True)
        self.assertIn("initial_value: true", text)
        with muskx.loads(text) as m:
            self.assertEqual(m.warnings, [])


class TheShippedSpaceflightModel(unittest.TestCase):
    PATH = os.path.join(SHIPPED, "crosstalk", "spaceflight.yaml")

    @unittest.skipUnless(os.path.exists(PATH), "spaceflight.yaml not there")
    def test_has_the_countermeasure_inputs(self):
        with muskx.load(self.PATH) as m:
            for name in ("loading", "exercise_resistive", "exercise_aerobic"):
                self.assertIn(name, m.inputs)
            self.assertIn("muscle.M", m.species)
            self.assertEqual(m.input_values["loading"], 1.0)


class AModelsLifetime(unittest.TestCase):
    def test_ends_with_its_with_block(self):
        with muskx.load(model_path("decay.yaml")) as m:
            m.simulate(t_end=1)
        self.assertTrue(m.closed)
        with self.assertRaises(muskx.MuskxError) as cm:
            m.simulate(t_end=1)
        self.assertEqual(cm.exception.status, "ESTATE")

    def test_close_is_idempotent(self):
        m = muskx.load(model_path("decay.yaml"))
        m.close()
        m.close()
        self.assertIn("closed", repr(m))

    def test_ends_with_the_garbage_collector(self):
        m = muskx.load(model_path("decay.yaml"))
        h = m._h
        del m
        gc.collect()
        self.assertTrue(h.closed)
        self.assertIsNone(h.ptr)


class TheLibrary(unittest.TestCase):
    def test_reports_its_version(self):
        self.assertRegex(muskx.library_version(), r"^\d+\.\d+\.\d+$")

    def test_status_names_come_from_the_library(self):
        from muskx import _lib
        self.assertEqual(_lib.status_name(_lib.OK), "OK")
        self.assertTrue(muskx.library_path)


class FileAccess(unittest.TestCase):
    """Issue 16: imports are read only inside the top file's folder, the
    current directory (never "/"; not with MUSKX_STRICT_PATHS=1) and the
    allowed ones (allow_path, MUSKX_ALLOW_PATH)."""

    def setUp(self):
        self.saved = os.environ.pop("MUSKX_ALLOW_PATH", None)
        self.strict = os.environ.pop("MUSKX_STRICT_PATHS", None)
        self.cwd = os.getcwd()
        self.path = os.path.join(SHIPPED, "crosstalk", "spaceflight.yaml")
        # a folder that holds neither the model nor its imports
        self.elsewhere = tempfile.mkdtemp()
        os.chdir(self.elsewhere)

    def tearDown(self):
        os.chdir(self.cwd)
        os.rmdir(self.elsewhere)
        if self.saved is not None:
            os.environ["MUSKX_ALLOW_PATH"] = self.saved
        os.environ.pop("MUSKX_STRICT_PATHS", None)
        if self.strict is not None:
            os.environ["MUSKX_STRICT_PATHS"] = self.strict

    def test_an_import_outside_the_folder_is_refused(self):
        with self.assertRaises(muskx.ModelFileError) as cm:
            muskx.load(self.path)
        self.assertIn("outside the folder", str(cm.exception))
        self.assertIn("../drugs/denosumab.yaml", str(cm.exception))

    def test_the_current_directory_is_allowed_unless_strict(self):
        os.chdir(os.path.dirname(SHIPPED))  # the folder above models/
        with muskx.load(self.path) as m:
            self.assertEqual(m.id, "spaceflight")
        os.environ["MUSKX_STRICT_PATHS"] = "1"
        with self.assertRaises(muskx.ModelFileError) as cm:
            muskx.load(self.path)
        self.assertIn("outside the folder", str(cm.exception))

    def test_the_root_folder_is_never_allowed(self):
        os.chdir("/")
        with self.assertRaises(muskx.ModelFileError):
            muskx.load(self.path)

    def test_allow_path_and_the_environment_let_it_in(self):
        with muskx.load(self.path, allow_path=SHIPPED) as m:
            self.assertEqual(m.id, "spaceflight")
        os.environ["MUSKX_ALLOW_PATH"] = SHIPPED
        with muskx.load(self.path) as m:
            self.assertEqual(m.id, "spaceflight")

    def test_a_missing_allowed_folder_is_an_error(self):
        with self.assertRaises(muskx.ModelFileError):
            muskx.load(self.path, allow_path=os.path.join(SHIPPED, "nosuch"))


if __name__ == "__main__":
    unittest.main()
