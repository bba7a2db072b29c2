from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import token_expires_at
from accounts.security import token_rotate


class TokenOutSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", help_text=_("The new API token: send it as `Authorization: Token …`."))
    expires_at = serializers.DateTimeField(help_text=_("When the new token expires."))


class TokenRotateView(APIView):
    """Replace the caller's API token with a new one; the old key stops working at once (audited)."""

    @extend_schema(
        summary=_("Rotate my API token"),
        description=_(
            "Replaces the caller's API token with a new one, valid for API_TOKEN_DAYS days (30 by default); the old "
            "key stops working at once. Audited. Not for system clients: their OAuth tokens are refused here."
        ),
        request=None,
        responses=TokenOutSerializer,
    )
    def post(self, request):
        token = token_rotate(user=request.user, actor=request.user)
        token.expires_at = token_expires_at(token)
        return Response(TokenOutSerializer(token).data)
