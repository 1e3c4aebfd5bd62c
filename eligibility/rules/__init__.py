"""The rule files: their schema and vocabulary, safe YAML loading with positions, versions in force."""
