"""Command-line entry point; filled in below."""


def main() -> None:
    """Run the command-line interface."""
