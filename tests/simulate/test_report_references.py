"""Every reference value of the simulation report names its source and definition, and the one taken from
the bundled Bapst et al. data is the value stored there."""

from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.simulate.physics_reference import REFERENCE
from glass_lightning.simulate.report import REFERENCES


def test_every_reference_names_its_source_and_definition():
    assert REFERENCES and all(reference.source and reference.definition for reference in REFERENCES)
    assert {reference.quantity for reference in REFERENCES} <= {"tau_alpha", "U/N"}


def test_the_bapst_tau_alpha_is_the_bundled_one():
    bundled = read_snapshot(REFERENCE)
    (reference,) = [reference for reference in REFERENCES if "Bapst" in reference.source]
    assert (reference.temperature, reference.quantity) == (bundled.temperature, "tau_alpha")
    assert reference.value == bundled.metadata["tau_alpha"]
