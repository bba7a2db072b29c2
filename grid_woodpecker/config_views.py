"""Portal pages where staff keep the scheme's configuration: Red Beehive stations and love supermarkets, their goods
and the clue categories (Django's admin is left to superusers). Lists through `restrict()`, forms through the
services; who may change what is the models' declaration (`scope_write_roles`). A record is retired (closed, off
the shelf, out of use) rather than deleted, so its clues and redemptions keep it. The stock is adjusted at the
station's counter (`views.goods_stock`), not here."""

from django.utils.translation import gettext_lazy as _

from core.views import Column
from core.views.generic import ObjectFormView, ObjectListView

from . import forms
from .models import ClueCategory, Goods, Station
from .services.config import category_create, category_update
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
    success_message = _("Category added.")
    success_url = "grid_woodpecker:category_edit"
    list_url = "grid_woodpecker:category_list"


class CategoryEdit(_Form):
    title = _("Edit category")
    queryset = ClueCategory.objects.select_related("unit", "default_department")
    form_class = forms.CategoryEditForm
    service = category_update
    edit_object_arg = "category"
    success_url = "grid_woodpecker:category_edit"
    list_url = "grid_woodpecker:category_list"
