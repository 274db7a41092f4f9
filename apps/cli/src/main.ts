import 'reflect-metadata';

import { runRelais } from './program.js';

process.exitCode = await runRelais(process.argv.slice(2));
