from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class RoleAssignmentOutSerializer(serializers.Serializer):
    role = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = RoleAssignmentOutSerializer(source="role_assignments.all", many=True)


class MeView(APIView):
    """The caller and their role assignments: what jurisdiction every other endpoint is limited to."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
