import mongoose from 'mongoose';

// A person's secret calendar link. Only the SHA-256 of its token is kept: the link is shown
// once, and making a new one (or revoking) ends the old one.

const calendarFeedSchema = new mongoose.Schema(
  {
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true, unique: true },
    tokenHash: { type: String, required: true, unique: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const CalendarFeed = mongoose.model('CalendarFeed', calendarFeedSchema, 'calendar_feeds');
