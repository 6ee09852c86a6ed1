/** A refusal by a unique index: MongoDB and FerretDB both answer code 11000 (FerretDB without the index's name). */
export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number } | null)?.code === 11000;
