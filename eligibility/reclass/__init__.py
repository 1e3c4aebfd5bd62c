"""Reclassification proposals: applying them, their impact on people, pay and qualifications."""
