import type { Role } from '../access/actor.ts';
import type { Language } from '../i18n/i18n.ts';
import type { InstitutionType } from '../institutions/institution.model.ts';
import type { Gender } from '../people/person.model.ts';

// The demo world of `npm run seed:demo`: fixed data, no randomness, so every run describes the
// same world and a rerun finds everything already there. Records are matched by country code,
// institution code, and e-mail or service number, so never change those keys once published;
// add new entries instead. Everything with an e-mail signs in with DEMO_PASSWORD.
// Names, ranks and service numbers are invented; any likeness to real officers is chance.

export type DemoCountry = { code: string; name: string; timeZone: string };

export type DemoInstitution = {
  code: string;
  name: string;
  type: InstitutionType;
  countryCode: string;
  city: string;
  timeZone: string;
  /** the language of its staff */
  language: Language;
  /** who signs its certificates */
  signatories?: readonly { name: string; role: string }[];
};

export type DemoPerson = {
  /** undefined only for the administrator, who belongs to no institution */
  institutionCode: string | undefined;
  fullName: string;
  gender: Gender;
  rank: string | undefined;
  /** unique within the institution's country */
  serviceNumber: string | undefined;
  /** without one the person is on record but cannot sign in */
  email: string | undefined;
  roles: Role[];
  /** the language they read; the institution's when not given */
  language?: Language;
};

export const DEMO_COUNTRIES: readonly DemoCountry[] = [
  { code: 'KZ', name: 'Kazakhstan', timeZone: 'Asia/Almaty' },
  { code: 'UG', name: 'Uganda', timeZone: 'Africa/Kampala' },
];

export const DEMO_INSTITUTIONS: readonly DemoInstitution[] = [
  {
    code: 'KZ-PSTC',
    name: 'Prison Staff Training Centre',
    type: 'training_centre',
    countryCode: 'KZ',
    city: 'Almaty',
    timeZone: 'Asia/Almaty',
    language: 'ru',
    signatories: [
      { name: 'полковник А. Серикбаев', role: 'Начальник Учебного центра' },
      { name: 'майор Д. Оспанова', role: 'Начальник учебного отдела' },
    ],
  },
  {
    code: 'KZ-PC12',
    name: 'Medium-Security Penal Colony No. 12',
    type: 'prison',
    countryCode: 'KZ',
    city: 'Qonaev',
    timeZone: 'Asia/Almaty',
    language: 'ru',
  },
  {
    code: 'UG-PATS',
    name: 'Uganda Prisons Academy and Training School',
    type: 'academy',
    countryCode: 'UG',
    city: 'Luzira, Kampala',
    timeZone: 'Africa/Kampala',
    language: 'en',
    signatories: [
      { name: 'ACP Grace Atim', role: 'Commandant, Uganda Prisons Academy and Training School' },
      { name: 'ASP Moses Okello', role: 'Head of Training' },
    ],
  },
  {
    code: 'UG-LUP',
    name: 'Luzira Upper Prison',
    type: 'prison',
    countryCode: 'UG',
    city: 'Luzira, Kampala',
    timeZone: 'Africa/Kampala',
    language: 'en',
  },
];

/** The accounts to show people trying the demo, with what each of them is for. */
export const DEMO_ACCOUNTS: readonly { email: string; description: string }[] = [
  { email: 'admin@demo.test', description: 'administrator, every institution' },
  { email: 'coordinator@demo.test', description: 'coordinator, Uganda Prisons Academy and Training School' },
  { email: 'trainer@demo.test', description: 'trainer, Uganda Prisons Academy and Training School' },
  { email: 'staff@demo.test', description: 'staff member, Luzira Upper Prison' },
  { email: 'coordinator.kz@demo.test', description: 'coordinator, Prison Staff Training Centre (Russian)' },
  { email: 'trainer.kz@demo.test', description: 'trainer, Prison Staff Training Centre (Russian)' },
  { email: 'staff.kz@demo.test', description: 'staff member, Penal Colony No. 12 (Russian)' },
  { email: 'staff.ar@demo.test', description: 'exchange officer at the Uganda academy (Arabic)' },
];

type PersonOptions = { email?: string; roles?: Role[] };

/** One member of an institution's staff: service number, name, gender, rank, and optionally e-mail and roles. */
function member(
  institutionCode: string,
): (serviceNumber: string, fullName: string, gender: Gender, rank: string, options?: PersonOptions) => DemoPerson {
  return (serviceNumber, fullName, gender, rank, options = {}) => ({
    institutionCode,
    fullName,
    gender,
    rank,
    serviceNumber,
    email: options.email,
    roles: options.roles ?? ['staff'],
  });
}

