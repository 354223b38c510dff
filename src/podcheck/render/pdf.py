"""The review pack as PDF: the same HTML page, laid out by WeasyPrint (an optional extra).

WeasyPrint is imported only here, when a PDF is asked for; without it (or without the Pango
library it draws text with) the caller gets `PdfUnavailable`, whose message names what to
install. The page is self-contained (styles and charts inline), so the fetcher refuses every
URL: laying out a report never reads a file or the network, whatever the org file says.

WeasyPrint draws inline SVG with the SVG's own styles only: the page's chart rules are
copied into each chart, their colour variables written out, so the PDF's charts look like
the browser's.
"""

import logging
import re
from typing import Any, Literal, NoReturn

EXTRA = "pdf"
INSTALL = f"pip install 'podcheck[{EXTRA}]'"
Paper = Literal["letter", "a4"]

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_ROOT = re.compile(r":root\s*\{([^}]*)\}")
_VARIABLE = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
_CHART_RULE = re.compile(r"\.chart \.[^{]*\{[^}]*\}")
_SVG = re.compile(r"(<svg\b[^>]*>)")


class PdfUnavailable(Exception):
    """What is missing for PDF output, in one line."""


def render_pdf(html: str, paper: Paper = "letter") -> bytes:
    """The page as a PDF document on `paper`; PdfUnavailable without the extra."""
    weasyprint = available()
    # Its notes on the page's SVG-only properties (ignored on HTML boxes) are not the user's.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = _charts_styled(html).replace(
        "</style>", f"@page {{ size: {'Letter' if paper == 'letter' else 'A4'}; }}</style>", 1
    )
    document = weasyprint.HTML(string=page, url_fetcher=_refuse, base_url=None)
    pdf: bytes = document.write_pdf()
    return pdf


def _charts_styled(html: str) -> str:
    """The page with the stylesheet's chart rules copied into every inline SVG."""
    style = _STYLE.search(html)
    if style is None:
        return html
    root = _ROOT.search(style[1])
    variables = dict(_VARIABLE.findall(root[1])) if root else {}
    rules = " ".join(_CHART_RULE.findall(style[1]))
    rules = re.sub(
        r"var\((--[\w-]+)\)", lambda m: variables.get(m[1], "currentColor").strip(), rules
    )
    return _SVG.sub(lambda m: f"{m[1]}<style>{rules}</style>", html)


def available() -> Any:
    """WeasyPrint, imported; PdfUnavailable saying what to install when it cannot be."""
    try:
        import weasyprint
    except ImportError:
        raise PdfUnavailable(f"PDF output needs the {EXTRA} extra: {INSTALL}") from None
    except OSError:  # the package is there, the Pango library it loads is not
        raise PdfUnavailable(
            f"PDF output needs Pango for the {EXTRA} extra: install libpango "
            f"(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0), then {INSTALL}"
        ) from None
    return weasyprint


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError("the review pack loads nothing from outside the page")
