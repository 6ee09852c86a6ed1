import type { DeliveryLanguage } from '../modules/training-module.model.ts';
import type { Outcome } from '../results/result-rules.ts';

// The demo world's sessions (see ./demo-world.ts for the people, ./demo-modules.ts for the
// modules): in each country, sessions held weeks ago with attendance, scores and confirmed
// results, one running this week, and upcoming ones (one full with a waiting list, one that
// needs approval, open ones with free seats). Dates are counted from the day the seed runs, in
// weeks, so a fresh demo always has a past, a present and a future; the sessions are made once
// (src/demo/seed-sessions.ts). People are named by their full name in DEMO_PEOPLE.

/**
 * One letter per day of a participant's attendance: present, late (an hour missed), left early
 * (half the day missed), absent, excused (with the session's excuse note).
 */
export type DayMark = 'P' | 'L' | 'E' | 'A' | 'X';

export type DemoParticipant = {
  name: string;
  /** their marks, one letter per day held so far; none: not marked (an upcoming session) */
  marks?: string;
  /** test scores, entered where the module has that test */
  pre?: number;
  post?: number;
  /** the result the closer confirms instead of the proposed one, with the reason */
  changed?: { outcome: Outcome; reason: string };
};

/** When, counted from the Monday of the week the seed runs. */
export type DemoWhen =
  /** N weeks before, starting on the given weekday (1 = Monday) */
  | { weeksAgo: number; weekday: number }
  /** running now: working days before today, today, working days after */
  | { thisWeek: { before: number; after: number } }
  | { weeksAhead: number; weekday: number };

export type DemoSession = {
  module: string;
  venue: string;
  room: string;
  language: DeliveryLanguage;
  when: DemoWhen;
  /** consecutive working days (for a session running this week, given by `when`) */
  days: number;
  start: string;
  end: string;
  capacity: number;
  requiresApproval: boolean;
  notes: string;
  /** the coordinator who schedules it, enrols people and closes it */
  coordinator: string;
  /** the lead trainer first; the lead marks attendance and enters scores */
  trainers: readonly string[];
  /** enrolled by the coordinator in this order: beyond the capacity they wait */
  participants: DemoParticipant[];
  /** people who ask for a place themselves (a request, when the session needs approval) */
  requests?: readonly string[];
  /** the note of an excused day, in the session's language */
  excuse: string;
};

const UG = {
  venue: 'UG-PATS',
  language: 'en',
  start: '08:30',
  end: '16:30',
  coordinator: 'Grace Namukasa',
  trainers: ['Moses Okello', 'Sarah Nakato'],
  excuse: 'On sick leave; medical certificate handed in.',
} as const;

const KZ = {
  venue: 'KZ-PSTC',
  language: 'ru',
  start: '09:00',
  end: '17:00',
  coordinator: 'Сейткалиева Айгуль Маратовна',
  trainers: ['Ким Виктор Алексеевич', 'Жумабекова Айгерим Нурлановна'],
  excuse: 'Больничный лист, копия в личном деле.',
} as const;

/** The guest officers of the regional exchange (names in Arabic script). */
const GUESTS = ['عبد الرحمن محمد أحمد', 'فاطمة عثمان إبراهيم', 'ياسر الطيب حسن'] as const;