const pstc = member('KZ-PSTC');
const colony = member('KZ-PC12');
const pats = member('UG-PATS');
const luzira = member('UG-LUP');

const coordinator: Role[] = ['coordinator'];
const trainer: Role[] = ['trainer'];

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    institutionCode: undefined,
    fullName: 'Demo Administrator',
    gender: 'undisclosed',
    rank: undefined,
    serviceNumber: undefined,
    email: 'admin@demo.test',
    roles: ['admin'],
  },

  // Prison Staff Training Centre, Almaty: instructors and methodologists, most with an e-mail.
  // Names surname first, as on Kazakh staff lists; Kazakh and Russian names, in Cyrillic.
  pstc('104117', 'Сейткалиева Айгуль Маратовна', 'female', 'подполковник', {
    email: 'coordinator.kz@demo.test',
    roles: coordinator,
  }),
  pstc('104952', 'Ким Виктор Алексеевич', 'male', 'майор', { email: 'trainer.kz@demo.test', roles: trainer }),
  pstc('105388', 'Жумабекова Айгерим Нурлановна', 'female', 'капитан', {
    email: 'a.zhumabekova@demo.test',
    roles: trainer,
  }),
  pstc('098120', 'Ахметов Ерлан Болатович', 'male', 'полковник', { email: 'e.akhmetov@demo.test' }),
  pstc('102064', 'Иванова Ольга Петровна', 'female', 'майор', { email: 'o.ivanova@demo.test' }),
  pstc('103517', 'Тулегенов Данияр Серикович', 'male', 'капитан', { email: 'd.tulegenov@demo.test' }),
  pstc('106230', 'Абдрахманова Салтанат Ерболовна', 'female', 'старший лейтенант'),
  pstc('106871', 'Петренко Андрей Николаевич', 'male', 'старший лейтенант', { email: 'a.petrenko@demo.test' }),
  pstc('107015', 'Нургалиева Динара Кайратовна', 'female', 'гражданский служащий'),
  pstc('107342', 'Бекмуханов Асхат Жанатович', 'male', 'лейтенант'),
  pstc('103981', 'Оспанова Гульнара Бахытовна', 'female', 'капитан', { email: 'g.ospanova@demo.test' }),
  pstc('101776', 'Соколов Дмитрий Игоревич', 'male', 'майор'),
  pstc('107809', 'Ермекова Жанар Асылбековна', 'female', 'лейтенант'),
  pstc('105543', 'Каримов Руслан Тимурович', 'undisclosed', 'капитан'),

  // Medium-Security Penal Colony No. 12: officers and sergeants, few with an e-mail.
  colony('201004', 'Мусин Болат Кайратович', 'male', 'подполковник', { email: 'b.musin@demo.test' }),
  colony('203318', 'Касымова Мадина Руслановна', 'female', 'старший лейтенант', { email: 'staff.kz@demo.test' }),
  colony('202275', 'Орлов Сергей Викторович', 'male', 'майор', { email: 's.orlov@demo.test' }),
  colony('204410', 'Калиев Азамат Нурланович', 'male', 'сержант'),
  colony('204126', 'Токтаров Ержан Маратович', 'male', 'старший сержант'),
  colony('205031', 'Байжанова Айжан Серікқызы', 'female', 'сержант'),
  colony('203702', 'Литвиненко Игорь Павлович', 'male', 'старшина'),
  colony('203955', 'Жаксылыков Марат Болатұлы', 'male', 'лейтенант'),
  colony('205388', 'Абишева Камила Ерлановна', 'female', 'младший сержант'),
  colony('205412', 'Ибраев Тимур Асқарұлы', 'male', 'младший сержант'),
  colony('202890', 'Ким Елена Сергеевна', 'female', 'капитан', { email: 'e.kim@demo.test' }),
  colony('204667', 'Омаров Ринат Ильясович', 'male', 'сержант'),
  colony('204093', 'Смагулова Асель Маратовна', 'female', 'лейтенант'),
  colony('203541', 'Шевченко Николай Андреевич', 'male', 'старший сержант'),
  colony('204872', 'Досанов Ербол Канатович', 'undisclosed', 'сержант'),
  colony('205760', 'Рахимов Алмас Бауыржанович', 'male', 'рядовой'),

  // Uganda Prisons Academy and Training School, Luzira: commandant, instructors, support staff.
  pats('UPS/04127', 'Grace Namukasa', 'female', 'Superintendent of Prisons', {
    email: 'coordinator@demo.test',
    roles: coordinator,
  }),
  pats('UPS/05233', 'Moses Okello', 'male', 'Assistant Superintendent of Prisons', {
    email: 'trainer@demo.test',
    roles: trainer,
  }),
  pats('UPS/06518', 'Sarah Nakato', 'female', 'Chief Principal Officer', {
    email: 's.nakato@demo.test',
    roles: trainer,
  }),
  pats('UPS/02086', 'Patrick Mugisha', 'male', 'Senior Superintendent of Prisons', { email: 'p.mugisha@demo.test' }),
  pats('UPS/05790', 'Esther Akello', 'female', 'Assistant Superintendent of Prisons', { email: 'e.akello@demo.test' }),
  pats('UPS/07342', 'Ronald Kato', 'male', 'Principal Officer I', { email: 'r.kato@demo.test' }),
  pats('UPS/08815', 'Agnes Nansubuga', 'female', 'Principal Officer II'),
  pats('UPS/08127', 'Isaac Tumwine', 'male', 'Principal Officer II', { email: 'i.tumwine@demo.test' }),
  pats('UPS/11406', 'Brenda Atim', 'female', 'Sergeant'),
  pats('UPS/06904', 'Henry Byaruhanga', 'male', 'Chief Principal Officer'),
  pats('UPS/12583', 'Joan Auma', 'female', 'Corporal'),
  pats('UPS/10975', 'Samuel Wasswa', 'male', 'Sergeant'),
  pats('UPS/12210', 'Emmanuel Opio', 'male', 'Corporal'),
  pats('UPS/13364', 'Kiiza Tumwesigye', 'undisclosed', 'Warder'),

  // Luzira Upper Prison: officers in charge, warders and wardresses, few with an e-mail.
  luzira('UPS/03158', 'Geoffrey Odongo', 'male', 'Superintendent of Prisons', { email: 'g.odongo@demo.test' }),
  luzira('UPS/07764', 'Harriet Nakabugo', 'female', 'Principal Officer I', { email: 'staff@demo.test' }),
  luzira('UPS/06631', 'Fred Kasozi', 'male', 'Chief Principal Officer', { email: 'f.kasozi@demo.test' }),
  luzira('UPS/05412', 'Florence Achieng', 'female', 'Assistant Superintendent of Prisons', {
    email: 'f.achieng@demo.test',
  }),
  luzira('UPS/11087', 'Denis Mwesigwa', 'male', 'Sergeant'),
  luzira('UPS/14215', 'Juliet Namubiru', 'female', 'Wardress'),
  luzira('UPS/14530', 'Richard Okot', 'male', 'Warder'),
  luzira('UPS/12976', 'Annet Nalwoga', 'female', 'Corporal'),
  luzira('UPS/14802', 'Simon Lubega', 'male', 'Warder'),
  luzira('UPS/15119', 'Prossy Nanyonga', 'female', 'Wardress'),
  luzira('UPS/13048', 'Robert Ouma', 'male', 'Corporal'),
  luzira('UPS/11653', 'Lillian Apio', 'female', 'Sergeant'),
  luzira('UPS/15344', 'Ivan Ssemwogerere', 'male', 'Warder'),
  luzira('UPS/15587', 'Doreen Nabirye', 'female', 'Wardress'),
  luzira('UPS/09421', 'Charles Oryem', 'male', 'Principal Officer II'),
  luzira('UPS/15902', 'Jordan Kyomuhendo', 'undisclosed', 'Warder'),

  // Guest officers at the Uganda academy on a regional staff exchange: names in Arabic script,
  // as on their own service's lists, and Arabic as the language they read. Service numbers are
  // the exchange's, unique in Uganda like every other.
  { ...pats('EXCH/SD/0417', 'عبد الرحمن محمد أحمد', 'male', 'نقيب'), language: 'ar' },
  {
    ...pats('EXCH/SD/0522', 'فاطمة عثمان إبراهيم', 'female', 'ملازم أول', { email: 'staff.ar@demo.test' }),
    language: 'ar',
  },
  { ...pats('EXCH/SD/0389', 'ياسر الطيب حسن', 'male', 'رائد'), language: 'ar' },
];

// The training modules (Uganda's six PVE modules and the Kazakhstan centre's course in Russian)
// are declared in ./demo-modules.ts, and seeded by seedModules() in ./seed.ts.
export { DEMO_MODULES, type DemoModule } from './demo-modules.ts';
