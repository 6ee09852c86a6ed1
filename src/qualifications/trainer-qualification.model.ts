import mongoose from 'mongoose';

// A trainer's qualification to deliver a module, and since when. Assigning an unqualified
// trainer to a session is allowed with a warning.

const trainerQualificationSchema = new mongoose.Schema(
  {
    trainer: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    qualifiedOn: { type: Date, required: true },
    recordedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);

trainerQualificationSchema.index({ trainer: 1, module: 1 }, { unique: true });

export const TrainerQualification = mongoose.model(
  'TrainerQualification',
  trainerQualificationSchema,
  'trainer_qualifications',
);
