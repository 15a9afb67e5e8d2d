"""The dataset writer without simulating: what it says about files already written."""

from glass_lightning.simulate.config import QUICK, load_config
from glass_lightning.simulate.dataset import configuration_path, generate, temperature_directory


def test_trajectories_asked_of_a_dataset_already_written_say_why_none_come(tmp_path, capsys):
    config = load_config(None, dict(QUICK, output=str(tmp_path), trajectories=True))
    for temperature in config.temperatures:  # every configuration file present: nothing left to simulate
        for index in range(config.configurations):
            path = configuration_path(temperature_directory(config.output, temperature), index)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
    generate(config, progress=False, sample_only=True)
    assert "without trajectories" not in capsys.readouterr().err  # sampling writes no trajectory: nothing to say
    generate(config, progress=False)
    error = capsys.readouterr().err
    assert error.count("already written without trajectories") == len(config.temperatures)
    assert f"{config.configurations} configuration(s)" in error and "new --output" in error
