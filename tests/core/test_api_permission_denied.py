"""Django's PermissionDenied raised anywhere under the API (a service's `require()`) answers 403 with the code
`permission_denied` and its reason, not the catch-all `error` (core/api/errors.py)."""

from django.core.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.api.errors import exception_handler


class Refusing(APIView):
    # No conversion of its own (ScopedViewSetMixin and the bulk view convert; this one does not).
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        raise PermissionDenied("您不能这样做。")

    def post(self, request):
        raise PermissionDenied()

    def put(self, request):
        return Response({})


def test_a_django_permission_denied_answers_permission_denied_with_its_reason():
    view = Refusing.as_view()
    response = view(APIRequestFactory().get("/x/"))
    assert response.status_code == 403
    assert response.data == {"detail": "您不能这样做。", "code": "permission_denied", "errors": {}}


def test_without_a_reason_the_default_chinese_message():
    response = Refusing.as_view()(APIRequestFactory().post("/x/"))
    assert response.status_code == 403 and response.data["code"] == "permission_denied"
    assert response.data["detail"]


def test_the_handler_alone():
    response = exception_handler(PermissionDenied("不行"), {})
    assert response.status_code == 403 and response.data["code"] == "permission_denied"
    assert response.data["detail"] == "不行"
