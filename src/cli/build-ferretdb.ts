import { loadConfigOrExit } from '../config.ts';
import { buildFerretdb, ferretdbBinaryPath, hasFerretdbBinary } from '../db/ferretdb.ts';

// npm run db:build-ferretdb: builds the embedded database ahead of time (needs Go and the
// Go module proxy once); afterwards Cadre starts offline.

const config = loadConfigOrExit();
if (hasFerretdbBinary(config.cacheDir)) {
  console.log(`FerretDB is already built: ${ferretdbBinaryPath(config.cacheDir)}`);
} else {
  const started = Date.now();
  await buildFerretdb(config.cacheDir, (message) => console.log(message));
  console.log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);
}
