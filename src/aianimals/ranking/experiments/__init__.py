"""A/B tests of rankers: per-arm engagement from the logs, and simulated users to fill them."""
