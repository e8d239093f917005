#!/usr/bin/env node
// A stable bin path that exists before the build, so installing the workspace never warns.
import "../dist/main.js";
