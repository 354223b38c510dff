"""The org file: YAML read safely with locations, validated into a frozen model."""
