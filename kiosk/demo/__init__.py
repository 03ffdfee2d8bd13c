"""Demo mode, kept apart from the product: the portal simulator, the synthetic renderer
of cards and pages, the demo camera and scanner.

Only demo mode (``kiosk run --demo``, ``kiosk portal-sim``) and the tests and benchmarks
import it; nothing in the product imports it at module level, and an appliance install
leaves the folder out (``tests/test_architecture.py`` keeps it that way).
"""
