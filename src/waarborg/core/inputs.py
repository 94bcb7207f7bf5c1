"""Input that cannot hurt: one place for the limits every way in applies (forms, API, files).

- Text: no NUL bytes or other control characters (tab, line feed and carriage return are
  text). `RefuseControlCharacters` applies it to every form field and query parameter and to
  every string of a JSON body, before a view runs.
- Dates and times: a year between MIN_YEAR and MAX_YEAR, a time with its time zone.
- CSV: a file at most MAX_CSV_BYTES, a field at most MAX_CSV_FIELD characters; each problem
  named with its line.
"""

import csv
import io
import json
import re
from datetime import date, datetime

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_CSV_FIELD = 10_000
MAX_JSON_CHECKED = 5 * 1024 * 1024


class InputError(ValueError):
    """Input refused; the message says why (and where), in the active language."""


def has_control_characters(text):
    return bool(CONTROL.search(text))


def control_character_message():
    return _("Text may not contain control characters such as a NUL byte.")


def check_text(text, where=""):
    if isinstance(text, str) and CONTROL.search(text):
        message = control_character_message()
        raise InputError(f"{where}: {message}" if where else message)
    return text


def _strings(value, path=()):
    """(path, text) of every string in JSON data, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), str(key)
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


class RefuseControlCharacters:
    """Refuse a request whose form fields, query parameters or JSON strings hold control
    characters: 422 with the field for the API, 400 elsewhere. Nothing is stored or changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = self._bad_field(request)
        if bad is not None:
            if request.path.startswith("/api/"):
                detail = [{"loc": list(bad), "msg": control_character_message()}]
                return JsonResponse({"detail": detail}, status=422)
            return refused_page(request, bad[-1])
        return self.get_response(request)

    @staticmethod
    def _bad_field(request):
        for source, values in (("query", request.GET), ("form", _form(request))):
            for name, items in values.lists():
                if CONTROL.search(name) or any(CONTROL.search(v) for v in items):
                    return (source, name)
        json_body = request.content_type == "application/json"
        if json_body and request.method in ("POST", "PUT", "PATCH"):
            body = request.body
            # raw control characters are no JSON; escaped ones (\u0000) are, and are looked for
            if len(body) <= MAX_JSON_CHECKED and b"\\u" in body:
                try:
                    data = json.loads(body)
                except ValueError:
                    return None  # not JSON: the view says so
                for path, text in _strings(data):
                    if CONTROL.search(text):
                        return ("body", *path)
        return None


def refused_page(request, field):
    """The 400 page of a refused form: in the reader's language, naming the field, saying
    that nothing changed and how to get the typed text back."""
    from django.template.loader import render_to_string

    html = render_to_string(
        "core/refused_input.html",
        {"message": control_character_message(), "field": str(field)[:80]},
        request=None,
    )
    return HttpResponse(html, status=400, content_type="text/html; charset=utf-8")


def _form(request):
    if request.method != "POST" or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return request.GET.__class__()
    return request.POST


# Dates and times --------------------------------------------------------------------------


def check_moment(value, where=""):
    """A date or datetime Waarborg can store and count with: the year in range, a datetime
    with its time zone. Returns the value or raises InputError."""
    prefix = f"{where}: " if where else ""
    if isinstance(value, datetime) and value.utcoffset() is None:
        raise InputError(prefix + _("a date and time needs its time zone (such as +01:00 or Z)"))
    if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InputError(
            prefix
            + _("the year must lie between %(min)s and %(max)s")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return value


def parse_day_or_moment(text, where=""):
    """A date (2026-03-31) or a date and time (2026-03-31T10:00:00+02:00) in ISO 8601; a time
    without zone is taken as Dutch time. InputError for anything else (31-31-2026)."""
    from django.utils import timezone

    text = (text or "").strip()
    prefix = f"{where}: " if where else ""
    try:
        if "T" in text or " " in text:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        raise InputError(
            prefix + _("not a date: %(value)s (write 2026-03-31)") % {"value": text[:40]}
        ) from None
    if moment.utcoffset() is None:
        check_moment(moment.date(), where)
        moment = timezone.make_aware(moment)
    return check_moment(moment, where)


# CSV --------------------------------------------------------------------------------------


def read_upload(upload, max_bytes=MAX_CSV_BYTES):
    """The text of an uploaded CSV file (UTF-8, a byte-order mark dropped), or InputError."""
    if upload.size > max_bytes:
        raise InputError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    return upload.read().decode("utf-8-sig", errors="replace")


def csv_rows(text, max_field=MAX_CSV_FIELD, **options):
    """The rows of a CSV text as lists of cells; InputError naming the line of a field that is
    too long or a line that is no CSV."""
    if len(text) > MAX_CSV_BYTES:
        raise InputError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": MAX_CSV_BYTES // (1024 * 1024)}
        )
    reader = csv.reader(io.StringIO(text, newline=""), **options)
    rows = []
    try:
        for row in reader:
            if any(len(cell) > max_field for cell in row):
                raise InputError(
                    _("line %(line)s: a field is longer than %(max)s characters")
                    % {"line": reader.line_num, "max": f"{max_field:,}"}
                )
            rows.append(row)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise InputError(
                _("line %(line)s: a field is longer than %(max)s characters")
                % {"line": reader.line_num, "max": f"{max_field:,}"}
            ) from None
        raise InputError(
            _("line %(line)s: not readable as CSV (%(error)s)")
            % {"line": reader.line_num, "error": error}
        ) from None
    return rows


def csv_dicts(text, **options):
    """The rows of a CSV text with a header line, as dicts (lower-case, trimmed names)."""
    rows = csv_rows(text, **options)
    if not rows:
        return []
    header = [name.strip().lower() for name in rows[0]]
    return [
        {name: (value or "").strip() for name, value in zip(header, row, strict=False) if name}
        for row in rows[1:]
    ]
