"""The subcommands of ``briefing``, a module for each group, imported only when one of them runs.

``briefing --help`` reads none of them; ``build`` reads neither the mail nor the preview code.
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class Usage(Exception):
    """Bad command-line arguments."""
