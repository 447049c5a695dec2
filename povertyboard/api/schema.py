"""The OpenAPI schema: drf-spectacular's, with the error answers every operation can give documented, and the
Idempotency-Key header of the creates."""

from drf_spectacular.openapi import AutoSchema

from povertyboard.api import idempotency

ERROR = {
    "type": "object",
    "additionalProperties": True,
    "description": "{\"detail\": \"…\"} or field name → list of messages (请求参数或字段错误).",
}
ERRORS = {
    "400": "Invalid body or query parameter; field-level messages",
    "401": "Not authenticated (send a token or a session cookie)",
    "403": "Authenticated but not allowed (role or area)",
    "404": "Not found, or outside the user's area",
    "409": "Conflict: the row changed since it was read, or clashes with another row",
    "422": "The Idempotency-Key was used before for another request",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class Schema(AutoSchema):
    def _idempotent(self) -> bool:
        return isinstance(self.view, idempotency.IdempotentCreateMixin) and getattr(self.view, "action", "") == "create"

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, idempotency.PARAMETER] if self._idempotent() else parameters

    def _get_serializer_field_meta(self, field, direction):
        """Every field described: its help text, or else its label (the model field's Chinese verbose name)."""
        meta = super()._get_serializer_field_meta(field, direction)
        if "description" not in meta and getattr(field, "label", None):
            meta["description"] = str(field.label)
        return meta

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query":
                parameter["allowEmptyValue"] = True  # django-filter, ordering and search ignore an empty value
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404"] + (["409"] if self.method in WRITES else [])
        if self._idempotent():
            codes.append("422")
        for code in codes:
            responses.setdefault(code, {
                "description": ERRORS[code],
                "content": {"application/json": {"schema": ERROR}},
            })
        return responses
