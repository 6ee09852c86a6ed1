import { pino, type Logger, type DestinationStream } from 'pino';

// Structured logs; secrets never reach them (a test checks it). Bodies are not logged.
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  // a form on a secret-link page (password reset) posts back with that link as its Referer
  'req.headers.referer',
  // upload forms carry the CSRF token in the query string, which is logged parsed as well as in the url
  'req.query._csrf',
  // an API token sent in the URL by mistake (the API refuses it there, but the request is logged)
  'req.query.access_token',
  'res.headers["set-cookie"]',
  'password',
  'newPassword',
  'currentPassword',
  '*.password',
  'token',
  '*.token',
];

export function createLogger(level: string, pretty: boolean, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  if (pretty)
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } });
  return pino(options);
}

/**
 * Secret tokens travel in some URLs (reset links, calendar feeds, upload forms' CSRF token, an
 * API token put in the URL by mistake): mask them in logs.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/\/(reset-password|feeds)\/[^/?#]+/g, '/$1/[redacted]')
    .replace(/([?&](?:_csrf|access_token)=)[^&#]*/g, '$1[redacted]');
}
