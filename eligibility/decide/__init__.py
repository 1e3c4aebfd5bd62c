"""Deciding: service-credit arithmetic, criteria, the status policy, the deciders and the evaluator."""
