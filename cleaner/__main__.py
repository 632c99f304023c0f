"""``python -m cleaner`` is the ``clean`` command."""

import sys

from cleaner.cli import main

sys.exit(main())
