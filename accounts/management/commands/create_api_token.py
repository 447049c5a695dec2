"""Print a new API token for a user (scripts and CI; people get theirs from POST /api/v1/auth/token/)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken


class Command(BaseCommand):
    help = "Create a new API token for USERNAME and print it (only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model()._default_manager.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        _token, secret = ApiToken.objects.create(user=user)
        self.stdout.write(secret)
