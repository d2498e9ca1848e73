"""``python3 -m spikeae.search``: the search's command line (see docs/search.md)."""

import sys

from . import main

sys.exit(main())
