"""The recipe's section: its workload is configs/default.yaml's, each case's malloc is explicit, its text."""

import inspect
from pathlib import Path

import pytest
import yaml
from bench import timing_results

from glass_lightning.allocator import OPT_OUT_VARIABLE, SETTINGS, TUNABLES_VARIABLE
from glass_lightning.bench.floor import MachineRates
from glass_lightning.bench.recipe import malloc_environment, recipe_lines
from glass_lightning.bench.step_count import StepCount
from glass_lightning.bench.workload import RECIPE
from glass_lightning.models.se3 import SE3Net

REPOSITORY = Path(__file__).resolve().parents[2]
TUNED_ITEMS = {f"{name}={value}" for name, value in SETTINGS.items()}


def test_the_recipe_workload_is_the_configs():
    config = yaml.safe_load((REPOSITORY / "configs" / "default.yaml").read_text())
    # the benchmark's graph has no node inputs (data.node_inputs: two scalars a particle, no measurable cost), so
    # neither has its network the routing of the last one
    settings = {
        name: value for name, value in config["model"]["model"]["init_args"].items() if name != "linear_node_inputs"
    }
    defaults = {name: parameter.default for name, parameter in inspect.signature(SE3Net).parameters.items()}
    network = {**defaults, **RECIPE.network_settings()}
    assert {name: network[name] for name in settings} == settings
    assert RECIPE.cutoff == config["data"]["init_args"]["cutoff"]
    assert config["model"]["optimizer"]["class_path"] == f"torch.optim.{RECIPE.optimizer}"


@pytest.mark.parametrize(
    ("bench_environment", "kept"),
    [
        ({"PATH": "/bin"}, None),
        ({"PATH": "/bin", TUNABLES_VARIABLE: "glibc.rtld.nns=2:" + ":".join(sorted(TUNED_ITEMS))}, "glibc.rtld.nns=2"),
        ({"PATH": "/bin", TUNABLES_VARIABLE: "glibc.malloc.mmap_threshold=1024", OPT_OUT_VARIABLE: "system"}, None),
    ],
)
def test_each_case_has_its_malloc_whatever_the_bench_process_has(bench_environment, kept):
    """The user's own malloc settings and opt-out are overridden; other tunables are kept."""
    tuned, default = malloc_environment(True, bench_environment), malloc_environment(False, bench_environment)
    assert tuned["PATH"] == default["PATH"] == "/bin" and OPT_OUT_VARIABLE not in tuned | default
    assert default.get(TUNABLES_VARIABLE) == kept
    assert set(tuned[TUNABLES_VARIABLE].split(":")) == TUNED_ITEMS | ({kept} if kept else set())


def result(train_s, inference_s):
    return timing_results.result(train_s, inference_s, kernel_share=0.25, num_edges=307000)


def test_the_section_has_the_setting_the_cases_and_the_floor():
    results = [
        ("ours", True, result(1.0, 0.4)),
        ("ours", False, result(2.0, 0.5)),
        ("per_edge", True, result(3.0, 1.2)),
        ("per_edge", False, {"error": "killed (out of memory?)"}),
    ]
    counts = {"training": StepCount(8 * 10**9, 32 * 10**8), "inference": StepCount(3 * 10**9, 8 * 10**8)}
    rates = MachineRates(flops_per_s=8e10, bytes_per_s=1.6e10, threads=2)
    lines = recipe_lines(results, 3e-7, counts, rates, repeats=2, device="cpu")
    text = "\n".join(lines)
    assert f"cutoff {RECIPE.cutoff}, 307000 directed edges" in text and "AdamW step" in text and "= 3.0e-07" in text
    assert "| SE3Net | as glibc sets it | 2.00 |" in text and "| before (per-edge reference) | tuned | 3.00 |" in text
    assert "with 2 torch thread(s): float32 2048 x 2048 matmul 80 GFLOP/s, copy 16 GB/s" in text
    assert "| training | 8 | 3.2 | 0.2 | memory | 1 | 5x |" in text
