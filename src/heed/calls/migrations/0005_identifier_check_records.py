"""Identifier checks also search the nominal records: the records found, how many were searched (or why
none were), and whether a record found carries a warning marker."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0004_text_length_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="identifiercheck",
            name="record_hits",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="identifiercheck",
            name="records_more",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="identifiercheck",
            name="records_searched",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="identifiercheck",
            name="records_error",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="identifiercheck",
            name="marker_alert",
            field=models.BooleanField(default=False),
        ),
    ]
