from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class RoleAssignmentOutSerializer(serializers.Serializer):
    role = serializers.CharField(help_text=_("The role's key."))
    unit_id = serializers.IntegerField(help_text=_("The id of the unit the role is held at."))
    unit_code = serializers.CharField(source="unit.code", help_text=_("The code of that unit."))
    unit_name = serializers.CharField(source="unit.name", help_text=_("The name of that unit."))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("The sign-in name."))
    display_name = serializers.CharField(help_text=_("The name shown for the account."))
    is_superuser = serializers.BooleanField(help_text=_("A system administrator: every unit, every action."))
    roles = RoleAssignmentOutSerializer(
        source="role_assignments.all",
        many=True,
        help_text=_("The role assignments: which role at which unit."),
    )


class MeView(APIView):
    """The caller and their role assignments: what jurisdiction every other endpoint is limited to."""

    @extend_schema(
        summary=_("Who am I"),
        description=_(
            "The caller (a user, or a system client's service account) and their role assignments: the jurisdiction "
            "every other endpoint is limited to. Any system client token may call it, whatever its scopes."
        ),
        responses=MeSerializer,
        examples=[
            OpenApiExample(
                "A township's staff member",
                summary=_("A township's staff member"),
                value={
                    "username": "bjs_zzb",
                    "display_name": "笔架山街道组织办",
                    "is_superuser": False,
                    "roles": [
                        {"role": "township_staff", "unit_id": 12, "unit_code": "421081002", "unit_name": "笔架山街道"}
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        return Response(MeSerializer(request.user).data)
