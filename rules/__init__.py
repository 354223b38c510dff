"""The rule catalogue, as data: one YAML file per family of rules."""
