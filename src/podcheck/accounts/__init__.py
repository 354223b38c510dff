"""Account exports from a CRM: read, tallied, and measured against an org file."""
