"""Portal pages where staff keep the scheme's configuration: Red Beehive stations and love supermarkets, their goods
and the clue categories (Django's admin is left to superusers). Lists through `restrict()`, forms through the
services; who may change what is the models' declaration (`scope_write_roles`). A record is retired (closed, off
the shelf, out of use) rather than deleted, so its clues and redemptions keep it. The stock is adjusted at the
station's counter (`views.goods_stock`), not here.

A category's questions (Open311 service attributes) are listed on its edit page and kept one at a time: a page per
question (its choices as rows of a formset; "more rows" draws the page again with empty rows, nothing saved), and
buttons to move one up or down or delete it. Plain forms and links: no script is needed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE, require
from core.views import Column
from core.views.generic import NOT_ALLOWED, ObjectFormView, ObjectListView
from core.views.helpers import add_service_errors, get_scoped_or_404, run_service

from . import forms
from .attributes import LISTS, MAX_VALUES, check_definition
from .models import ClueCategory, Goods, Station
from .services.config import (
    category_create,
    category_question_delete,
    category_question_move,
    category_question_save,
    category_update,
)
from .services.stations import goods_create, goods_update, station_create, station_update


def _state(on, off):
    return lambda obj: on if obj.is_active else off


class _Form(ObjectFormView):
    success_message = _("Changes saved.")


# --- stations ------------------------------------------------------------------------------------------------------


class StationList(ObjectListView):
    title = _("Stations")
    queryset = Station.objects.select_related("unit").order_by("unit__path", "name", "id")
    edit_url = "grid_woodpecker:station_edit"
    columns = (
        Column(_("name"), "name", sort="name"),
        Column(_("kind"), "get_kind_display", sort="kind"),
        Column(_("unit"), "unit.name", sort="unit__path"),
        Column(_("address"), "address"),
        Column(_("status"), _state(_("Open"), _("Closed")), sort="is_active"),
    )
    write_actions = (("grid_woodpecker:station_create", _("Open a station")),)
    actions = (("grid_woodpecker:goods_list", _("Goods")),)


class StationCreate(_Form):
    title = _("Open a station")
    create_model = Station
    form_class = forms.StationForm
    service = station_create
    success_message = _("Station opened.")
    success_url = "grid_woodpecker:station_edit"
    list_url = "grid_woodpecker:station_list"


class StationEdit(_Form):
    title = _("Edit station")
    queryset = Station.objects.select_related("unit")
    form_class = forms.StationEditForm
    form_user = False
    service = station_update
    edit_object_arg = "station"
    success_url = "grid_woodpecker:station_edit"
    list_url = "grid_woodpecker:station_list"


# --- goods ---------------------------------------------------------------------------------------------------------


class GoodsList(ObjectListView):
    title = _("Goods")
    queryset = Goods.objects.select_related("station__unit").order_by("station__unit__path", "station__name", "name")
    edit_url = "grid_woodpecker:goods_edit"
    unit_path = "station.unit.path"
    columns = (
        Column(_("name"), "name", sort="name"),
        Column(_("station"), "station.name", sort="station__name"),
        Column(_("unit"), "station.unit.name", sort="station__unit__path"),
        Column(_("price (yuan)"), "price_yuan", sort="price_yuan"),
        Column(_("stock"), "stock", sort="stock"),
        Column(_("status"), _state(_("On offer"), _("Off the shelf")), sort="is_active"),
    )
    # The sheets of goods ask IMPORT, held by the same roles as CHANGE (Goods.scope_actions).
    write_actions = (
        ("grid_woodpecker:goods_create", _("Add goods")),
        ("imports:start", _("Import"), ["goods"]),
        ("sheets:export", _("Export"), ["goods", "xlsx"]),
    )
    actions = (("grid_woodpecker:station_list", _("Stations")),)


class GoodsCreate(_Form):
    title = _("Add goods")
    create_model = Goods
    form_class = forms.GoodsForm
    service = goods_create
    success_message = _("Goods added.")
    success_url = "grid_woodpecker:goods_edit"
    list_url = "grid_woodpecker:goods_list"


class GoodsEdit(_Form):
    """The goods' name, price and whether they are on offer; the page links to the station's counter, where the
    stock is adjusted with a reason (audited)."""

    title = _("Edit goods")
    template_name = "grid_woodpecker/goods_form.html"
    queryset = Goods.objects.select_related("station__unit")
    form_class = forms.GoodsEditForm
    form_user = False
    service = goods_update
    edit_object_arg = "goods"
    success_url = "grid_woodpecker:goods_edit"
    list_url = "grid_woodpecker:goods_list"


# --- clue categories -----------------------------------------------------------------------------------------------


class CategoryList(ObjectListView):
    title = _("Clue categories")
    queryset = ClueCategory.objects.select_related("unit", "default_department").order_by("unit__path", "code")
    edit_url = "grid_woodpecker:category_edit"
    columns = (
        Column(_("name"), "name", sort="name"),
        Column(_("code"), "code", sort="code"),
        Column(_("configured for"), "unit.name", sort="unit__path"),
        Column(_("deadline (days)"), "deadline_days", sort="deadline_days"),
        Column(_("default department"), "default_department.name"),
        Column(_("status"), _state(_("In use"), _("Out of use")), sort="is_active"),
    )
    write_actions = (("grid_woodpecker:category_create", _("Add a category")),)


class CategoryCreate(_Form):
    title = _("Add a category")
    create_model = ClueCategory
    form_class = forms.CategoryForm
    service = category_create
    success_message = _("Category added: add its questions below if clues of it need any.")
    success_url = "grid_woodpecker:category_edit"
    list_url = "grid_woodpecker:category_list"


class CategoryEdit(_Form):
    """The category's settings, and below them its questions with their editor's links and buttons."""

    title = _("Edit category")
    template_name = "grid_woodpecker/category_form.html"
    queryset = ClueCategory.objects.select_related("unit", "default_department")
    form_class = forms.CategoryEditForm
    service = category_update
    edit_object_arg = "category"
    success_url = "grid_woodpecker:category_edit"
    list_url = "grid_woodpecker:category_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = kwargs.get("object")
        if category is not None:
            questions, broken = _questions(category)
            labels = dict(forms.DATATYPE_CHOICES)
            context["questions"] = [
                {**q, "datatype_label": labels.get(q["datatype"], q["datatype"])} for q in questions
            ]
            context["questions_broken"] = broken
        return context


# --- a category's questions ----------------------------------------------------------------------------------------


def _questions(category: ClueCategory) -> tuple[list[dict], str]:
    """The category's questions in their order, and the reason when the stored list is malformed (then none)."""
    try:
        return check_definition(category.attributes), ""
    except ValidationError as exc:
        return [], " ".join(exc.messages)


