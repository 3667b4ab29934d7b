"""Shared by every layer: the deployment's settings (gridsight.settings)."""
