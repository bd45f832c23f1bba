#!/usr/bin/env bash
# Prints what each citizen page downloads after brotli, from a release build,
# and checks it against the budgets of docs/rules.md, Budgets.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
ensure_browser_tools
build_release
cd "$REPO_ROOT/end2end"
npx playwright test tests/weight.spec.ts --reporter=list
