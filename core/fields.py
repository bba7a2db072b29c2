"""Date fields for forms and serializers that accept only the years the portal can mean (1900–2100).

A date of year 1 or 9999 is a valid date to Python but nonsense here (a member who joined in year 1), and date
arithmetic near either end overflows. Every date read from a form or an API body goes through these.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import ErrorCode
from core.params import MAX_YEAR, MIN_YEAR


def _message():
    return _("Enter a date from year %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}


class DateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise serializers.ValidationError(_message(), code=ErrorCode.YEAR_RANGE)
        return day


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise serializers.ValidationError(_message(), code=ErrorCode.YEAR_RANGE)
        return moment


class FormDateField(forms.DateField):
    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValidationError(_message(), code=ErrorCode.YEAR_RANGE)
        return day


class FormDateTimeField(forms.DateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise ValidationError(_message(), code=ErrorCode.YEAR_RANGE)
        return moment
