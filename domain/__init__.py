"""Pure domain rules: no database session, no web server, no clock of their own."""
