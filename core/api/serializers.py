"""Serializer pieces the apps share. Their notes are comments, not docstrings: drf-spectacular would copy a
docstring into every subclass's schema component."""

from rest_framework import serializers


# A read-only representation: every field in `Meta.fields` is read-only (writes go through the services, with
# their own input serializers).
class ReadOnlyModelSerializer(serializers.ModelSerializer):
    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra.setdefault(name, {})["read_only"] = True
        return extra


# A read-only record of one village, shown with the village's code and name.
class VillageNamedSerializer(ReadOnlyModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    # The first fields of a subclass's `Meta.fields`: the record, its village and its year.
    FIELDS = ("id", "village", "village_code", "village_name", "year")


# Who a new person is: name, identity card number and (optional) mobile number.
class IdentitySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
