"""What it would take: the smallest changes that turn a no-go into a go, and the revised file."""
