from bench.timing_results import result

from glass_lightning.bench.floor import MachineRates
from glass_lightning.bench.report import floor_table, model_table, recipe_table, write_report
from glass_lightning.bench.step_count import StepCount
from glass_lightning.bench.workload import Workload


def test_speed_ups_are_reference_time_over_ours_and_failures_are_shown():
    results = {
        "ours": result(2.0, 0.5, num_edges=7),
        "e3nn": result(6.0, 1.0, num_edges=7),
        "fully_connected": {"error": "killed"},
    }
    rows = model_table(Workload(num_particles=1000), results).splitlines()
    assert rows[2].startswith("| SE3Net (ours) | 2.00 | 0.5 | 500 |")
    assert rows[3].endswith("| 3x | 2x |")
    assert "killed" in rows[4]


def test_report_has_machine_command_and_sections(tmp_path):
    path = write_report(tmp_path / "BENCHMARKS.md", "glass-lightning bench", "cpu", {"Networks": ["| a | b |"]})
    text = path.read_text()
    assert (
        "`glass-lightning bench`" in text
        and "- CPU: " in text
        and "torch " in text
        and "## Networks\n\n| a | b |" in text
    )
    assert not (tmp_path / "BENCHMARKS.md.tmp").exists()


def test_rewriting_the_report_keeps_the_figures_measured_on_a_gpu(tmp_path):
    gpu = "## On a GPU: device check, 2026-12-04\n\n| step | seconds |\n|---|---|\n| paper fit | 17.1 |\n"
    old = f"# Benchmarks\n\n## Networks\n\nold table\n\n{gpu}\n## Data path\n\nold data\n"
    (tmp_path / "BENCHMARKS.md").write_text(old)
    text = write_report(tmp_path / "BENCHMARKS.md", "glass-lightning bench", "cpu", {"Networks": ["new"]}).read_text()
    assert "## Networks\n\nnew\n" in text and "old table" not in text and "old data" not in text
    assert text.endswith(gpu)


def test_recipe_rows_are_ratios_to_the_first_and_failures_are_shown():
    first, slower = {**result(2.0, 0.5), "kernel_share": 0.1}, {**result(5.0, 0.6), "kernel_share": 0.55}
    rows = recipe_table([("now", "tuned", first), ("now", "glibc", slower), ("before", "tuned", {"error": "killed"})])
    lines = rows.splitlines()
    assert lines[2] == "| now | tuned | 2.00 | 100 | 0.50 | 10 | 10% | 1x | 1x |"
    assert lines[3].endswith("| 5.00 | 100 | 0.60 | 10 | 55% | 2.5x | 1.2x |")
    assert lines[4] == "| before | tuned | killed | — | — | — | — | — | — |"


def test_floor_rows_give_the_bound_and_the_measured_time_over_the_floor():
    rates = MachineRates(flops_per_s=1e11, bytes_per_s=1e10, threads=1)
    counts = {"training": StepCount(3 * 10**10, 10**9), "inference": StepCount(10**10, 5 * 10**9)}
    lines = floor_table(counts, rates, {"training": 1.5, "inference": None}).splitlines()
    assert lines[2] == "| training | 30 | 1 | 0.3 | FLOPs | 1.5 | 5x |"
    assert lines[3] == "| inference | 10 | 5 | 0.5 | memory | — | — |"
