#!/usr/bin/env bash
# Regenerate the single initial migration from the models (before the first release only).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
rm -f migrations/versions/*.py
DATABASE_URL="sqlite:///$scratch/empty.db" FLASK_APP=wsgi .venv/bin/flask db migrate -m "initial schema" >/dev/null
.venv/bin/python scripts/fix_migration_cycle.py migrations/versions/*_initial_schema.py
rm -rf "$scratch"
ls migrations/versions/
