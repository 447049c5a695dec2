"""The admin's import and export buttons of the registry: households, members, measures and pairings import and
export through the same resources as the staff import pages (imports.resources): the same columns, natural keys
and row checks; the uploaded file is refused by the same file checks (imports.services.check_file) before any row
is read. The domain apps' admin classes are extended here, so the registry app knows nothing of spreadsheets."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from households.models import Household, Measure, Member, Pairing
from povertyboard.exports import escape_dataset

from .resources import HouseholdResource, MeasureResource, MemberResource, PairingResource
from .services import MAX_UPLOAD_BYTES, FileRefused, check_file


class CheckedImportForm(ImportForm):
    """The admin's import form refuses what the staff pages refuse: not a spreadsheet, corrupt, empty, too large."""

    def clean_import_file(self):
        uploaded = self.cleaned_data["import_file"]
        try:
            if uploaded.size > MAX_UPLOAD_BYTES:
                raise FileRefused(_("文件超过上限 %(max)s MB。请分成几个文件导入。") % {
                    "max": MAX_UPLOAD_BYTES // 1024 // 1024})
            with tempfile.NamedTemporaryFile() as copy:
                for chunk in uploaded.chunks():
                    copy.write(chunk)
                copy.flush()
                check_file(Path(copy.name), uploaded.name)
        except FileRefused as exc:
            raise forms.ValidationError(exc.message) from None
        uploaded.seek(0)
        return uploaded


class RegistryImportExportAdmin(ImportExportModelAdmin):
    """Import and export (.xlsx, .csv) through the registry's resources, as the acting user."""

    import_form_class = CheckedImportForm
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    skip_admin_log = True  # django-auditlog already records every imported change

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_data_for_export(self, request, queryset, **kwargs):
        """Text a spreadsheet would run as a formula ("=HYPERLINK(...)") is exported as text (issue 9)."""
        return escape_dataset(super().get_data_for_export(request, queryset, **kwargs))


def add_import_export(model, resource) -> None:
    """Re-register `model` with its current admin class plus the import/export buttons of `resource`."""
    current = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(model, type(current.__name__, (RegistryImportExportAdmin, current),
                                    {"resource_classes": [resource], "__module__": current.__module__}))


for _model, _resource in ((Household, HouseholdResource), (Member, MemberResource), (Measure, MeasureResource),
                          (Pairing, PairingResource)):
    add_import_export(_model, _resource)
