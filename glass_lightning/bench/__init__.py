"""The benchmark suite behind ``glass-lightning bench`` / ``make bench``: SE3Net against two
reference implementations of the same network, the data path and the simulator."""
