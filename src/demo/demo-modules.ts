import type { DeliveryLanguage, DeliveryMode } from '../modules/training-module.model.ts';

// The demo world's training modules (see ./demo-world.ts for the rules): the six modules on
// preventing and combating violent extremism built into the basic training of the Uganda
// Prisons Academy, and the Kazakhstan centre's own course in Russian. Matched by code when
// seeding, so never change a code once published; add new entries instead. A module's
// prerequisites are named by code and must come earlier in the list.

export type DemoModule = {
  code: string;
  /** the owning institution's code; undefined for a national module */
  institutionCode: string | undefined;
  title: string;
  summary: string;
  objectives: string[];
  hours: number;
  deliveryMode: DeliveryMode;
  audience: string;
  prerequisites: string[];
  /** a training of trainers: the codes of the modules its completers may be granted to deliver */
  qualifiesFor?: string[];
  passMark: number | null;
  /** whether participants sit a test before the module and after it (scored 0–100) */
  hasPreTest: boolean;
  hasPostTest: boolean;
  attendanceThreshold: number;
  certificateValidityMonths: number;
  tags: string[];
  languages: DeliveryLanguage[];
};

const uganda = (module: Omit<DemoModule, 'institutionCode' | 'languages' | 'deliveryMode'>): DemoModule => ({
  institutionCode: 'UG-PATS',
  languages: ['en'],
  deliveryMode: 'classroom',
  ...module,
});

const kazakhstan = (module: Omit<DemoModule, 'institutionCode' | 'languages'>): DemoModule => ({
  institutionCode: 'KZ-PSTC',
  languages: ['ru', 'kk'],
  ...module,
});

const ALL_OFFICERS = 'All prison officers; part of the basic training of recruits.';

