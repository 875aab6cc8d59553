#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. V8 also compiles that module with its
// optimising compiler on a background thread: about 30 MB of memory and a second of CPU for a parser
// that reads a few answers a step. Its baseline compiler (Liftoff) is enough; the flag is read when
// the module is compiled, at the first request, so it is set before anything is loaded.
setFlagsFromString('--liftoff-only');
// The CLI as one bundle (scripts/bundle.mjs): dist/ holds the same code as separate modules.
await import('../bundle/cli.js');
