"""``python -m bot.cli``: the same as the ``mulin`` command."""

from bot.cli import main

raise SystemExit(main())
