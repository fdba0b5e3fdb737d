"""HTML to PDF with WeasyPrint, which draws text with the system's Pango library.

Pango is a system package, not a Python one: a machine without it still runs every page, and a
PDF asked for there is refused with :class:`PdfUnavailable`, which names the package to install.
"""

from __future__ import annotations

from competition.errors import AnugerahError
from workflows.messages import t

SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(AnugerahError):
    """PDFs cannot be made on this machine."""

    http_status = 503


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``.

    :raises PdfUnavailable: when WeasyPrint or the Pango library it loads is missing.
    """
    try:
        from weasyprint import HTML  # imported when needed: it loads Pango
    except (ImportError, OSError) as error:
        raise PdfUnavailable(t(
            "PDF documents cannot be made on this server: the Pango library is missing. Ask the "
            "administrator to install the system package %(packages)s (Debian and Ubuntu: apt-get "
            "install %(packages)s).", packages=SYSTEM_PACKAGES)) from error
    return HTML(string=html).write_pdf()
