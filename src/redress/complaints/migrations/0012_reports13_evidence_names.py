"""Evidence stored before files were named by their digest on disk: each row's
original_name is the name the sender gave, which the old path carried after the
digest ("evidence/<reference>/<16 hex>-<name>"). A row whose original_name is blank
gets it back from that path; rows that have one are left alone. Files are not moved:
the old paths stay valid (only new files get the short name)."""

import re

from django.db import migrations

OLD_PATH = re.compile(r"^[0-9a-f]{16}-(?P<name>.+)$")


def name_from_path(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    found = OLD_PATH.match(base)
    name = "".join(ch for ch in (found.group("name") if found else base) if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        ext = dot + ext if stem and len(ext) <= 16 else ""
        name = name[: 254 - len(ext)] + "…" + ext
    return name or "file"


def fill_original_names(apps, schema_editor):
    Evidence = apps.get_model("complaints", "Evidence")
    for item in Evidence.objects.filter(original_name="").only("pk", "file").iterator():
        Evidence.objects.filter(pk=item.pk).update(original_name=name_from_path(item.file.name or ""))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0011_text_bigrams")]
    operations = [migrations.RunPython(fill_original_names, migrations.RunPython.noop)]
