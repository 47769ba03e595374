"""Reads of the demands app, each scoped to what the actor may see."""
