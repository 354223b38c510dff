"""podcheck: go/no-go checks for AE+CSM pod org designs."""

__version__ = "0.1.0"
