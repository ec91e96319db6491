#!/usr/bin/env node
// The command is bin/greenlight.cjs. Earlier versions named it bin/greenlight.js, and npx keeps
// links to a project's old bin in its cache (~/.npm/_npx), so this name keeps working.
import './greenlight.cjs';
