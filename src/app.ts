import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { i18n } from 'i18next';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { linkBaseUrl, type Config } from './config.ts';
import { authRouter } from './auth/auth.routes.ts';
import { accountRouter } from './auth/account.routes.ts';
import { requirePasswordChosen } from './access/guards.ts';
import { configurePassport } from './auth/passport.ts';
import { sessionLifetime } from './auth/session-lifetime.ts';
import type { LoginSessionStore } from './auth/login-session-store.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { catalogueRouter } from './catalogue/catalogue.routes.ts';
import { countriesRouter } from './institutions/countries.routes.ts';
import { curriculaRouter } from './curricula/curricula.routes.ts';
import { healthRouter } from './health/health.routes.ts';
import { homeRouter } from './home/home.routes.ts';
import { csrfProtection } from './http/csrf.ts';
import { databaseGate } from './http/database-gate.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { redactUrl } from './http/logger.ts';
import { flashMiddleware } from './http/flash.ts';
import { saveSessionBeforeRedirect } from './http/save-before-redirect.ts';
import { viewLocals } from './http/view-locals.ts';
import { i18nMiddleware } from './i18n/i18n.middleware.ts';
import { institutionsRouter } from './institutions/institutions.routes.ts';
import { modulesRouter } from './modules/modules.routes.ts';
import { resourcesRouter } from './resources/resources.routes.ts';
import { modulePageRouter } from './resources/module-page.routes.ts';
import { schedulingRouter } from './scheduling/scheduling.routes.ts';
import { calendarRouter } from './calendar/calendar.routes.ts';
import { qualificationsRouter } from './qualifications/qualifications.routes.ts';
import { trainerChainRouter } from './trainer-chain/trainer-chain.routes.ts';
import { enrolmentsRouter } from './enrolments/enrolments.routes.ts';
import { placementDoor } from './enrolments/placement-door.ts';
import { rosterUploadParsing } from './enrolments/roster-upload.ts';
import { noticesRouter, unreadNoticesLocal } from './notices/notices.routes.ts';
import { peopleRouter } from './people/people.routes.ts';
import { resultsRouter } from './results/results.routes.ts';
import { completionFollowUps } from './completions/issuing.service.ts';
import { completionsRouter } from './completions/completions.routes.ts';
import { verifyRouter } from './completions/verify.routes.ts';
import { FORM_BODY_LIMIT, FORM_FIELD_LIMIT, largeForms } from './http/form-limits.ts';
import { assessmentsRouter } from './assessments/assessments.routes.ts';
import { scoresUploadParsing } from './assessments/scores-upload.ts';
import { institutionMembers } from './people/people.service.ts';
import { attendanceRouter } from './attendance/attendance.routes.ts';
import { signInSheetsRouter } from './sign-in-sheets/sheets.routes.ts';
import { certificatesRouter } from './certificates/certificates.routes.ts';
import { transcriptsRouter } from './transcripts/transcripts.routes.ts';
import { missingPrerequisites } from './transcripts/prerequisites.service.ts';
import { withStampsReadOnce } from './db/collection-stamps.ts';
import { reportsRouter } from './reports/reports.routes.ts';
import { workplansRouter } from './reports/workplans.routes.ts';
import { withRequestAddress } from './audit/audit.ts';
import { staffImportRouter } from './people/staff-import.routes.ts';
import { apiRouter } from './api/api.routes.ts';
import type { ApiLimits } from './api/api-auth.ts';
import { apiTokensRouter } from './api/api-tokens.routes.ts';

export type AppDependencies = {
  config: Config;
  logger: Logger;
  i18n: i18n;
  loginSessions: LoginSessionStore;
  sessionSecret: string;
  throttle?: SignInThrottle;
  apiLimits?: ApiLimits;
};

