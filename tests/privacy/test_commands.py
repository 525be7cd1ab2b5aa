"""The administrator's commands: export-user writes the ZIP, delete-user completes a deletion."""
import zipfile

from sociallab.accounts.models import User
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.i18n import utcnow


def test_export_user_writes_the_zip(app, world, tmp_path):
    output = tmp_path / "member.zip"
    result = app.test_cli_runner().invoke(args=["sociallab", "export-user", world.member.email, str(output)])
    assert result.exit_code == 0, result.output
    assert "accounts/account.json" in zipfile.ZipFile(output).namelist()
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "account.export"))
    assert entry.actor_id is None and entry.target_id == world.member.id


def test_export_user_of_an_unknown_address_fails_and_writes_nothing(app, world, tmp_path):
    output = tmp_path / "nobody.zip"
    result = app.test_cli_runner().invoke(args=["sociallab", "export-user", "nobody@example.org", str(output)])
    assert result.exit_code == 1 and not output.exists()


def test_delete_user_completes_a_request(app, world):
    world.member.deletion_requested_at = utcnow()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["sociallab", "delete-user", world.member.email, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, world.member.id).deleted_at is not None


def test_delete_user_without_a_request_needs_to_be_told(app, world):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["sociallab", "delete-user", world.member2.email, "--yes"])
    assert refused.exit_code == 1
    done = runner.invoke(args=["sociallab", "delete-user", world.member2.email, "--yes", "--without-request"])
    assert done.exit_code == 0, done.output
