#!/usr/bin/env bash
# Runs AutoLynx in demo mode: SQLite (autolynx.db) and the built-in Vapi simulator; no account needed.
# Extra arguments go to the app, e.g. --urls http://0.0.0.0:5000
set -euo pipefail
cd "$(dirname "$0")/.."
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project src/AutoLynx --launch-profile http -- "$@"
