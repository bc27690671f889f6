#!/usr/bin/env node
// The `keel` command. A committed launcher (rather than pointing the bin at dist/) so npm links
// it at install time, before the workspace build has produced dist/.
import '../dist/cli/main.js'