export const DEMO_MODULES: readonly DemoModule[] = [
  uganda({
    code: 'UG-PVE-01',
    title: 'Understanding Violent Extremism and Radicalisation',
    summary:
      'Introduces prison officers to violent extremism, terrorism and radicalisation: the ideologies and grievances behind them, how people are drawn in, and why a prison can be a place where radicalisation happens or is prevented. Uses Ugandan and regional case studies.',
    objectives: [
      'Define violent extremism, terrorism and radicalisation and explain how they differ.',
      'Describe the push and pull factors that draw people towards violent extremist groups.',
      'Explain how radicalisation can happen in prison, including the role of recruiters and group pressure.',
      'Name the violent extremist groups active in the region and describe how they recruit.',
    ],
    hours: 8,
    audience: ALL_OFFICERS,
    prerequisites: [],
    passMark: 60,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 80,
    certificateValidityMonths: 0,
    tags: ['pve', 'basic-training'],
  }),
  uganda({
    code: 'UG-PVE-02',
    title: 'Human Rights and the Rule of Law in Managing Violent Extremist Prisoners',
    summary:
      'Sets the legal frame for work with violent extremist prisoners: the Constitution, the Prisons Act, the Nelson Mandela Rules and the absolute prohibition of torture. Shows why respect for rights is a security measure, not a concession.',
    objectives: [
      'Apply the Nelson Mandela Rules and the Prisons Act to the treatment of violent extremist prisoners.',
      'Recognise treatment that amounts to torture or ill-treatment, and the duty to report it.',
      'Explain how fair and consistent treatment removes grievances that extremists exploit.',
      'Balance security measures with the rights of prisoners and their families.',
    ],
    hours: 6,
    audience: ALL_OFFICERS,
    prerequisites: ['UG-PVE-01'],
    passMark: 60,
    hasPreTest: false,
    hasPostTest: true,
    attendanceThreshold: 80,
    certificateValidityMonths: 0,
    tags: ['pve', 'basic-training', 'human-rights'],
  }),
  uganda({
    code: 'UG-PVE-03',
    title: 'Dynamic Security and Prison Intelligence',
    summary:
      'How professional relations between staff and prisoners, attentive observation and careful handling of information keep a prison safe. Covers daily interaction, recording what is seen and heard, and the reporting chain.',
    objectives: [
      'Explain dynamic security and how it completes physical and procedural security.',
      'Build professional relationships with prisoners while keeping clear boundaries.',
      'Record security information accurately and pass it on through the prison intelligence chain.',
      'Protect sources and handle sensitive information lawfully.',
    ],
    hours: 8,
    audience: ALL_OFFICERS,
    prerequisites: ['UG-PVE-01'],
    passMark: 60,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 80,
    certificateValidityMonths: 0,
    tags: ['pve', 'basic-training', 'security'],
  }),
  uganda({
    code: 'UG-PVE-04',
    title: 'Recognising Signs of Radicalisation and Assessing Risk',
    summary:
      'Equips officers to notice behaviour that may signal radicalisation or recruitment without profiling anyone by religion or ethnicity, and to contribute to structured risk and needs assessments.',
    objectives: [
      'Recognise behavioural indicators of radicalisation and recruitment in prison.',
      'Tell genuine indicators apart from ordinary religious practice and cultural expression.',
      'Contribute observations to a structured risk and needs assessment.',
      'Refer concerns in time through the correct channels.',
    ],
    hours: 8,
    audience: 'Officers working in wards and units that hold violent extremist prisoners.',
    prerequisites: ['UG-PVE-01', 'UG-PVE-03'],
    passMark: 70,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 90,
    certificateValidityMonths: 24,
    tags: ['pve', 'risk-assessment'],
  }),
  uganda({
    code: 'UG-PVE-05',
    title: 'Classification, Placement and Management of Violent Extremist Prisoners',
    summary:
      'The options for housing violent extremist prisoners (dispersal, concentration, separation) and their risks; daily management, searches, visits and communication; preventing the recruitment and intimidation of other prisoners.',
    objectives: [
      'Compare dispersal, concentration and separation regimes and the risks of each.',
      'Apply classification and placement decisions based on individual risk assessment.',
      'Manage the visits, correspondence and movements of violent extremist prisoners.',
      'Prevent the recruitment and intimidation of other prisoners.',
    ],
    hours: 6,
    audience: 'Officers in charge, their deputies and security officers.',
    prerequisites: ['UG-PVE-02', 'UG-PVE-04'],
    passMark: 70,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 90,
    certificateValidityMonths: 0,
    tags: ['pve', 'security'],
  }),
  uganda({
    code: 'UG-PVE-06',
    title: 'Disengagement, Rehabilitation and Reintegration',
    summary:
      'The interventions that help prisoners leave violent extremism behind: education, vocational skills, religious and psychosocial support, contact with family, and a planned handover to probation and the community at release.',
    objectives: [
      'Describe the stages of disengagement from violent extremism.',
      'Identify the rehabilitation programmes offered by the Uganda Prisons Service and its partners.',
      'Plan a release and reintegration with probation officers, local leaders and families.',
      'Look after their own resilience and wellbeing when working with violent extremist prisoners.',
      'Evaluate the progress of a prisoner on a rehabilitation programme.',
    ],
    hours: 10,
    audience: 'Welfare, rehabilitation and education officers, and officers in charge.',
    prerequisites: ['UG-PVE-04'],
    passMark: 60,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 80,
    certificateValidityMonths: 0,
    tags: ['pve', 'rehabilitation'],
  }),

  kazakhstan({
    code: 'KZ-PVE-01',
    title: 'Профилактика насильственного экстремизма в учреждениях уголовно-исполнительной системы',
    summary:
      'Основы противодействия насильственному экстремизму и терроризму в местах лишения свободы: основные понятия, законодательство Республики Казахстан и международные стандарты обращения с осуждёнными.',
    objectives: [
      'Раскрывать понятия насильственного экстремизма, радикализации и терроризма.',
      'Применять законодательство Республики Казахстан и Правила Нельсона Манделы в работе с осуждёнными.',
      'Объяснять, как в учреждениях происходят вербовка и радикализация.',
      'Соблюдать права человека при обеспечении безопасности и режима.',
    ],
    hours: 16,
    deliveryMode: 'blended',
    audience: 'Сотрудники учреждений уголовно-исполнительной системы всех категорий.',
    prerequisites: [],
    passMark: 60,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 80,
    certificateValidityMonths: 36,
    tags: ['pve'],
  }),
  kazakhstan({
    code: 'KZ-PVE-02',
    title: 'Выявление признаков радикализации и оценка рисков',
    summary:
      'Наблюдение за поведением осуждённых, индикаторы радикализации и вербовки, структурированная оценка рисков и потребностей, порядок информирования руководства.',
    objectives: [
      'Распознавать поведенческие индикаторы радикализации и вербовки.',
      'Отличать признаки радикализации от обычной религиозной практики.',
      'Участвовать в структурированной оценке рисков и потребностей осуждённого.',
      'Своевременно передавать информацию по установленным каналам.',
    ],
    hours: 12,
    deliveryMode: 'classroom',
    audience: 'Сотрудники отделов безопасности, режима и воспитательной работы.',
    prerequisites: ['KZ-PVE-01'],
    passMark: 70,
    hasPreTest: true,
    hasPostTest: true,
    attendanceThreshold: 90,
    certificateValidityMonths: 36,
    tags: ['pve', 'risk-assessment'],
  }),
  kazakhstan({
    code: 'KZ-DS-01',
    title: 'Динамическая безопасность и профессиональное общение с осуждёнными',
    summary:
      'Принципы динамической безопасности, построение профессиональных отношений с осуждёнными, предупреждение конфликтов и противодействие манипуляциям.',
    objectives: [
      'Объяснять принципы динамической безопасности.',
      'Выстраивать профессиональные отношения с осуждёнными, соблюдая границы.',
      'Распознавать попытки манипуляции и противостоять им.',
    ],
    hours: 8,
    deliveryMode: 'classroom',
    audience: 'Младший начальствующий состав отделов безопасности и режима.',
    prerequisites: [],
    passMark: null,
    hasPreTest: false,
    hasPostTest: false,
    attendanceThreshold: 100,
    certificateValidityMonths: 0,
    tags: ['security'],
  }),
  uganda({
    code: 'UG-TOT-01',
    title: 'Training of Trainers: Delivering the PVE Modules',
    summary:
      'Prepares experienced officers to deliver the academy’s modules on preventing violent extremism: adult learning, facilitating discussion of sensitive cases, running the pre- and post-tests, and keeping the attendance and results that certificates rest on.',
    objectives: [
      'Plan and deliver a PVE module session using participatory methods.',
      'Facilitate discussion of sensitive cases safely and without bias.',
      'Run the assessments and record attendance and results accurately.',
    ],
    hours: 24,
    audience: 'Instructors of the academy and senior officers nominated to train others.',
    prerequisites: [],
    qualifiesFor: ['UG-PVE-01', 'UG-PVE-02'],
    passMark: 70,
    hasPreTest: false,
    hasPostTest: true,
    attendanceThreshold: 100,
    certificateValidityMonths: 0,
    tags: ['tot'],
  }),
];
