from glass_lightning.bench.report import model_table, write_report
from glass_lightning.bench.workload import Workload


def result(train_s, inference_s):
    return {
        "train_s": train_s,
        "inference_s": inference_s,
        "train_peak_mb": 100.0,
        "inference_peak_mb": 10.0,
        "num_edges": 7,
    }


def test_speed_ups_are_reference_time_over_ours_and_failures_are_shown():
    results = {"ours": result(2.0, 0.5), "e3nn": result(6.0, 1.0), "fully_connected": {"error": "killed"}}
    rows = model_table(Workload(num_particles=1000), results)
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
