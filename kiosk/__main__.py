"""``python -m kiosk`` is the same as the ``kiosk`` command."""

import sys

if sys.argv[1:2] == ["--kiosk-caged-check"]:
    # A frozen build has no ``python -m``: the caged file check runs the kiosk's own
    # executable with this flag (kiosk/scanner/cage.py), before anything else is imported.
    from kiosk.scanner.cage import child_main

    sys.exit(child_main(sys.argv[2:]))

from kiosk.cli import main

sys.exit(main())
