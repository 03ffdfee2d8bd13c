"""``python3 -m kiosk.appliance install …``: the installer before the kiosk is installed."""

import sys

from kiosk.appliance.install import main

if __name__ == "__main__":
    if sys.argv[1:2] != ["install"]:
        print("Cách dùng: python3 -m kiosk.appliance install (--wheel TỆP | --folder THƯ_MỤC) …",
              file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[2:]))
