"""Identity's writes and rules, one module a topic: sign-in, MFA, sessions, tokens, organisation."""
