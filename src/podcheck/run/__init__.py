"""The run every command shares: settings, config, reading files, judging in batches, writing."""
