"""Large rosters: the synthetic roster generator and distributed evaluation."""
