"""`<id:name>` in URL patterns: a database id, so a path number beyond a 64-bit key is no address (404).

Django's `<int:>` passes any run of digits to the view, and SQLite cannot bind an integer over 2^63 - 1
(OverflowError, a 500). Importing this module registers the converter; every URLconf with an id imports it.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class DatabaseId:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # the pattern does not match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DatabaseId, "id")
