"""Decisions rendered for people and tools: text, one writer per format, the HTML report."""
