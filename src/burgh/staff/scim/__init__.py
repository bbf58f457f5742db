"""The SCIM 2.0 provider (RFC 7643, RFC 7644) at /scim/v2: identity providers keep staff here."""
