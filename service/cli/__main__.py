"""``python -m service.cli``: the ``ekg`` command."""

from service.cli.main import main

if __name__ == "__main__":
    main()
