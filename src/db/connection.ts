import mongoose from 'mongoose';

// Mongo operators in user input ({"$gt": ""}) are never treated as query operators.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export async function connectDatabase(uri: string, dbName: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000 });
  // build the unique indexes the rules rely on before any request arrives
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
