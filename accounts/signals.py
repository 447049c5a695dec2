"""API tokens end when the account's password changes or the account is deactivated, whatever saves the user.

Hooked on the user model's save rather than in the views that change passwords, so that the admin, the
password change and reset forms, `manage.py changepassword` and any `set_password(); save()` all revoke.
The check compares the stored row with the one being saved: the tokens go when the password hash changes
(the same event that ends the user's other sessions in Django, a hasher upgrade at login included) or when
is_active goes from true to false. A QuerySet.update() saves no model and sends no signal; an inactive user's
token is refused at authentication all the same (knox checks is_active).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

from .models import ApiToken

REVOKING_FIELDS = ("password", "is_active")


def ends_tokens(user_model, user) -> bool:
    """Whether saving `user` changes its password hash or deactivates it, compared with its stored row."""
    stored = user_model._default_manager.filter(pk=user.pk).values(*REVOKING_FIELDS).first()
    return stored is not None and (
        stored["password"] != user.password or (stored["is_active"] and not user.is_active))


def note_revoking_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before the save: remember on the instance whether this save must end the user's tokens. No query for a
    new user, a fixture being loaded, or a save of other fields only (last_login at each login)."""
    instance._revokes_api_tokens = (
        not raw and instance.pk is not None
        and (update_fields is None or bool(set(REVOKING_FIELDS) & set(update_fields)))
        and ends_tokens(sender, instance))


def revoke_tokens(sender, instance, **kwargs):
    """After the save: delete the tokens once the change is written (a save that fails keeps them)."""
    if getattr(instance, "_revokes_api_tokens", False):
        ApiToken.objects.filter(user=instance).delete()
        instance._revokes_api_tokens = False


def connect():
    user_model = get_user_model()
    pre_save.connect(note_revoking_change, sender=user_model, dispatch_uid="accounts.note_revoking_change")
    post_save.connect(revoke_tokens, sender=user_model, dispatch_uid="accounts.revoke_tokens")
