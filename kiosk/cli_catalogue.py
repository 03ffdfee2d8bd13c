"""``kiosk catalog``: the procedures, with the fees as the settings set them; or, with
``--json``, the active catalogue as JSON, kept in the data dir.

With ``--json`` this module is all the command loads of its own.  The settings do
not change that text, so they are not read; while its inputs stay the same it is
printed from the copy kept in the data dir, without loading the domain's entries
(issue 13: within 3× ``python -c pass``).  So a broken settings file is not reported
here, as by ``decode`` and ``detect``, which read none either: nothing printed
depends on it, and reading it would cost more than the rest of the command (about
2.6× ``python -c pass`` instead of 1.2×); ``kiosk doctor``, and every command that
uses the settings, says what is wrong with them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from kiosk import __version__
from kiosk.cli import EXIT_OK

# `kiosk catalog --json`'s inputs: the shipped catalogue (what kiosk.services reads) and
# the portal's updates in the data dir (kiosk.catalogue_updates.UPDATES_FILE); its cache.
SHIPPED_CATALOGUE = ("catalogue", "procedures.json")
CATALOGUE_UPDATES = "catalogue-updates.json"
CATALOGUE_CACHE = "catalogue-json.cache"


def cmd_catalog(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """``kiosk catalog [--search WORDS] [--json]``."""
    if args.json:  # the catalogue as it is: the settings' fees do not change it
        sys.stdout.write(catalogue_json(data_dir_of(args.data_dir, env), args.search))
        return EXIT_OK
    from kiosk.domain.fees import describe_fee
    from kiosk.services import active_catalogue, resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    overrides = runtime.config.fees
    found = active_catalogue(runtime).search(args.search)
    if not found:
        print(f"Không tìm thấy thủ tục nào với từ khoá “{args.search}”.")
        return EXIT_OK
    for p in found:
        days = p.time_limit.working_days
        limit = "trong ngày" if days == 0 else f"{days} ngày làm việc"
        fees = "; ".join(describe_fee(f, overrides) for f in p.fees) or "Miễn phí"
        print(f"{p.code:10} {p.name} — {p.field} — {p.level_name} — {limit} — {fees}")
    return EXIT_OK


def data_dir_of(chosen: str | None, env: Mapping[str, str]) -> Path:
    """The data dir as ``kiosk.services.resolve_runtime`` finds it (--data-dir, then
    KIOSK_DATA_DIR, then the default), without reading the settings."""
    from kiosk.paths import default_data_dir

    given = chosen or env.get("KIOSK_DATA_DIR")
    if given:
        return Path(given)
    return default_data_dir(Path(env.get("HOME", str(Path.home()))))


def catalogue_json(data_dir: Path, search: str = "") -> str:
    """What ``kiosk catalog --json`` prints: the active catalogue (the shipped one with the
    portal's updates laid over it, as the kiosk shows it), or what ``search`` finds in it.

    The whole list is kept in the data dir, if there is one, under a key of its inputs
    (``kiosk.domain.catalogue_cache``): while they stay the same it is printed from
    there, without loading and checking the catalogue again."""
    if search.strip():
        return _checked_catalogue_json(data_dir, search)[0]
    from kiosk.domain.catalogue_cache import cached_text, input_key
    from kiosk.paths import resource

    sources = (resource(*SHIPPED_CATALOGUE), data_dir / CATALOGUE_UPDATES)
    code = Path(__file__).parent  # this module, the services and the domain that print it

    def key() -> str:
        return input_key(sources, (code, code / "domain"), __version__)

    return cached_text(data_dir / CATALOGUE_CACHE, key,
                       lambda: _checked_catalogue_json(data_dir, ""))


def _checked_catalogue_json(data_dir: Path, search: str) -> tuple[str, bool]:
    """The catalogue read and checked (a fault in the shipped file is a DataError), and
    whether the text may be kept: not while a damaged updates file is being left out
    (the kiosk logs it each time, as it should)."""
    from kiosk.catalogue_updates import CatalogueUpdates
    from kiosk.domain.catalogue_json import load_catalogue, procedure_to_dict
    from kiosk.paths import resource

    updates = CatalogueUpdates(data_dir)
    stored = updates.load()  # a damaged file is logged and left out: the shipped one stands
    catalogue = load_catalogue(resource(*SHIPPED_CATALOGUE))
    if stored:
        catalogue = catalogue.merged(stored)
    text = json_text([procedure_to_dict(p) for p in catalogue.search(search)])
    return text, bool(stored) or not updates.path.exists()


def json_text(data: object) -> str:
    """``data`` as the commands print JSON: the Vietnamese as it is, indented, one line end."""
    import json

    # One write: json.dump would make thousands (a tenth of `kiosk catalog --json`'s time).
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
