import type mongoose from 'mongoose';

// What other records keep of a person to show them without reading them (decision 0018): the
// name, e-mail, service number and institution. A feature that keeps cards registers here to
// hear of every change of those fields, and brings its copies up to date before the change's
// caller goes on.

export const CARD_FIELDS = ['fullName', 'email', 'serviceNumber', 'institution'] as const;

export type PersonCard = {
  fullName: string;
  email?: string | null;
  serviceNumber?: string | null;
  institution?: mongoose.Types.ObjectId | null;
};

type CardOwner = { _id: mongoose.Types.ObjectId } & {
  fullName: string;
  email?: string | null;
  serviceNumber?: string | null;
  institution?: mongoose.Types.ObjectId | null;
};

/** A person's card: the fields they are shown by, without the empty ones. */
export function cardOf(person: CardOwner): PersonCard {
  return {
    fullName: person.fullName,
    ...(person.email ? { email: person.email } : {}),
    ...(person.serviceNumber ? { serviceNumber: person.serviceNumber } : {}),
    ...(person.institution ? { institution: person.institution } : {}),
  };
}

type Listener = (person: mongoose.Types.ObjectId, card: PersonCard) => Promise<void>;
const listeners: Listener[] = [];

/** Called after every change of a person's card, awaited before the change's caller goes on. */
export function onCardChanged(listener: Listener): void {
  listeners.push(listener);
}

/** Tells every keeper of cards that this person's card changed. */
export async function cardChanged(person: CardOwner): Promise<void> {
  for (const listener of listeners) await listener(person._id, cardOf(person));
}
