"""The paper's experiments as one command (``glass-lightning reproduce``): model comparison,
generalization across temperatures, transfer learning, ablations, interpretability and one model
for all temperatures, every fit an MLflow run, the report in RESULTS.md with figures."""
