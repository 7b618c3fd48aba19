"""Learn-to-rank in service: serving, its inputs and feature updates, A/B experiments."""
