"""Channel adapters: transport only (verify, dedupe, parse, render). No business rules."""
