import mongoose, { type InferSchemaType } from 'mongoose';

// A trainer's qualification to deliver a module, and since when. Assigning an unqualified
// trainer to a session is allowed with a warning. One is either recorded by hand (`recordedBy`
// and the date they typed) or granted from a completion of a training of trainers that
// qualifies for the module (decision 0016): then it keeps where it came from, the record, its
// session and module, and who certified them (the session's lead trainer), and `qualifiedOn` is
// the training's last day. `recordedBy` is whoever recorded or granted it.

const trainerQualificationSchema = new mongoose.Schema(
  {
    trainer: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    qualifiedOn: { type: Date, required: true },
    recordedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    /** the completion record it was granted from; absent when recorded by hand */
    fromRecord: { type: mongoose.Schema.Types.ObjectId, ref: 'CompletionRecord' },
    /** that record's session (none for a record entered by hand) and module (the training of trainers) */
    fromSession: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession' },
    fromModule: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule' },
    /** the lead trainer of that session: who certified this trainer */
    certifiedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);

trainerQualificationSchema.index({ trainer: 1, module: 1 }, { unique: true });
// who of these trainers holds the module (the session page's warning), a module's trainers (its cascade)
trainerQualificationSchema.index({ module: 1, trainer: 1 });
// whom a trainer certified in turn, newest first (the trainer page)
trainerQualificationSchema.index({ certifiedBy: 1, qualifiedOn: -1 });
// the qualifications given in a period (a workplan's trainers certified)
trainerQualificationSchema.index({ qualifiedOn: 1 });

export type TrainerQualificationFields = InferSchemaType<typeof trainerQualificationSchema>;
export const TrainerQualification = mongoose.model(
  'TrainerQualification',
  trainerQualificationSchema,
  'trainer_qualifications',
);
