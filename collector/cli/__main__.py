"""`python -m collector.cli`: the `owabi` command without its installed script."""

from collector.cli.main import main

main()
