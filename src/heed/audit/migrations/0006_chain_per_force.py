"""One hash chain per force instead of one for the whole country (docs/adr/0010-audit-chain-per-force.md).

The events already written keep their hashes: they become the ``legacy`` chain, verified as they were written,
its head copied from the old single head; new events go into their force's chain (or the national one) at
``chain_seq``. ``seq`` becomes an ordinary auto-increment, so numbering events needs no shared lock. No event is
changed. Triggers: the audit_event ones are put back after SQLite rebuilt the table (PostgreSQL keeps its own),
and chain heads may only start empty, step forward one event at a time onto an event that exists, and not be
removed while their chain has events. Irreversible: splitting chains cannot be undone without re-hashing.
"""

import importlib

from django.db import migrations, models

GENESIS = "0" * 64
SQLITE = [
    f"""CREATE TRIGGER audit_chain_starts_empty BEFORE INSERT ON audit_chain
       WHEN NEW.seq <> 0 OR NEW.hash <> '{GENESIS}'
       BEGIN SELECT RAISE(ABORT, 'audit chain heads start empty: INSERT refused'); END;""",
    """CREATE TRIGGER audit_chain_steps_forward BEFORE UPDATE ON audit_chain
       WHEN NEW.key <> OLD.key OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
           SELECT 1 FROM audit_event WHERE chain = NEW.key AND chain_seq = NEW.seq AND hash = NEW.hash)
       BEGIN SELECT RAISE(ABORT, 'audit chain heads only step forward onto their next event: UPDATE refused');
       END;""",
    """CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON audit_chain
       WHEN EXISTS (SELECT 1 FROM audit_event WHERE chain = OLD.key)
       BEGIN SELECT RAISE(ABORT, 'the head of an audit chain with events: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_chain_starts_empty;",
    "DROP TRIGGER IF EXISTS audit_chain_steps_forward;",
    "DROP TRIGGER IF EXISTS audit_chain_head_kept;",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           IF NEW.seq <> 0 OR NEW.hash <> '{GENESIS}' THEN
             RAISE EXCEPTION 'audit chain heads start empty: INSERT refused';
           END IF;
           RETURN NEW;
         ELSIF TG_OP = 'UPDATE' THEN
           IF NEW.key <> OLD.key OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
               SELECT 1 FROM audit_event WHERE chain = NEW.key AND chain_seq = NEW.seq AND hash = NEW.hash) THEN
             RAISE EXCEPTION 'audit chain heads only step forward onto their next event: UPDATE refused';
           END IF;
           RETURN NEW;
         END IF;
         IF EXISTS (SELECT 1 FROM audit_event WHERE chain = OLD.key) THEN
           RAISE EXCEPTION 'the head of an audit chain with events: DELETE refused';
         END IF;
         RETURN OLD;
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chain
       FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_chain_head_guard ON audit_chain;",
    "DROP FUNCTION IF EXISTS audit_chain_head_guard();",
]


def legacy_head(apps, schema_editor):
    """The old single head becomes the legacy chain's (before the head triggers exist: it is not empty)."""
    old = apps.get_model("audit", "AuditChainHead").objects.filter(pk=1).first()
    if old is not None and old.seq > 0:
        apps.get_model("audit", "AuditChain").objects.create(key="legacy", seq=old.seq, hash=old.hash)


def triggers(apps, schema_editor):
    append_only = importlib.import_module("heed.audit.migrations.0002_append_only")
    if schema_editor.connection.vendor == "postgresql":
        # The identity column Django added counts from 1; the next event follows the last legacy one.
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_event', 'seq'), "
            "COALESCE((SELECT MAX(seq) FROM audit_event), 0) + 1, false)"
        )
        statements = POSTGRES
    else:
        # SQLite rebuilt audit_event to add columns, and its triggers went with the old table.
        statements = [*append_only.SQLITE, *SQLITE]
    for sql in statements:
        schema_editor.execute(sql, None)


def drop_triggers(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_token_revoked_and_locked_out_events'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChain',
            fields=[
                ('key', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('seq', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'db_table': 'audit_chain',
            },
        ),
        migrations.RunPython(legacy_head),
        migrations.DeleteModel(
            name='AuditChainHead',
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.CharField(default='legacy', max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain_seq',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='event_type',
            field=models.CharField(choices=[('call.created', 'Call created'), ('call.viewed', 'Call viewed'), ('call.updated', 'Call details changed'), ('note.added', 'Note added'), ('note.edited', 'Note edited (new version)'), ('answers.recorded', 'Guided answers recorded'), ('call.assessed', 'Call assessed'), ('action.updated', 'Required action changed'), ('check.person', 'Person check run'), ('check.identifier', 'Identifier check run'), ('advice.recorded', 'Advice given recorded'), ('referral.made', 'Referral made'), ('referral.updated', 'Referral status changed'), ('closure.requested', 'Closure requested'), ('closure.refused', 'Closure refused'), ('review.decided', 'Review decided'), ('transition.refused', 'Change refused'), ('edit.stale_refused', 'Edit refused: the call had changed'), ('risk.changed', 'Risk changed by a person'), ('deployment.recorded', 'Deployment recorded'), ('vulnerability.flagged', 'Child flagged as vulnerable'), ('reminder.raised', 'Reminder raised (overdue)'), ('timeline.viewed', 'Timeline viewed'), ('auth.login', 'Logged in'), ('auth.login_failed', 'Login failed'), ('auth.locked_out', 'Sign-in locked for a user name from an address'), ('auth.logout', 'Logged out'), ('user.created', 'User created'), ('token.created', 'API token created'), ('token.revoked', 'API token revoked'), ('records.imported', 'Nominal records imported'), ('register.sighting_added', 'Identifier recorded against a report (CLI)'), ('demo.seeded', 'Demo data seeded'), ('audit.anchored', 'Audit chain heads anchored')], max_length=40),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'chain_seq'), name='audit_event_chain_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(condition=models.Q(('chain', 'legacy'), ('chain_seq__isnull', False), _connector='OR'), name='audit_event_chain_position_set'),
        ),
        migrations.RunPython(triggers, drop_triggers),
    ]
