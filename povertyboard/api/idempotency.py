"""The Idempotency-Key header of the API's POST creates (povertyboard/once.py): a client that is not sure its
create arrived (a timeout, a lost answer) sends it again with the same key and gets the first answer back."""

import json
import re
from functools import partial

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from povertyboard import once

HEADER = "Idempotency-Key"
VALID_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII: a UUID, a random string

PARAMETER = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description=(
        "Optional; 1–100 visible ASCII characters, e.g. a UUID. The first successful answer (2xx) of a create"
        " sent with a key is kept for 24 hours: the same user sending the same key again gets that answer again"
        " (same status and body, header `Idempotent-Replayed: true`) and nothing is created. Keys are per user."
        " A failed create (4xx) keeps nothing: the corrected request may reuse the key. The same key with another"
        " request (path or body) is refused with 422. 同一用户以同一键重发创建请求时，返回首次的结果，不会重复创建。"
    ),
)


class KeyReusedForAnotherRequest(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("此 Idempotency-Key 已用于另一个请求，请换一个新的键。")
    default_code = "idempotency_key_reused"


class IdempotentCreateMixin:
    """POST creates (the `create` action) honour an Idempotency-Key header. The viewset's own create stays as it
    is: after authentication and permissions (`initial`), the POST handler is wrapped for this request only."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if key is not None and self.action == "create":
            self.post = partial(self._create_once, self.post, key)

    def _create_once(self, create, key: str, request, *args, **kwargs):
        if not VALID_KEY.fullmatch(key):
            raise exceptions.ValidationError({HEADER: [_("须为 1 至 100 个可见 ASCII 字符（如 UUID）。")]})
        data = request.data
        body = dict(data.lists()) if hasattr(data, "lists") else data  # a form body: every value of each field
        try:
            with once.claimed(user=request.user, key=key,
                              request_digest=once.digest(request.method, request.path, body)) as claim:
                if claim.answer is not None:
                    return Response(json.loads(claim.answer["body"]), status=claim.answer["status"],
                                    headers={"Idempotent-Replayed": "true"})
                response = create(request, *args, **kwargs)
                if status.is_success(response.status_code):
                    # the body as text: a JSON column may reorder its keys (PostgreSQL's jsonb)
                    claim.keep({"status": response.status_code, "body": json.dumps(response.data, cls=JSONEncoder)})
                return response
        except once.KeyReused:
            raise KeyReusedForAnotherRequest from None
