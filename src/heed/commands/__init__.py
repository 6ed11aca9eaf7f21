"""Sub-commands of the `heed` console command.

Each module here exposes ``register(subparsers)`` which adds one or more sub-commands whose handler is stored
as ``func`` on the parsed namespace. Handlers are thin: parse input, call one service, print.
"""
