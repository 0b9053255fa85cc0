"""``python -m service`` is the ``kit-crise`` command."""

from service.cli import main

main()
