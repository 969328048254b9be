"""The operator's commands: db upgrade, seed-demo --data, roles grant (stats: tests/test_cli_stats.py)."""

import csv
import shutil

from sqlalchemy import func, select

from bot.demo.seed import PACKAGED_DATA
from models import AuditLog, CommitteeRole, Fund, Member, MemberStatus
from tests.factories import make_fund, make_member


def test_db_upgrade_is_idempotent(run):
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_seed_demo_reads_the_funds_and_rules_of_another_folder(run, session, tmp_path):
    data = tmp_path / "my-funds"
    data.mkdir()
    result = run("seed-demo", "--data", str(data))
    assert result.exit_code == 2 and "phuket_funds.csv or fund_rules_example.toml" in result.output
    shutil.copy(PACKAGED_DATA / "fund_rules_example.toml", data)
    with (PACKAGED_DATA / "phuket_funds.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["code"] == "PKT-CITY")
    with (data / "phuket_funds.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow({**row, "seed_members": "25"})
    result = run("seed-demo", "--data", str(data))
    assert result.exit_code == 0, result.output
    assert "Seeded 1 fund(s)" in result.output
    assert session.scalars(select(Fund.code)).all() == ["PKT-CITY"]
    assert session.scalar(select(func.count()).select_from(Member)
                          .where(Member.status == MemberStatus.ACTIVE)) == 25


def test_roles_grant_once_and_audited(run, session):
    fund = make_fund(session)
    make_member(session, fund, member_no="00042")
    session.commit()
    for _ in range(2):
        result = run("roles", "grant", "00042", "--fund", fund.code, "--role", "treasurer")
        assert result.exit_code == 0, result.output
    session.expire_all()
    assert [r.role for r in session.scalars(select(CommitteeRole))] == ["treasurer"]
    assert session.scalars(select(AuditLog).where(AuditLog.action == "role.grant")).one()


def test_roles_grant_unknown_member_or_fund_fails_clearly(run, session):
    make_fund(session)
    session.commit()
    result = run("roles", "grant", "99999", "--fund", "PAKHLOK", "--role", "committee")
    assert result.exit_code != 0 and "no member 99999" in result.output
    result = run("roles", "grant", "1", "--fund", "NOPE", "--role", "committee")
    assert result.exit_code != 0 and "no fund with code NOPE" in result.output

