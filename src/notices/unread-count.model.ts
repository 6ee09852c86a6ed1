import mongoose from 'mongoose';

// How many notices each person has unread: the header's badge on every page, kept under the
// person's id so that it is read by _id (docs/decisions/0005-reads-by-id.md) instead of counting
// notices on every request. It belongs to notices, not to the person's record (decision 8).

const unreadCountSchema = new mongoose.Schema(
  {
    /** the person's id */
    _id: { type: mongoose.Schema.Types.ObjectId, required: true },
    unread: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);

export const UnreadCount = mongoose.model('UnreadCount', unreadCountSchema, 'notice_unread_counts');
