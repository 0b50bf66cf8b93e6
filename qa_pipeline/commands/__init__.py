"""Subcommands of `qa-pipeline`, one module each, each with ``register(subparsers)``."""
