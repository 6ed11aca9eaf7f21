"""One identifier register for the web app, the API and the CLI: a sighting belongs to a report, which is a
call (its reference) or a report added from the command line (no call)."""

from django.db import migrations, models
import django.db.models.deletion


def fill_report_refs(apps, schema_editor):
    Sighting = apps.get_model("calls", "IdentifierSighting")
    for s in Sighting.objects.select_related("call").iterator():
        s.report_ref = s.call.reference
        s.save(update_fields=["report_ref"])


class Migration(migrations.Migration):
    dependencies = [("calls", "0002_decisions_and_records")]

    operations = [
        migrations.AddField(
            model_name="identifiersighting",
            name="report_ref",
            field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.RunPython(fill_report_refs, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="identifiersighting", name="sighting_once_per_call"),
        migrations.AlterField(
            model_name="identifiersighting",
            name="call",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="identifier_sightings",
                to="calls.call",
            ),
        ),
        migrations.AddConstraint(
            model_name="identifiersighting",
            constraint=models.UniqueConstraint(
                fields=("force", "report_ref", "kind", "strong_key"), name="sighting_once_per_report"
            ),
        ),
    ]
