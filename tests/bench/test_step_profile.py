"""The step profile names real operations of a training step and their shares of it."""

import pytest

from glass_lightning.bench.step_profile import profile_lines, step_profile
from glass_lightning.bench.workload import RECIPE


def test_the_profile_of_a_small_recipe_step_lists_its_costliest_operations():
    full = step_profile(RECIPE.smaller(512), rows=1000)
    profile = full[:5]
    assert sum(share for _, _, share in full) == pytest.approx(1.0)  # every operation of the step is listed
    shares = [share for _, _, share in profile]
    assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 1 + 1e-9
    assert "aten::bmm" in [name for name, _, _ in full]  # the first layer's batched products
    table = profile_lines(profile)[-1].splitlines()
    assert table[0] == "| operation | self CPU (s) | share of the step |" and len(table) == 2 + 5
