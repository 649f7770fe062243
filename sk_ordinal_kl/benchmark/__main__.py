"""``python -m sk_ordinal_kl.benchmark``: the accuracy benchmark's command line."""

# The package's main, not a copy here: joblib workers unpickle tasks by module path.
from sk_ordinal_kl.benchmark import main

raise SystemExit(main())
