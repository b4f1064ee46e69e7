/** Manual check: build, start a production server on a fresh in-memory DB, print its URL. */
import { buildWeb, startServer } from '../test/support';

const web = await buildWeb();
const server = await startServer(web.dir);
console.log(`Parley (production build, fresh database) at ${server.url}`);
const stop = async () => {
  await server.close();
  web.cleanup();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
