"""The kiosk's configuration: one TOML file read once into frozen dataclasses.

Defaults describe the seed's commune (UBND xã Cộng Lạc), except the portal:
a kiosk installed without a config file has no portal address or credentials
(it seals and queues offline and says the portal is not configured); only demo
mode fills in the simulator's.  Every number is range-checked at load against
one table (``RANGES``), floats must be finite.  Facts the law leaves to the site (the
agency code, fees set by the provincial council, Saturday opening) are
configuration, never constants in code.  Environment overrides arrive as a
mapping from the composition root: this module never reads ``os.environ``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from kiosk.domain.codes import validate_agency_code
from kiosk.domain.errors import DomainError, error_from_table

_MESSAGES = {
    "unreadable": "Không đọc được tệp cấu hình {path}: {reason}.",
    "syntax": "Tệp cấu hình {path} sai cú pháp TOML: {reason}.",
    "unknown_section": "Tệp cấu hình có mục [{section}] không được hỗ trợ.",
    "unknown_key": "Mục [{section}] của tệp cấu hình có khoá '{key}' không được hỗ trợ.",
    "not_table": "Mục [{section}] của tệp cấu hình phải là một bảng các khoá.",
    "wrong_type": "Khoá '{section}.{key}' phải là {expected}.",
    "bad_time": "Khoá '{section}.{key}' phải là giờ dạng HH:MM (ví dụ 17:00).",
    "bad_value": "Khoá '{section}.{key}' không hợp lệ: {reason}.",
    "out_of_range": "Khoá '{section}.{key}' phải nằm trong khoảng {low}–{high}{unit}.",
    "not_finite": "Khoá '{section}.{key}' phải là một số hữu hạn (không nhận inf hay nan).",
    "bad_text": "Khoá '{section}.{key}' có ký tự điều khiển hoặc dài quá {limit} ký tự.",
}
MAX_TEXT = 500  # characters in one text value (a path, a name, an address)


class ConfigError(DomainError):
    """The configuration file or an override is not usable."""


@dataclass(frozen=True)
class SiteConfig:
    name: str = "UBND xã Cộng Lạc"
    office: str = "Bộ phận Một cửa UBND xã Cộng Lạc"
    province: str = "Thành phố Hải Phòng"
    # Hải Dương's agency code is not confirmed (DOMAIN.md §2): H23 is a placeholder.
    agency_code: str = "000.00.00.H23"
    portal_address: str = "dichvucong.haiphong.gov.vn"
    saturday_working: bool = False
    office_close: time = time(17, 0)
    same_day_cutoff: time = time(15, 0)


@dataclass(frozen=True)
class KioskConfig:
    id: str = "KIOSK-01"
    sequence_start: int = 1000
    sequence_end: int = 1999
    usb_root: str = "/media"  # where USB sticks are mounted; empty: no "Từ USB" button
    show_cursor: bool = False  # a touch kiosk hides the mouse pointer in full screen


@dataclass(frozen=True)
class PortalConfig:
    url: str = ""  # no demo defaults in production: set by the site, or by --demo
    client_id: str = ""
    client_secret: str = ""
    timeout_seconds: float = 20.0

    @property
    def configured(self) -> bool:
        """A portal to send to: an address and both credentials are set."""
        return bool(self.url.strip() and self.client_id.strip() and self.client_secret.strip())


@dataclass(frozen=True)
class PrinterConfig:
    name: str = ""  # the printer (empty: the system default); for "file", a folder
    mode: str = "system"  # "system" (Qt print support), "escpos-raster" or "file" (PDFs)
    paper: str = "80mm"  # "80mm", "a5" or "a4"


@dataclass(frozen=True)
class CameraConfig:
    device: str = "auto"  # "auto", a device index such as "0", "demo", or a video file path
    width: int = 1280
    height: int = 720


@dataclass(frozen=True)
class SessionConfig:
    idle_warning_seconds: int = 180
    idle_countdown_seconds: int = 30
    done_return_seconds: int = 60


@dataclass(frozen=True)
class PaymentConfig:
    """Bank account for VietQR fee payment (toàn trình); empty means not offered."""

    bank_bin: str = ""
    account: str = ""
    account_name: str = ""


@dataclass(frozen=True)
class RetentionConfig:
    """How long a dossier's personal data stays on the kiosk once the portal holds it
    (PDPL 91/2025/QH15: deleted once the purpose is met; kept a few days for reprints)."""

    days: int = 7


@dataclass(frozen=True)
class MetricsConfig:
    """Where the Prometheus exporter listens ("host:port", e.g. 127.0.0.1:9108); empty: off."""

    address: str = ""
    # Where ``kiosk sync`` listens when it runs beside ``kiosk run`` (the appliance's two
    # services read one config file, so they need two ports); empty: ``address``.
    sync_address: str = ""
    # When the office opens on a working day (it closes at [site] office_close): the
    # exporter counts working hours from here, so alerts keep quiet at night and on holidays.
    office_open: time = time(7, 30)

    def address_for(self, role: str) -> str:
        """The address the exporter of ``role`` ("run" or "sync") listens on; "" when off."""
        if role == "sync":
            return (self.sync_address.strip() or self.address.strip())
        return self.address.strip()


@dataclass(frozen=True)
class Config:
    site: SiteConfig = field(default_factory=SiteConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    portal: PortalConfig = field(default_factory=PortalConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    session: SessionConfig = field(default_factory=SessionConfig)
    payment: PaymentConfig = field(default_factory=PaymentConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    # Fees the provincial council sets, by the catalogue's config_key, in VND.
    fees: Mapping[str, int] = field(default_factory=dict)


# Overrides an operator may set in the environment, mapped to (section, key).
ENV_OVERRIDES: Mapping[str, tuple[str, str]] = {
    "KIOSK_PORTAL_URL": ("portal", "url"),
    "KIOSK_PORTAL_CLIENT_ID": ("portal", "client_id"),
    "KIOSK_PORTAL_CLIENT_SECRET": ("portal", "client_secret"),
    "KIOSK_PRINTER": ("printer", "name"),
    "KIOSK_CAMERA": ("camera", "device"),
    "KIOSK_METRICS_ADDRESS": ("metrics", "address"),
    "KIOSK_METRICS_SYNC_ADDRESS": ("metrics", "sync_address"),
}


# Every number a site may set, with the range it must fall in (inclusive) and its unit.
# The bounds keep the values usable: a timeout of 0 stops every sync, one of a million
# never gives up, and a Qt timer cannot count past 2**31 ms (about 24 days).
RANGES: Mapping[tuple[str, str], tuple[float, float, str]] = {
    ("kiosk", "sequence_start"): (0, 9999, ""),
    ("kiosk", "sequence_end"): (0, 9999, ""),
    ("portal", "timeout_seconds"): (1, 300, " giây"),
    ("camera", "width"): (160, 7680, " điểm ảnh"),
    ("camera", "height"): (120, 4320, " điểm ảnh"),
    ("session", "idle_warning_seconds"): (10, 3600, " giây"),
    ("session", "idle_countdown_seconds"): (5, 600, " giây"),
    ("session", "done_return_seconds"): (5, 3600, " giây"),
    ("retention", "days"): (0, 365, " ngày"),
}


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read ``path`` (or only defaults when None) and apply environment overrides."""
    raw = _read_toml(path) if path is not None else {}
    for var, (section, key) in ENV_OVERRIDES.items():
        if env is not None and var in env:
            raw.setdefault(section, {})[key] = env[var]
    return parse_config(raw)


