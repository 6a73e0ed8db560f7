#!/usr/bin/env bash
# The test command: installs what is missing, restores, builds and runs the whole xUnit suite.
# The real public test files are read from ../shared/data/real when that folder exists.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-deps.sh
dotnet test tests/WeiPian.Engine.Tests.csproj -c Release --nologo "$@"
