"""``python -m terminal.cli``: the same as the ``terminal`` command."""

import sys

from terminal.cli.entry import main

sys.exit(main())
