import mongoose from 'mongoose';
import { markDatabaseDown, markDatabaseUp } from './database-state.ts';

// Mongo operators in user input ({"$gt": ""}) are never treated as query operators.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
// while disconnected, an operation waits this long for the connection, then the request gets a 503
mongoose.set('bufferTimeoutMS', 5_000);

export class UnacknowledgedWritesError extends Error {
  override name = 'UnacknowledgedWritesError';
}

/**
 * Connects Mongoose. `monitorCommands` lets the test suite watch every command sent.
 * Refuses a connection whose default write concern is unacknowledged (w=0 in MONGODB_URI):
 * Cadre never sends one (decision 0007).
 */
export async function connectDatabase(
  uri: string,
  dbName: string,
  options: { monitorCommands?: boolean } = {},
): Promise<typeof mongoose> {
  // a request during an outage fails within seconds instead of waiting on the driver;
  // heartbeats every 5 s notice an outage (and its end) on a MONGODB_URI site
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 5_000, heartbeatFrequencyMS: 5_000, ...options });
  const client = mongoose.connection.getClient();
  client.on('serverHeartbeatFailed', () => markDatabaseDown('driver'));
  client.on('serverHeartbeatSucceeded', () => markDatabaseUp('driver'));
  if (client.writeConcern?.w === 0) {
    await mongoose.disconnect();
    throw new UnacknowledgedWritesError(
      'The database address asks for unacknowledged writes (w=0); Cadre needs acknowledged ones: remove w=0 from MONGODB_URI.',
    );
  }
  // build the unique indexes the rules rely on before any request arrives
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