def _category(request, pk) -> ClueCategory:
    """The category in the user's scope (404 outside), which they must be allowed to change (403): the same path as
    the category's edit page."""
    category = get_scoped_or_404(ClueCategory.objects.select_related("unit"), request.user, pk=pk)
    require(request.user, CHANGE, category, str(NOT_ALLOWED))
    return category


def _back(category):
    return redirect(reverse("grid_woodpecker:category_edit", args=[category.pk]) + "#questions")


def _posted_initial(post) -> tuple[dict, list[dict]]:
    """The question and its choice rows as posted, to draw the page again without checking them ("more rows")."""
    names = ("code", "description", "datatype", "order", "datatype_description")
    question = {name: post.get(name, "") for name in names}
    question["required"] = bool(post.get("required"))
    rows = []
    for index in range(min(_int(post.get(f"{forms.CHOICE_ROWS_PREFIX}-TOTAL_FORMS")), MAX_VALUES)):
        key = post.get(f"{forms.CHOICE_ROWS_PREFIX}-{index}-key", "")
        name = post.get(f"{forms.CHOICE_ROWS_PREFIX}-{index}-name", "")
        if key or name:
            rows.append({"key": key, "name": name})
    return question, rows


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 4 else 0


@login_required
def question_form(request, pk, code=None):
    """Add a question to a category (no `code`) or edit one: its code, text, answer type, whether it is required,
    its order, an optional hint, and for a list its choices as rows. A refused POST draws the page again with
    everything as posted; the save is one transaction (services.config.category_question_save)."""
    category = _category(request, pk)
    questions, broken = _questions(category)
    old = None
    if code is not None:
        old = next((q for q in questions if q["code"] == code), None)
        if old is None:
            raise Http404
    taken = {q["code"] for q in questions} - {code}
    if request.method == "POST" and "more_rows" in request.POST:
        initial, rows = _posted_initial(request.POST)
        form = forms.QuestionForm(initial=initial, taken=taken)
        choices = forms.choice_rows(initial=rows, extra=forms.CHOICE_ROWS_EXTRA + 2)
    elif request.method == "POST":
        form = forms.QuestionForm(request.POST, taken=taken)
        choices = forms.choice_rows(request.POST)
        # The rows count for a list question only (another type ignores them, whatever they hold).
        listed = forms.is_list(request.POST.get("datatype", ""))
        if form.is_valid() and (not listed or choices.is_valid()):
            data = form.cleaned_data
            values = choices.choices() if listed else []
            if listed and not values:
                form.add_error("datatype", _t("A one-choice or several-choice question needs at least one choice."))
            else:
                try:
                    category_question_save(
                        category=category, actor=request.user, question={**data, "values": values}, code=code
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _t("Question saved."))
                    return _back(category)
    else:
        following = max((q["order"] for q in questions), default=0) + 1
        form = forms.QuestionForm(initial=old or {"order": min(following, 1000), "datatype": "string"}, taken=taken)
        choices = forms.choice_rows(initial=old["values"] if old else None)
    if old is None:
        title = _t("Add a question to “%(name)s”") % {"name": category.name}
    else:
        title = _t("Edit the question “%(code)s” of “%(name)s”") % {"code": old["code"], "name": category.name}
    context = {
        "title": title,
        "form": form,
        "choices": choices,
        "category": category,
        "broken": broken,
        "cancel": reverse("grid_woodpecker:category_edit", args=[category.pk]) + "#questions",
        "lists": " ".join(LISTS),
    }
    return render(request, "grid_woodpecker/question_form.html", context)


@login_required
@require_POST
def question_delete(request, pk, code):
    category = _category(request, pk)
    run_service(
        request,
        lambda: category_question_delete(category=category, actor=request.user, code=code),
        _t("Question deleted."),
    )
    return _back(category)


@login_required
@require_POST
def question_move(request, pk, code):
    category = _category(request, pk)
    direction = request.POST.get("direction", "")
    run_service(
        request,
        lambda: category_question_move(category=category, actor=request.user, code=code, direction=direction),
        _t("Order changed."),
    )
    return _back(category)
