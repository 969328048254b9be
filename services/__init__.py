"""Operations that change fund data, in one place for every caller.

Handlers, the command line, the importers (and the scheduler's jobs) call these functions and never
write the tables themselves. Each takes the session, the actor and the time, checks what it is
given, writes, and leaves an audit row without personal data. The caller owns the transaction.

Actors are short strings: `chat:<account id>` for a person in a chat, `cli` for the command line,
`import:<file>` for a spreadsheet, `line`/`telegram` for a channel's own bookkeeping.
"""
