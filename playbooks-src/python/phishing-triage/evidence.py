"""Extract indicators from a raw RFC 5322 message with the stdlib `email` package.

This module does not import the Moat SDK, so it also runs under an
ordinary CPython for quick checks:
`python3 evidence.py tests/fixtures/email/phishing_openphish.eml`.
"""

import email
import email.feedparser  # noqa: F401 - see _preload_modules
import email.parser  # noqa: F401 - see _preload_modules
import email.policy
import hashlib
import html
import importlib
import ipaddress
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import List, Optional
from urllib.parse import urlsplit

# Text codecs that mail commonly declares as its charset.
_CHARSET_CODECS = (
    "ascii", "latin_1", "utf_8", "utf_16", "utf_32", "utf_7", "raw_unicode_escape",
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7",
    "iso8859_8", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16", "koi8_r", "koi8_u", "gb2312", "gbk", "gb18030", "big5", "shift_jis",
    "euc_jp", "iso2022_jp", "euc_kr", "cp932", "cp949", "cp950", "tis_620",
)


def _preload_modules() -> None:
    """Import the modules that the stdlib would otherwise import lazily.

    In a componentize-py 0.25 component, CPython loads a module that was not
    imported during the build from a /python folder, and Moat gives
    components no file system, so a lazy import at run time fails with
    ModuleNotFoundError. `email.message_from_string` imports the parser
    lazily, and decoding a part imports the codec for its charset.
    """
    # NOTE: this list comes from running `parse` over tests/fixtures/email on
    # CPython 3.11. A message that takes another stdlib path may still hit a
    # lazy import, which fails the run with an `internal` error naming it.
    for codec in _CHARSET_CODECS:
        importlib.import_module(f"encodings.{codec}")


_preload_modules()

# At most this many URLs are kept from one message, so that a message with
# thousands of links keeps the case, its note and the run output small.
MAX_URLS = 100

_URL_PATTERN = re.compile(r"""https?://[^\s<>"'`{}|\\^]+""", re.IGNORECASE)
# Characters that end a sentence or close a bracket more often than they end a URL.
_URL_TRAILING = ".,;:!?)]}'\""
_IPV4_PATTERN = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# Received headers write IPv6 addresses in brackets, with or without an
# `IPv6:` prefix.
_IPV6_PATTERN = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\]")


@dataclass
class Attachment:
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass
class Evidence:
    """Everything the playbook extracts from one message."""

    subject: str = ""
    message_id: str = ""
    sender: str = ""
    reply_to: List[str] = field(default_factory=list)
    return_path: str = ""
    # Addresses in Received headers, newest hop first, without repeats.
    received_ips: List[str] = field(default_factory=list)
    urls: List[str] = field(default_factory=list)
    attachments: List[Attachment] = field(default_factory=list)
    # Set when the message had more URLs than MAX_URLS.
    urls_truncated: bool = False

    def domains(self) -> List[str]:
        """Return the host names of the URLs and the sender's domain, lower case."""
        found: List[str] = []
        candidates = [urlsplit(url).hostname for url in self.urls]
        candidates.append(address_domain(self.sender))
        for host in candidates:
            if host and not is_ip_address(host) and host not in found:
                found.append(host)
        return found


def parse(raw: str) -> Evidence:
    """Parse the raw message text and collect its evidence."""
    message = email.message_from_string(raw, policy=email.policy.default)
    evidence = Evidence(
        subject=_header_text(message, "Subject"),
        message_id=_header_text(message, "Message-ID").strip("<> "),
        sender=_first_address(message, "From"),
        reply_to=_addresses(message, "Reply-To"),
        return_path=_first_address(message, "Return-Path"),
        received_ips=_received_ips(message),
    )
    urls: List[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.is_attachment() or part.get_filename():
            evidence.attachments.append(_attachment(part))
        elif part.get_content_maintype() == "text":
            _add_urls(urls, _part_text(part), part.get_content_subtype() == "html")
    evidence.urls = urls[:MAX_URLS]
    evidence.urls_truncated = len(urls) > MAX_URLS
    return evidence


def address_domain(address: str) -> Optional[str]:
    """Return the lower-case domain of an e-mail address, or None."""
    _, _, domain = address.rpartition("@")
    return domain.lower().rstrip(".") or None


def is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _header_text(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return str(value).strip() if value is not None else ""


def _addresses(message: EmailMessage, name: str) -> List[str]:
    # Raw header text goes through getaddresses, because the structured
    # header of policy.default raises on some malformed address lists.
    values = [str(value) for value in message.get_all(name, [])]
    found: List[str] = []
    for _, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address and address not in found:
            found.append(address)
    return found


def _first_address(message: EmailMessage, name: str) -> str:
    found = _addresses(message, name)
    return found[0] if found else ""


def _received_ips(message: EmailMessage) -> List[str]:
    found: List[str] = []
    for header in message.get_all("Received", []):
        text = str(header)
        candidates = _IPV4_PATTERN.findall(text) + _IPV6_PATTERN.findall(text)
        for candidate in candidates:
            try:
                address = ipaddress.ip_address(candidate)
            except ValueError:
                continue
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if str(address) not in found:
                found.append(str(address))
    return found


def _part_text(part: EmailMessage) -> str:
    """Return the decoded text of a text part, undoing transfer encoding and charset."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # An unknown or wrong charset: decode the bytes leniently instead.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


class _LinkCollector(HTMLParser):
    """Collector of the href, src and action attribute values in an HTML text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: List[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value.strip())


def _add_urls(urls: List[str], text: str, is_html: bool) -> None:
    candidates: List[str] = []
    if is_html:
        collector = _LinkCollector()
        collector.feed(text)
        collector.close()
        candidates.extend(collector.links)
        text = html.unescape(text)
    candidates.extend(_URL_PATTERN.findall(text))
    for candidate in candidates:
        url = candidate.rstrip(_URL_TRAILING)
        if not _URL_PATTERN.fullmatch(url):
            continue
        try:
            host = urlsplit(url).hostname
        except ValueError:
            continue
        if host and url not in urls:
            urls.append(url)


def _attachment(part: EmailMessage) -> Attachment:
    payload = part.get_payload(decode=True) or b""
    return Attachment(
        filename=part.get_filename() or "",
        content_type=part.get_content_type(),
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
    )


if __name__ == "__main__":
    import json
    import sys
    from dataclasses import asdict

    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as file:
        print(json.dumps(asdict(parse(file.read())), indent=2))