export const DEMO_SESSIONS: readonly DemoSession[] = [
  // Uganda: held six weeks ago, closed. A mix of results: completed, not completed (attendance,
  // post-test, an excused day), a no-show, and one result changed by the closer with a reason.
  {
    ...UG,
    module: 'UG-PVE-01',
    room: 'Lecture Hall A',
    when: { weeksAgo: 6, weekday: 2 },
    days: 2,
    capacity: 16,
    requiresApproval: false,
    notes: 'Intake for officers of Luzira Upper Prison, with the exchange officers.',
    participants: [
      { name: 'Harriet Nakabugo', marks: 'PP', pre: 45, post: 78 },
      { name: 'Geoffrey Odongo', marks: 'PP', pre: 52, post: 81.5 },
      { name: 'Fred Kasozi', marks: 'PL', pre: 38, post: 66 },
      { name: 'Florence Achieng', marks: 'PP', pre: 60, post: 88 },
      { name: 'Denis Mwesigwa', marks: 'PA', pre: 40, post: 58 },
      { name: 'Juliet Namubiru', marks: 'PP', pre: 35, post: 55.5 },
      { name: 'Richard Okot', marks: 'AA' },
      {
        name: 'Annet Nalwoga',
        marks: 'PE',
        pre: 47,
        post: 74,
        changed: {
          outcome: 'completed',
          reason:
            'Called back to Luzira Upper Prison on day 2 for a security incident; made up the afternoon one-to-one with the trainer the next week.',
        },
      },
      { name: 'Simon Lubega', marks: 'XP', pre: 50, post: 70 },
      { name: GUESTS[0], marks: 'PP', pre: 48, post: 71 },
    ],
  },
  // Uganda: a training of trainers held ten weeks ago, led by Sarah Nakato: Moses Okello
  // (trainer@demo.test) completed it and was granted the PVE-01 qualification from it
  // (seed-completions.ts), so the trainer chain has a certification to show.
  {
    ...UG,
    trainers: ['Sarah Nakato'],
    module: 'UG-TOT-01',
    room: 'Seminar Room 2',
    when: { weeksAgo: 10, weekday: 2 },
    days: 3,
    capacity: 8,
    requiresApproval: false,
    notes: 'Instructors nominated by the Commandant.',
    participants: [{ name: 'Moses Okello', marks: 'PPP', post: 84 }],
  },
  // Uganda: held three weeks ago, one day, a post-test only; closed.
  {
    ...UG,
    trainers: ['Sarah Nakato', 'Moses Okello'],
    module: 'UG-PVE-02',
    room: 'Lecture Hall B',
    when: { weeksAgo: 3, weekday: 3 },
    days: 1,
    capacity: 20,
    requiresApproval: false,
    notes: '',
    participants: [
      { name: 'Prossy Nanyonga', marks: 'P', post: 72 },
      { name: 'Robert Ouma', marks: 'P', post: 64 },
      { name: 'Lillian Apio', marks: 'L', post: 61 },
      { name: 'Ivan Ssemwogerere', marks: 'P', post: 49 },
      { name: 'Doreen Nabirye', marks: 'A' },
      { name: GUESTS[1], marks: 'P', post: 83 },
      { name: GUESTS[2], marks: 'P', post: 67.5 },
    ],
  },
  // Uganda: running this week; the days before today are marked, the pre-test taken.
  {
    ...UG,
    module: 'UG-PVE-03',
    room: 'Lecture Hall A',
    when: { thisWeek: { before: 2, after: 1 } },
    days: 4,
    capacity: 14,
    requiresApproval: false,
    notes: 'Bring your notebook and the unit’s standing orders.',
    participants: [
      { name: 'Harriet Nakabugo', marks: 'PP', pre: 58 },
      { name: 'Charles Oryem', marks: 'PL', pre: 44 },
      { name: 'Jordan Kyomuhendo', marks: 'PP', pre: 61.5 },
      { name: 'Juliet Namubiru', marks: 'XP', pre: 39 },
      { name: 'Denis Mwesigwa', marks: 'PA', pre: 42 },
      { name: GUESTS[0], marks: 'PP', pre: 55 },
      { name: GUESTS[1], marks: 'PP', pre: 63 },
      { name: GUESTS[2], marks: 'LP', pre: 49 },
    ],
  },
  // Uganda: in two weeks, full, three people waiting.
  {
    ...UG,
    module: 'UG-PVE-04',
    room: 'Seminar Room 2',
    when: { weeksAhead: 2, weekday: 2 },
    days: 2,
    capacity: 8,
    requiresApproval: false,
    notes: 'For officers of the units holding violent extremist prisoners.',
    participants: [
      { name: 'Geoffrey Odongo' },
      { name: 'Fred Kasozi' },
      { name: 'Florence Achieng' },
      { name: 'Esther Akello' },
      { name: 'Ronald Kato' },
      { name: 'Lillian Apio' },
      { name: 'Robert Ouma' },
      { name: 'Henry Byaruhanga' },
      { name: 'Annet Nalwoga' },
      { name: 'Simon Lubega' },
      { name: 'Samuel Wasswa' },
    ],
  },
  // Uganda: in three weeks, places given on approval; two requests wait for the coordinator.
  {
    ...UG,
    module: 'UG-PVE-06',
    room: 'Lecture Hall B',
    when: { weeksAhead: 3, weekday: 3 },
    days: 2,
    capacity: 12,
    requiresApproval: true,
    notes: 'Places on approval by the academy: welfare and rehabilitation officers first.',
    participants: [{ name: 'Patrick Mugisha' }, { name: 'Agnes Nansubuga' }, { name: 'Brenda Atim' }],
    requests: ['Harriet Nakabugo', 'Isaac Tumwine'],
  },
  // Uganda: in four weeks, open, free seats.
  {
    ...UG,
    trainers: ['Sarah Nakato'],
    module: 'UG-PVE-02',
    room: 'Lecture Hall A',
    when: { weeksAhead: 4, weekday: 2 },
    days: 1,
    capacity: 20,
    requiresApproval: false,
    notes: '',
    participants: [
      { name: 'Harriet Nakabugo' },
      { name: 'Joan Auma' },
      { name: 'Emmanuel Opio' },
      { name: 'Kiiza Tumwesigye' },
      { name: 'Jordan Kyomuhendo' },
    ],
  },

  // Kazakhstan: held five weeks ago, closed, with a mix of results.
  {
    ...KZ,
    module: 'KZ-PVE-01',
    room: 'Аудитория 204',
    when: { weeksAgo: 5, weekday: 1 },
    days: 2,
    capacity: 16,
    requiresApproval: false,
    notes: 'Для сотрудников ИК-12.',
    participants: [
      { name: 'Касымова Мадина Руслановна', marks: 'PP', pre: 50, post: 84 },
      { name: 'Мусин Болат Кайратович', marks: 'PP', pre: 62, post: 90 },
      { name: 'Орлов Сергей Викторович', marks: 'PL', pre: 44, post: 71 },
      { name: 'Калиев Азамат Нурланович', marks: 'PA', pre: 30, post: 52 },
      { name: 'Токтаров Ержан Маратович', marks: 'AA' },
      { name: 'Байжанова Айжан Серікқызы', marks: 'PP', pre: 41, post: 57.5 },
      { name: 'Литвиненко Игорь Павлович', marks: 'XP', pre: 46, post: 68 },
      { name: 'Ким Елена Сергеевна', marks: 'PP', pre: 70, post: 95 },
    ],
  },
  // Kazakhstan: held two weeks ago, one day, no test, full attendance needed; closed.
  {
    ...KZ,
    trainers: ['Жумабекова Айгерим Нурлановна', 'Ким Виктор Алексеевич'],
    module: 'KZ-DS-01',
    room: 'Аудитория 112',
    when: { weeksAgo: 2, weekday: 4 },
    days: 1,
    capacity: 12,
    requiresApproval: false,
    notes: '',
    participants: [
      { name: 'Касымова Мадина Руслановна', marks: 'P' },
      { name: 'Жаксылыков Марат Болатұлы', marks: 'P' },
      { name: 'Абишева Камила Ерлановна', marks: 'L' },
      { name: 'Ибраев Тимур Асқарұлы', marks: 'P' },
      { name: 'Омаров Ринат Ильясович', marks: 'A' },
      { name: 'Смагулова Асель Маратовна', marks: 'P' },
    ],
  },
  // Kazakhstan: running this week.
  {
    ...KZ,
    module: 'KZ-PVE-02',
    room: 'Аудитория 204',
    when: { thisWeek: { before: 1, after: 1 } },
    days: 3,
    capacity: 15,
    requiresApproval: false,
    notes: '',
    participants: [
      { name: 'Касымова Мадина Руслановна', marks: 'P', pre: 56 },
      { name: 'Мусин Болат Кайратович', marks: 'P', pre: 67 },
      { name: 'Орлов Сергей Викторович', marks: 'L', pre: 48.5 },
      { name: 'Ким Елена Сергеевна', marks: 'P', pre: 72 },
      { name: 'Шевченко Николай Андреевич', marks: 'A' },
      { name: 'Досанов Ербол Канатович', marks: 'P', pre: 39 },
      { name: 'Ахметов Ерлан Болатович', marks: 'P', pre: 64 },
      { name: 'Иванова Ольга Петровна', marks: 'P', pre: 58 },
    ],
  },
  // Kazakhstan: in two weeks, full, two people waiting.
  {
    ...KZ,
    trainers: ['Жумабекова Айгерим Нурлановна'],
    module: 'KZ-DS-01',
    room: 'Аудитория 112',
    when: { weeksAhead: 2, weekday: 3 },
    days: 1,
    capacity: 6,
    requiresApproval: false,
    notes: '',
    participants: [
      { name: 'Калиев Азамат Нурланович' },
      { name: 'Токтаров Ержан Маратович' },
      { name: 'Литвиненко Игорь Павлович' },
      { name: 'Абишева Камила Ерлановна' },
      { name: 'Омаров Ринат Ильясович' },
      { name: 'Рахимов Алмас Бауыржанович' },
      { name: 'Абдрахманова Салтанат Ерболовна' },
      { name: 'Бекмуханов Асхат Жанатович' },
    ],
  },
  // Kazakhstan: in three weeks, open, free seats.
  {
    ...KZ,
    module: 'KZ-PVE-01',
    room: 'Аудитория 204',
    when: { weeksAhead: 3, weekday: 1 },
    days: 2,
    capacity: 20,
    requiresApproval: false,
    notes: '',
    participants: [
      { name: 'Касымова Мадина Руслановна' },
      { name: 'Смагулова Асель Маратовна' },
      { name: 'Жаксылыков Марат Болатұлы' },
      { name: 'Нургалиева Динара Кайратовна' },
    ],
  },
  // Kazakhstan: in five weeks, places on approval; one request waits.
  {
    ...KZ,
    module: 'KZ-PVE-02',
    room: 'Аудитория 204',
    when: { weeksAhead: 5, weekday: 2 },
    days: 2,
    capacity: 15,
    requiresApproval: true,
    notes: 'Зачисление по согласованию с руководством учреждения.',
    participants: [{ name: 'Тулегенов Данияр Серикович' }, { name: 'Оспанова Гульнара Бахытовна' }],
    requests: ['Петренко Андрей Николаевич'],
  },
];
