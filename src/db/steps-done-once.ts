import mongoose from 'mongoose';

// Steps a database needs once, at a start (filling a field that records saved before it existed
// lack): each is recorded by name in `completed_steps` when it has run to its end, so every later
// start skips it with one read by _id instead of repeating a scan. A step that fails is not
// recorded and runs again at the next start; a step must be safe to run twice.

type CompletedStep = { _id: string; completedAt: Date };

const steps = () => mongoose.connection.db!.collection<CompletedStep>('completed_steps');

/** Runs the step unless it completed at an earlier start; its result, or undefined when skipped. */
export async function runOnce<T>(name: string, step: () => Promise<T>): Promise<T | undefined> {
  if (await steps().findOne({ _id: name })) return undefined;
  const result = await step();
  await steps().updateOne({ _id: name }, { $setOnInsert: { completedAt: new Date() } }, { upsert: true });
  return result;
}
