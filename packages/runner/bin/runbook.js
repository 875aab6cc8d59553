#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. V8 also compiles that module with its
// optimising compiler on a background thread: about 30 MB of memory and a second of CPU for a parser
// that reads a few answers a step. Its baseline compiler (Liftoff) is enough; the flag is read when
// the module is compiled, at the first request, so it is set before anything is loaded.
setFlagsFromString('--liftoff-only');
// V8's young generation, where objects are born, grows during the start from 1 to 4 MB a semi-space:
// pages written all the time. Every host of a local run (`--local`) is a fork of this process, and
// after a fork the first write to each page is a fault: kept at its first size, a 10-step run of 10
// local hosts takes about 40 ms less. Every other command, a run against JOB and a run with a big
// step let it grow again (src/heap-growth.ts). A factor given to node by the user is theirs.
if (!process.execArgv.some((a) => /^--semi[-_]space[-_]growth[-_]factor\b/.test(a)))
  setFlagsFromString('--semi-space-growth-factor=1');
// The CLI as one bundle (scripts/bundle.mjs): dist/ holds the same code as separate modules.
await import('../bundle/cli.js');
