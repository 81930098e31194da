from packgen.cli import cli

cli()
