"""The decision log: hash-chained entries, signing keys, verification, replay."""
