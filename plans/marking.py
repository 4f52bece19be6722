"""The protective marking: the Government Security Classification carried by every page, print
and export (``settings.PROTECTIVE_MARKING``, from the environment; default ``OFFICIAL``)."""

from django.conf import settings


def protective_marking():
    """The marking as configured, e.g. ``"OFFICIAL"`` or ``"OFFICIAL-SENSITIVE"`` (one of
    ``settings.PROTECTIVE_MARKINGS``; the settings refuse any other value at start-up)."""
    return settings.PROTECTIVE_MARKING


def marking_page_name(marking=None):
    """The CSS named page that prints ``marking`` in every printed page's header and footer
    (static/css/print.css): ``"OFFICIAL-SENSITIVE"`` → ``"official-sensitive"``."""
    return (marking or protective_marking()).lower().replace(" ", "-")


def mark_workbook(workbook, marking=None):
    """Put the marking in the printed header and footer of every worksheet of an XlsxWriter
    ``workbook`` and in its document properties. Call it after the last sheet is added, before
    ``workbook.close()`` (XlsxWriter writes headers and footers when the workbook closes)."""
    marking = marking or protective_marking()
    banner = f'&C&"Arial,Bold"{marking}'
    for worksheet in workbook.worksheets():
        worksheet.set_header(banner)
        worksheet.set_footer(banner)
    workbook.set_custom_property("Protective marking", marking)
