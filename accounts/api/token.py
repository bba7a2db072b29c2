from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import token_expires_at
from accounts.security import token_rotate


class TokenOutSerializer(serializers.Serializer):
    token = serializers.CharField(source="key")
    expires_at = serializers.DateTimeField()


class TokenRotateView(APIView):
    """Replace the caller's API token with a new one; the old key stops working at once (audited)."""

    @extend_schema(request=None, responses=TokenOutSerializer)
    def post(self, request):
        token = token_rotate(user=request.user, actor=request.user)
        token.expires_at = token_expires_at(token)
        return Response(TokenOutSerializer(token).data)
