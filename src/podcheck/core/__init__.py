"""The core every stage shares: input errors, exact numbers, inert text, kinds of value."""
