"""Tools for rule authors: lint, plain-English explanation, rule tests, editor schemas."""
