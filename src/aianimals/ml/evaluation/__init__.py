"""Offline evaluation of models against held-out access logs."""
