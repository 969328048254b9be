"""`kongtun stats` on the demo data prints the 2016 report's table (Thai and English), and
`kongtun report` writes a fund's report as CSV or XLSX with the chat's figures and no ID or phone."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models import AuditLog
from services.reports import fund_report
from tests import report_world as W
from tests.factories import make_fund, make_member


def test_stats_on_the_demo_data_in_thai_and_english(run):
    assert run("seed-demo").exit_code == 0
    thai = run("stats")
    assert thai.exit_code == 0, thai.output
    rows = {line.split()[0]: line.split()[1:] for line in thai.output.splitlines()[1:19]}
    assert rows["PKT-CITY"] == ["1,916", "19,551", "9.8%", "เทศบาลนครภูเก็ต"]
    assert [rows[code][2] for code in ("PAKHLOK", "KAMALA", "THEPKRASATTRI-M", "SAKHU")] == [
        "12.0%",
        "14.0%",
        "12.0%",
        "12.0%",
    ]
    assert rows["KOKAEO"][1:3] == ["ไม่ทราบ", "-"]
    assert "กองทุนที่มีสมาชิกมากที่สุด: เทศบาลนครภูเก็ต 1,916 คน (9.8% ของประชากร)" in thai.output
    above = next(line for line in thai.output.splitlines() if line.startswith("สมาชิกเกินร้อยละ 10"))
    for name in (
        "องค์การบริหารส่วนตำบลกมลา (14.0%)",
        "เทศบาลตำบลป่าคลอก (12.0%)",
        "เทศบาลตำบลเทพกระษัตรี (12.0%)",
        "องค์การบริหารส่วนตำบลสาคู (12.0%)",
    ):
        assert name in above
    assert above.count("%") == 4
    english = run("stats", "--lang", "en")
    assert "Phuket City Municipality" in english.output
    assert "Largest fund: Phuket City Municipality: 1,916 members (9.8% of its population)" in english.output
    line = next(x for x in english.output.splitlines() if x.startswith("Members above 10%"))
    assert {"Pa Khlok", "Kamala", "Thep Krasattri Subdistrict Municipality", "Sakhu"} <= {
        w for w in ("Pa Khlok", "Kamala", "Thep Krasattri Subdistrict Municipality", "Sakhu") if w in line
    }


def test_stats_counts_active_members_and_coverage(run, session):
    fund = make_fund(session, population=200)
    unknown = make_fund(session, "KOKAEO", population=None)
    for _ in range(3):
        make_member(session, fund)
    make_member(session, fund, status="lapsed")
    make_member(session, unknown)
    session.commit()
    result = run("stats", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:4] for line in result.output.splitlines()[1:3]}
    assert lines["PAKHLOK"] == ["3", "200", "1.5%"]
    assert lines["KOKAEO"] == ["1", "unknown", "-"]
    total = next(x for x in result.output.splitlines() if x.startswith("Whole network"))
    assert total.split()[-1] == "4"
    assert "ACTIVE members" in run("stats", "--help").output


def _expected(session, fund):
    report = fund_report(session, fund, W.TODAY)
    return report


@pytest.fixture
def built(session, clock_today):
    fund, names = W.build(session, reversal=False)
    session.commit()
    return fund, names


@pytest.fixture
def clock_today(monkeypatch):
    """`kongtun report` reads today's date in the fund's zone: the world's day."""
    import bot.cli_reports as cli_reports

    class Fixed(cli_reports.datetime):  # type: ignore[misc, name-defined]
        @classmethod
        def now(cls, tz=None):
            return cli_reports.datetime(2026, 11, 29, 10, 0, tzinfo=tz)

    monkeypatch.setattr(cli_reports, "datetime", Fixed)


def test_report_csv_has_the_chat_figures_and_no_personal_data(run, session, built, tmp_path):
    fund, names = built
    out = tmp_path / "r.csv"
    result = run("report", "pakhlok", "--format", "csv", "--output", str(out))  # any case of the code
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Thai right
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    values = {label: value for _, label, value in rows[1:]}
    assert values["สมาชิกปัจจุบัน"] == "5" and values["ค้างเงินสัจจะ"] == str(W.ARREARS)
    assert values["ยอดค้างรวม"] == str(W.OWED) and values["ใกล้ขาดสมาชิกภาพ (อีก 1 เดือน)"] == str(W.NEAR_LAPSE)
    assert values["เงินกองทุนคงเหลือ"] == str(W.BALANCE)
    assert values["เงินสมทบจากสถาบันพัฒนาองค์กรชุมชน (พอช.)"] == "5000"
    assert values["จ่ายสวัสดิการปี 2569 (ราย)"] == "1" and values["จ่ายสวัสดิการปี 2569 (บาท)"] == "1000"
    assert (
        values["ส่งไม่สำเร็จ"] == "2"
        and values["รอโควตา LINE"] == "1"
        and values["โควตา LINE ที่เหลือเดือนนี้"] == "380"
    )
    text = raw.decode("utf-8-sig")
    assert "บุญมี" not in text and "+668" not in text and "0812345678" not in text
    session.expire_all()
    assert session.query(AuditLog).filter_by(action="report.exported").count() == 1


def test_report_xlsx_with_the_arrears_list_in_english(run, session, built, tmp_path):
    fund, names = built
    out = tmp_path / "r.xlsx"
    result = run(
        "report", "PAKHLOK", "--format", "xlsx", "--output", str(out), "--lang", "en", "--with-arrears"
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Members", "Dues in arrears", "Money", "Messages", "Members in arrears"]
    cells = {
        row[0]: row[1] for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert cells["Active members"] == 5 and cells["Coverage of the population"] == pytest.approx(0.5)
    assert cells["Total owed"] == 230 and cells["Fund balance"] == int(W.BALANCE)
    assert cells["Members' dues"] == int(W.DUES) and cells["Benefits paid in 2026 (baht)"] == 1000
    assert cells["LINE quota used this month"] == 120
    listed = [row for row in book["Members in arrears"].iter_rows(min_row=3, values_only=True)]
    assert listed[0] == ("90004", "เอื้อม ใ.", 3, 90) and len(listed) == W.ARREARS
    every = " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    assert "ใจงาม" not in every and "+66" not in every
    assert Decimal(cells["Total owed"]) == _expected(session, fund).arrears_amount


def test_report_of_an_unknown_fund_is_one_line_and_fails(run, tmp_path):
    result = run("report", "NOPE", "--format", "csv", "--output", str(tmp_path / "x.csv"))
    assert result.exit_code != 0 and "no fund NOPE" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "x.csv").exists()
