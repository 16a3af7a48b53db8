"""The `owabi` command line (collector.cli.main), one module per command or group."""
