"""The run every command shares: settings, config, reading files, judging in batches, writing."""

# The config file a run reads when none is named: kept here, free of imports, so that the
# command line can name it in its help without loading the run path.
CONFIG_NAME = "podcheck.yaml"
