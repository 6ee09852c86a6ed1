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
// who of these trainers holds the module (the session page's warning): the module first
trainerQualificationSchema.index({ module: 1, trainer: 1 });

export const TrainerQualification = mongoose.model(
  'TrainerQualification',
  trainerQualificationSchema,
  'trainer_qualifications',
);
