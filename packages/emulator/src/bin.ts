import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('Usage: runbook-emulator [--port 8080] [--host 127.0.0.1]\n');
  process.exit(0);
}
const emu = await startEmulator({ port: Number(values.port), host: values.host });
process.stdout.write(`runbook-emulator listening on ${emu.url}\n`);
const stop = () => void emu.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