def parse_config(raw: Mapping[str, Any]) -> Config:
    """Build a Config from a parsed TOML mapping, checking every key and type."""
    sections: dict[str, object] = {}
    for f in fields(Config):
        value = raw.get(f.name, {})
        if not isinstance(value, Mapping):
            raise _error("not_table", section=f.name)
        sections[f.name] = _fees(value) if f.name == "fees" else _section(f.name, value)
    unknown = set(raw) - set(sections)
    if unknown:
        raise _error("unknown_section", section=sorted(unknown)[0])
    config = Config(**sections)  # type: ignore[arg-type]
    _check_consistency(config)
    agency = validate_agency_code(config.site.agency_code)  # stored trimmed, upper-case
    return replace(config, site=replace(config.site, agency_code=agency))


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only with a settings file: `kiosk catalog` alone starts sooner

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _error("unreadable", path=path, reason=type(exc).__name__) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _error("syntax", path=path, reason=exc) from exc


_SECTION_TYPES: Mapping[str, type] = {
    "site": SiteConfig,
    "kiosk": KioskConfig,
    "portal": PortalConfig,
    "printer": PrinterConfig,
    "camera": CameraConfig,
    "session": SessionConfig,
    "payment": PaymentConfig,
    "retention": RetentionConfig,
    "metrics": MetricsConfig,
}


def _section(name: str, values: Mapping[str, Any]) -> object:
    cls = _SECTION_TYPES[name]
    defaults = cls()
    known = {f.name: f for f in fields(cls)}
    changes: dict[str, object] = {}
    for key, value in values.items():
        if key not in known:
            raise _error("unknown_key", section=name, key=key)
        changes[key] = _coerce(name, key, value, getattr(defaults, key))
        _check_range(name, key, changes[key])
    return replace(defaults, **changes)


