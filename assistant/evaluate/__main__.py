"""``python -m assistant.evaluate SETS...``: the ``eval`` subcommand on its own.

The usual entry point is ``sciatica-assistant eval``; this one is handy while the main CLI is
being wired, and in CI images that only carry the eval dependencies.
"""

import argparse
import sys

from .command import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluate")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
