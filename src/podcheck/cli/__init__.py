"""The command line: parses options, calls the run, prints, chooses the exit code."""