def _check_range(section: str, key: str, value: object) -> None:
    if isinstance(value, str):
        if len(value) > MAX_TEXT or any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF
                                        for c in value):
            raise _error("bad_text", section=section, key=key, limit=MAX_TEXT)
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if not math.isfinite(value):
        raise _error("not_finite", section=section, key=key)
    low, high, unit = RANGES[(section, key)]
    if not low <= value <= high:
        raise _error("out_of_range", section=section, key=key, low=_number(low),
                     high=_number(high), unit=unit)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _coerce(section: str, key: str, value: object, default: object) -> object:
    """Give ``value`` the type of ``default``; environment strings are converted."""
    converter = _CONVERTERS[type(default)]
    try:
        return converter(value)
    except (TypeError, ValueError) as exc:
        code = "bad_time" if isinstance(default, time) else "wrong_type"
        raise _error(code, section=section, key=key, expected=_EXPECTED[type(default)]) from exc


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes", "có"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "no", "không"}:
        return False
    raise TypeError(value)


def _to_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    return int(value)


def _to_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(value)
    return float(value)


def _to_str(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # "device = 0" is a natural way to write a camera index
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _to_time(value: object) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes))


_CONVERTERS: Mapping[type, Callable[[object], object]] = {
    bool: _to_bool,
    int: _to_int,
    float: _to_float,
    str: _to_str,
    time: _to_time,
}
_EXPECTED: Mapping[type, str] = {
    bool: "true hoặc false",
    int: "một số nguyên",
    float: "một số",
    str: "một chuỗi ký tự",
    time: "giờ dạng HH:MM",
}


def _fees(values: Mapping[str, Any]) -> Mapping[str, int]:
    fees: dict[str, int] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _error("wrong_type", section="fees", key=key, expected="số tiền (đồng) ≥ 0")
        fees[key] = value
    return fees


def _check_consistency(config: Config) -> None:
    try:
        validate_agency_code(config.site.agency_code)
    except DomainError as exc:
        raise _error("bad_value", section="site", key="agency_code", reason=exc.message) from exc
    k = config.kiosk
    if not 0 <= k.sequence_start <= k.sequence_end <= 9999:
        raise _error(
            "bad_value", section="kiosk", key="sequence_start",
            reason="dải số phải nằm trong 0–9999 và số đầu không lớn hơn số cuối",
        )
    url = config.portal.url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise _error(
            "bad_value", section="portal", key="url",
            reason="địa chỉ phải bắt đầu bằng http:// hoặc https://",
        )
    if config.printer.paper not in {"80mm", "a5", "a4"}:
        raise _error(
            "bad_value", section="printer", key="paper", reason="chỉ nhận '80mm', 'a5' hoặc 'a4'",
        )
    if config.printer.mode not in {"system", "escpos-raster", "file"}:
        raise _error(
            "bad_value", section="printer", key="mode",
            reason="chỉ nhận 'system', 'escpos-raster' hoặc 'file'",
        )
    _check_metrics(config)


# ---------------------------------------------------------------- [metrics] address

_ADDRESS_REASON = ("phải có dạng máy:cổng, ví dụ 127.0.0.1:9108 hoặc [::1]:9108, với cổng "
                   "từ 1 đến 65535 (để trống: tắt)")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")


def parse_listen_address(text: str) -> tuple[str, int] | None:
    """``"host:port"`` (an IPv6 host in brackets) as (host, port); None when empty (off).

    ValueError when it is not one: a host is an IP address or a plain host name, the port
    a number from 1 to 65535.  Nothing is resolved or bound here.
    """
    text = text.strip()
    if not text:
        return None
    host, colon, port_text = text.rpartition(":")
    if not colon or not port_text.isascii() or not port_text.isdigit() or len(port_text) > 5:
        raise ValueError(text)
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValueError(text)
    if host.startswith("[") and host.endswith("]"):
        return _ipv6(host[1:-1]), port
    if not host or not set(host.lower()) <= _HOST_CHARS or ".." in host or host[0] in "-.":
        raise ValueError(text)
    if host.replace(".", "").isdigit():  # looks like an IPv4 address: it must be one
        import ipaddress

        ipaddress.IPv4Address(host)
    return host, port


def _ipv6(host: str) -> str:
    import ipaddress  # only with an IPv6 address set: no start-up cost otherwise

    return str(ipaddress.IPv6Address(host))  # ValueError when it is none


def _check_metrics(config: Config) -> None:
    for key in ("address", "sync_address"):
        try:
            parse_listen_address(getattr(config.metrics, key))
        except ValueError:
            raise _error("bad_value", section="metrics", key=key,
                         reason=_ADDRESS_REASON) from None
    if config.metrics.sync_address.strip() == config.metrics.address.strip() != "":
        raise _error("bad_value", section="metrics", key="sync_address",
                     reason="phải khác metrics.address (hai tiến trình không dùng chung một cổng)")
    if config.metrics.office_open >= config.site.office_close:
        raise _error("bad_value", section="metrics", key="office_open",
                     reason="giờ mở cửa phải trước giờ đóng cửa (site.office_close)")


def _error(code: str, **params: object) -> ConfigError:
    section = params.get("section")
    key = params.get("key")
    where = f"{section}.{key}" if key else (str(section) if section else None)
    return error_from_table(ConfigError, _MESSAGES, code, field=where, **params)
