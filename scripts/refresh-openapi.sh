#!/usr/bin/env bash
# Writes the API description the app serves (/openapi/v1.json) to docs/openapi.json: run it after changing an endpoint,
# and commit the file. OpenApiDocumentTests fails while the two differ; tests/AutoLynx.ClientTests generates its Kiota
# client from the file at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/AutoLynx.Tests -nologo -v q
AUTOLYNX_UPDATE_OPENAPI=1 dotnet test tests/AutoLynx.Tests --no-build -nologo --filter "FullyQualifiedName~OpenApiDocumentTests.ServedDocument_EqualsCheckedInCopy"
git --no-pager diff --stat -- docs/openapi.json
