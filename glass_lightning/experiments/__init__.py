"""The paper's experiments as one command, ``glass-lightning reproduce``: see :mod:`glass_lightning.experiments.command`."""
