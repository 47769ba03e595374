"""Writes of the demands app: demands (and their actions and sweep), Coffee Time, the
Happiness Center."""
