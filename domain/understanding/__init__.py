"""Understanding free text: which feature a member's words ask for (see `result.Understood`)."""
