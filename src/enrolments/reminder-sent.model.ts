import mongoose from 'mongoose';

// One reminder per person and session. The record is inserted before the notice is sent, and
// its unique index lets only one of two overlapping runs go on (decision 0002): a reminder is
// never sent twice; if sending fails after the insert, that one reminder is lost, not repeated.

const reminderSentSchema = new mongoose.Schema(
  {
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

reminderSentSchema.index({ session: 1, person: 1 }, { unique: true });

export const ReminderSent = mongoose.model('ReminderSent', reminderSentSchema, 'reminders_sent');