/** Builds the Express app; no listening and no I/O at import, so tests drive it with supertest. */
export function createApp(deps: AppDependencies): Express {
  const { config, logger } = deps;
  const app = express();
  const secureCookies = config.publicUrl?.startsWith('https://') ?? false;

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(config.projectRoot, 'views'));
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customProps: (req) => ({ userId: req.user?.id }),
      serializers: { req: (req: { url: string }) => ({ ...req, url: redactUrl(req.url) }) },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          upgradeInsecureRequests: secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: secureCookies ? { maxAge: 31_536_000 } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use('/public', express.static(path.join(config.projectRoot, 'public'), { maxAge: '1d', index: false }));
  // browsers ask for /favicon.ico whatever the page links: answered, not a 404 on every first load
  app.get('/favicon.ico', (_req, res) => {
    res.sendFile(path.join(config.projectRoot, 'public', 'favicon.ico'), { maxAge: '7d' });
  });
  app.use(healthRouter());
  // tokens, not cookies: before the login sessions and CSRF, with its own errors (problem+json)
  app.use(
    '/api',
    apiRouter({
      i18n: deps.i18n,
      defaultLanguage: config.defaultLanguage,
      logger,
      baseUrl: linkBaseUrl(config) ?? '', // a relative server when no public address is known
      limits: deps.apiLimits,
    }),
  );
  // a placement's turn is taken on arrival, before anything awaits (placement-door.ts)
  app.use(placementDoor());
  app.use(databaseGate); // before the login sessions, which read the database
  app.use((_req, _res, next) => withStampsReadOnce(next)); // copies' stamps: one read a request (decision 0017)

  app.use(largeForms());
  app.use(express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: FORM_FIELD_LIMIT }));
  app.use(express.json({ limit: '100kb' }));
  app.use(
    session({
      name: secureCookies ? '__Host-cadre.sid' : 'cadre.sid',
      secret: deps.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies ? true : 'auto', maxAge: config.sessionIdleMs },
      store: deps.loginSessions,
    }),
  );
  app.use(saveSessionBeforeRedirect);
  const passport = configurePassport(config.passwordHashCost);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(sessionLifetime(config.sessionAbsoluteMs));
  app.use((req, _res, next) => withRequestAddress(req.ip ?? '', next)); // where from, for the audit log
  app.use(i18nMiddleware(deps.i18n, config.defaultLanguage));
  app.use(csrfProtection([rosterUploadParsing, scoresUploadParsing]));
  app.use(flashMiddleware);
  app.use(viewLocals);
  app.use(unreadNoticesLocal);
  app.use(requirePasswordChosen);

  app.use(authRouter({ passport, throttle: deps.throttle ?? new SignInThrottle(), logger }));
  app.use(homeRouter());
  app.use(accountRouter(config));
  app.use(apiTokensRouter());
  // before people and curricula: it leaves the person and curriculum pages their progress panels
  app.use(transcriptsRouter({ config, i18n: deps.i18n }));
  app.use(reportsRouter());
  app.use(workplansRouter());
  app.use(staffImportRouter()); // before /people/:id
  app.use(peopleRouter(config));
  app.use(institutionsRouter(institutionMembers));
  app.use(countriesRouter());
  app.use(modulesRouter());
  app.use(modulePageRouter());
  app.use(catalogueRouter());
  app.use(curriculaRouter());
  app.use(resourcesRouter(config));
  app.use(calendarRouter(config)); // before /sessions/:id: it serves /sessions/calendar
  app.use(assessmentsRouter()); // before /sessions/:id: it leaves the session page's scores panel
  // whether a person completed a module's prerequisites is asked of completion records (decision 0008)
  app.use(schedulingRouter(missingPrerequisites));
  app.use(qualificationsRouter());
  app.use(trainerChainRouter());
  app.use(resultsRouter(completionFollowUps));
  app.use(enrolmentsRouter(missingPrerequisites));
  app.use(noticesRouter());
  app.use(attendanceRouter());
  app.use(signInSheetsRouter({ config, i18n: deps.i18n, secret: deps.sessionSecret }));
  app.use(certificatesRouter({ config, i18n: deps.i18n }));
  app.use(completionsRouter(config));
  app.use(verifyRouter());

  app.use(notFoundHandler);
  app.use(errorHandler(logger, config.env === 'development', deps.i18n, config.defaultLanguage));
  return app;
}
