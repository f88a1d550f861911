"""``python -m diplomatic_visits`` is the ``diplomatic-visits`` command."""

from diplomatic_visits.cli import main

raise SystemExit(main())
