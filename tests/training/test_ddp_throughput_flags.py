"""``glass-lightning bench-ddp``: hyphenated flags like every other command; the old ``--batch_size`` still works."""

from glass_lightning.training.ddp_throughput import parser


def test_batch_size_is_hyphenated_and_the_old_spelling_is_a_hidden_alias():
    assert parser().parse_args(["--batch-size", "4"]).batch_size == 4
    assert parser().parse_args(["--batch_size", "5"]).batch_size == 5
    assert parser().parse_args([]).batch_size == 2
    assert "--batch_size" not in parser().format_help()
