"""Hyperparameter sweeps: an Optuna study of training runs, every trial a nested MLflow run.

``glass-lightning sweep --config sweeps/X.yaml [--workers K]``; see :mod:`glass_lightning.sweep.spec`
for the sweep file.
"""
