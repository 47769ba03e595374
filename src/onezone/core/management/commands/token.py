"""`onezone token create USERNAME` / `onezone token revoke TOKEN`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from onezone.core.tokens import token_create, token_revoke


class Command(BaseCommand):
    help = "Create or revoke API tokens. `create` prints the new token as its last line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user.")
        create.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token.")
        revoke.add_argument("token")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options["username"])
        else:
            self._revoke(options["token"])

    def _create(self, username: str) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        token, raw = token_create(user=user, actor=None)
        self.stderr.write(f"Created token {token.prefix}… for {username}; it is shown only once.")
        self.stdout.write(raw)

    def _revoke(self, raw: str) -> None:
        token = token_revoke(raw=raw, actor=None)
        if token is None:
            raise CommandError("No such token.")
        self.stdout.write(f"Token {token.prefix}… revoked.")
