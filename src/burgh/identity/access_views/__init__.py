"""Information-governance pages: sharing agreements, restrictions, emergency access, access log."""
