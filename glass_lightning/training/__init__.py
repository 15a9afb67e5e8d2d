"""Training: GlassModule (loss, optimizer, Pearson metrics), the LightningCLI, MLflow tracking,
test-time reports and prediction files."""
