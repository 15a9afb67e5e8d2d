"""Hyperparameter sweeps (``glass-lightning sweep``): an Optuna study of training runs, every trial a
nested MLflow run; :mod:`glass_lightning.sweep.spec` describes the sweep file."""
