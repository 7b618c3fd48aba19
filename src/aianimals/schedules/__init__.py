"""Scheduled pipelines: cron timing, the embedded scheduler, its CLI and the Argo rendering."""
