"""Employee records: the models, and every roster reader and writer (YAML, CSV, JSON lines, Parquet, HR exports)."""
