// The rules of the trainer chain that need no database (decision 0016).

/** What the rules read of a session. */
export type SessionFacts = {
  status: string;
  endsAt: Date;
  trainers: readonly { person: { toHexString(): string }; lead: boolean }[];
};

/**
 * Whether a trainer delivered the session: it was held (neither a draft nor cancelled) and has
 * ended. Its closing is not waited for: hours were taught whether or not the results are
 * confirmed yet; the people it trained are counted once it is closed (its records).
 */
export function isDelivered(session: Pick<SessionFacts, 'status' | 'endsAt'>, now: Date): boolean {
  return session.status !== 'draft' && session.status !== 'cancelled' && session.endsAt.getTime() <= now.getTime();
}

/** Who certified the participants of a session: its lead trainer, else its first one, else nobody. */
export function certifierOf(session: Pick<SessionFacts, 'trainers'>): string | undefined {
  const lead = session.trainers.find((t) => t.lead) ?? session.trainers[0];
  return lead?.person.toHexString();
}

/** The deepest generation a cascade shows: the masters' trainees' trainees… five steps down. */
export const MAX_GENERATION = 5;

export type CascadeInput = {
  /** the module's qualifications: who holds one, and who certified them (the lead of their training) */
  qualifications: readonly { trainer: string; certifiedBy?: string }[];
  /** the module's delivered sessions and their trainers */
  sessions: readonly { id: string; trainers: readonly string[] }[];
  /** completions of the module that trained someone (trainedSomeone), each from its session */
  trainings: readonly { person: string; session: string; country: string }[];
  maxGeneration?: number;
};

export type CascadeNode = {
  person: string;
  generation: number;
  /** holds a qualification for the module, or taught it: a trainer of the cascade */
  trainer: boolean;
  qualified: boolean;
  /** the trainer who brought them in: who certified them, or who trained them */
  from?: string;
  how: 'root' | 'certified' | 'trained';
  /** for people trained: the country where they were trained (their record's issuer) */
  trainedIn?: string;
  /** for trainers: how many people they trained (distinct, every generation) */
  trainedCount: number;
};

export type Cascade = { nodes: CascadeNode[]; beyond: number };

/**
 * A module's cascade by generation (decision 0016). Generation 0: its trainers whom no trainer
 * of the module certified (qualified by hand, or by a training of trainers led by someone who
 * does not deliver this module), and anyone who taught it without being reached otherwise.
 * Generation n + 1: the trainers certified by a trainer of generation n and the people they
 * trained in the module. Each person is placed once, at the first generation that reaches them;
 * only trainers reach further. `beyond` counts the people past `maxGeneration`.
 */
export function cascadeOf(input: CascadeInput): Cascade {
  const max = input.maxGeneration ?? MAX_GENERATION;
  const qualified = new Map(input.qualifications.map((q) => [q.trainer, q.certifiedBy]));
  const teachers = new Set(input.sessions.flatMap((s) => s.trainers));
  const isTrainer = (person: string) => qualified.has(person) || teachers.has(person);

  // who each trainer reached: those they certified, and those they trained (with where)
  const certified = new Map<string, string[]>();
  for (const [trainer, by] of qualified) if (by && by !== trainer) push(certified, by, trainer);
  const trainersOf = new Map(input.sessions.map((s) => [s.id, s.trainers]));
  const trained = new Map<string, Map<string, string>>();
  for (const t of input.trainings) {
    for (const trainer of trainersOf.get(t.session) ?? []) {
      if (trainer === t.person) continue;
      const mine = trained.get(trainer) ?? new Map<string, string>();
      if (!mine.has(t.person)) mine.set(t.person, t.country);
      trained.set(trainer, mine);
    }
  }

  const children = (person: string) => [...(certified.get(person) ?? []), ...(trained.get(person)?.keys() ?? [])];
  const reach = (from: readonly string[]) => {
    const seen = new Set(from);
    const queue = [...from];
    while (queue.length > 0) {
      for (const next of children(queue.shift()!)) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  };

  // the masters; then, among the trainers no master reaches, those no other of them reaches (a
  // circle of certifications, someone teaching without a qualification): its first, by id
  const roots = [...qualified].filter(([, by]) => !by || !isTrainer(by)).map(([trainer]) => trainer);
  const reached = reach(roots);
  let left = [...new Set([...qualified.keys(), ...teachers])].filter((p) => !reached.has(p)).sort();
  while (left.length > 0) {
    const inLeft = new Set(left);
    const fed = new Set(left.flatMap((p) => children(p).filter((c) => inLeft.has(c))));
    const sources = left.filter((p) => !fed.has(p));
    const starts = sources.length > 0 ? sources : [left[0]!];
    roots.push(...starts);
    for (const p of reach(starts)) reached.add(p);
    left = left.filter((p) => !reached.has(p));
  }

  const nodes = new Map<string, CascadeNode>();
  const place = (node: Omit<CascadeNode, 'trainer' | 'qualified' | 'trainedCount'>) => {
    if (nodes.has(node.person)) return false;
    const trainer = isTrainer(node.person);
    nodes.set(node.person, {
      ...node,
      trainer,
      qualified: qualified.has(node.person),
      trainedCount: trainer ? (trained.get(node.person)?.size ?? 0) : 0,
    });
    return true;
  };
  for (const person of roots) place({ person, generation: 0, how: 'root', from: qualified.get(person) });
  let frontier = roots;
  for (let generation = 0; frontier.length > 0 && generation < max; generation++) {
    const next: string[] = [];
    for (const from of frontier) {
      for (const person of certified.get(from) ?? []) {
        if (place({ person, generation: generation + 1, from, how: 'certified' })) next.push(person);
      }
      for (const [person, country] of trained.get(from) ?? []) {
        if (place({ person, generation: generation + 1, from, how: 'trained', trainedIn: country })) next.push(person);
      }
    }
    frontier = next.filter(isTrainer);
  }

  const everyone = new Set([...qualified.keys(), ...teachers, ...input.trainings.map((t) => t.person)]);
  return { nodes: [...nodes.values()], beyond: [...everyone].filter((p) => !nodes.has(p)).length };
}

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
