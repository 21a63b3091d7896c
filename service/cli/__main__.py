"""``python -m service.cli``: the ``ekg`` command."""

from service.cli.main import main

main()
