"""Demo data: the 18 Phuket funds of the 2016 assembly report, the example rules, and synthetic
members with their dues, claims, the funds' matching income and expenses, committees and meetings.

Everything is dated relative to `today`, so the demo always looks current, and drawn from random
generators seeded with fixed strings, so the same `today` always gives the same data. Rows go in with
bulk Core inserts (a few statements per fund): ORM objects per row would take minutes for the
tens of thousands of members and hundreds of thousands of payments.

The fixed demo identities (docs/demo.md) are created first in their funds, with their own random
generators, so they look the same whatever happens to the synthetic crowd around them.

- `seed.py`: `seed_demo`, the whole demo from the data files (`bot/demo_data`);
- `fund_seeder.py`: one fund, step by step, on a `context.FundContext` (its day, its random generator);
- `people.py`: names, national IDs, phones, the demo identities, and a fund's members;
- `money.py`: members' dues history, the fund's matching income, donations and running costs;
- `claims.py`: benefit claims and the expenses of the paid ones;
- `committee.py`: committee roles, each fund's next meeting and the provincial assembly.
"""
