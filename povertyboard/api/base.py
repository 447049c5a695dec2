"""The base viewset, write permission and fields every API endpoint shares."""

from auditlog.context import auditlog_value
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets

from povertyboard.access import Access, access_of
from povertyboard.api.idempotency import IdempotentCreateMixin
from povertyboard.privacy import mask_phone
from povertyboard.resident_ids import mask_resident_id


def offers(view, request) -> bool:
    """Whether the view offers the request's method (else DRF answers 405, for every role alike)."""
    return getattr(view, "action", "") is not None and request.method.lower() in view.http_method_names


class WritePermission(permissions.BasePermission):
    """Reads for every signed-in user (the queryset is already narrowed to their area); a write only when the
    view's may_write(access) allows the action for the user's role, and may_write_object(access, obj) the
    row. Checked before the body is read, so a refused write is a 403 whatever it carries."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not offers(view, request):
            return True  # the handler answers 405
        return view.may_write(access_of(request.user))

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or view.may_write_object(access_of(request.user), obj)


class ScopedMixin(IdempotentCreateMixin):
    """Rows outside the user's counties do not exist for them (404), exactly as on the site.

    The rows are narrowed by povertyboard.access, the one permission layer, along the path the queryset's
    model declares. Writes are refused (403) unless the view overrides may_write (per self.action) and
    may_write_object; services check the area again. A POST create honours an Idempotency-Key header.
    """

    permission_classes = [permissions.IsAuthenticated, WritePermission]

    @property
    def access(self) -> Access:
        return access_of(self.request.user)

    def initial(self, request, *args, **kwargs):
        """Name the API user as the actor of the history entries a write makes. AuditlogMiddleware reads
        request.user before DRF has authenticated a token, so its context holds no actor for token writes."""
        super().initial(request, *args, **kwargs)
        context = auditlog_value.get(None)
        if context is not None and context.get("actor") is None and request.user.is_authenticated:
            context["actor"] = request.user

    def get_queryset(self):
        return self.access.restrict(super().get_queryset())

    def may_write(self, access: Access) -> bool:
        return False

    def may_write_object(self, access: Access, obj) -> bool:
        return self.may_write(access)


class ScopedReadOnlyViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ResidentIdField(serializers.CharField):
    """A resident ID number, masked (632821********1234) for everyone but administrators, as on the site."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", _("身份证号码；非管理员只看到掩码（前 6 位与后 4 位）。"))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value if _whole(self) else mask_resident_id(value)


def _whole(field) -> bool:
    request = field.context.get("request")
    return request is not None and access_of(request.user).may_see_resident_ids


class BirthDateField(serializers.DateField):
    """A birth date, whole for administrators only (povertyboard/privacy.py: with the masked ID's last digits it
    would give the whole ID); null for everyone else, who read `birth_year`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", _("出生日期；仅管理员可见，其他用户为空（见 birth_year）。"))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if _whole(self) else None


class PhoneField(serializers.CharField):
    """A phone number, masked for everyone but administrators (povertyboard/privacy.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", _("联系电话；非管理员只看到掩码（前 3 位与后 4 位）。"))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value if _whole(self) else mask_phone(value)
