"""Identity's writes and rules, one module per topic: sign-in, MFA, sessions, tokens, organisation."""
