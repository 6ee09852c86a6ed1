import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitForPort } from './ports.ts';

// A child server (PostgreSQL, FerretDB) that Cadre starts, watches and stops. When it dies
// while Cadre runs, it is started again on the same port, so clients reconnect by themselves,
// after a back-off that doubles from 0.5 s up to 30 s and starts over once it stayed up a minute.

export type LogLevel = 'info' | 'warn' | 'error';
export type SupervisorLog = (level: LogLevel, message: string) => void;

export type ProcessSpec = {
  /** for the log: "PostgreSQL", "FerretDB" */
  name: string;
  command: string;
  args: string[];
  port: number;
  spawnOptions?: Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'>;
  /** PostgreSQL: SIGINT (fast shutdown); FerretDB: SIGTERM */
  stopSignal: NodeJS.Signals;
  /** a line the server writes once it accepts work; without one, an open port is enough */
  readyLine?: RegExp;
  log: SupervisorLog;
  /** told when the server stops answering and when it answers again */
  onDown?: () => void;
  onUp?: () => void;
};

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const TAIL_LINES = 15;
const SIGNAL_GRACE_MS = 250;

export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private tail: string[] = [];
  private stopping = false;
  private restarts = 0;
  private upSince = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly killOnExit = () => this.child?.kill(this.spec.stopSignal);

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** The last lines the server wrote to stderr, for error messages. */
  stderrTail(): string {
    return this.tail.join('\n');
  }

  /** Starts the server and waits until it is ready; throws with its last words if it is not. */
  async start(): Promise<void> {
    process.on('exit', this.killOnExit);
    try {
      await this.spawnAndWait();
    } catch (error) {
      process.off('exit', this.killOnExit);
      throw error;
    }
  }

  /** From now on an exit is expected, not restarted: Cadre is stopping (a Ctrl-C may reach the server first). */
  expectExit(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
  }

  /** Stops the server with its stop signal and waits for it to exit (SIGKILL after 30 s). */
  async stop(): Promise<void> {
    this.expectExit();
    process.off('exit', this.killOnExit);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(this.spec.stopSignal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private async spawnAndWait(): Promise<void> {
    const { spec } = this;
    this.tail = [];
    let ready = !spec.readyLine;
    // in Cadre's process group: a Ctrl-C in the terminal stops the servers too, even when Cadre
    // itself is killed before it can stop them (tsx kills a child that is slow to answer a signal)
    const child = spawn(spec.command, spec.args, { ...spec.spawnOptions, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        this.tail = [...this.tail.slice(-(TAIL_LINES - 1)), line];
        if (spec.readyLine?.test(line)) ready = true;
      }
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    const failed = () => child.exitCode !== null || child.signalCode !== null;
    try {
      await waitForPort(spec.port, START_TIMEOUT_MS, failed);
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!ready && !failed() && Date.now() < deadline) await sleep(50);
      if (!ready) throw new Error(failed() ? 'it exited' : 'it did not report ready');
    } catch (error) {
      if (!failed()) child.kill('SIGKILL');
      await this.exited;
      throw new Error(
        `${spec.name} did not start (${(error as Error).message}). Its last lines:\n${this.stderrTail() || '(none)'}`,
        { cause: error },
      );
    }
    this.upSince = Date.now();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // an exit during start-up is the start's failure, reported by spawnAndWait
    if (this.stopping || child !== this.child || this.upSince === 0) return;
    const { spec } = this;
    this.upSince = 0;
    spec.onDown?.();
    // a Ctrl-C reaches the server and Cadre at the same moment: give Cadre's own stop a moment
    // to begin before calling this a death
    setTimeout(() => {
      if (!this.stopping) this.onDeath(child, code, signal);
    }, SIGNAL_GRACE_MS);
  }

  private onDeath(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const { spec } = this;
    spec.log(
      'error',
      `${spec.name} (pid ${child.pid}) died unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}). Its last lines:\n${this.stderrTail() || '(none)'}`,
    );
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = Math.min(FIRST_DELAY_MS * 2 ** this.restarts, MAX_DELAY_MS);
    this.restarts += 1;
    this.spec.log('warn', `${this.spec.name}: restarting on port ${this.spec.port} in ${delay} ms`);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.spawnAndWait();
    } catch (error) {
      if (this.stopping) return;
      this.spec.log('error', (error as Error).message);
      this.scheduleRestart();
      return;
    }
    if (this.stopping) return;
    this.spec.log('info', `${this.spec.name} is back up on 127.0.0.1:${this.spec.port} (pid ${this.child?.pid})`);
    this.spec.onUp?.();
    // the back-off starts over once the server has stayed up a minute
    const upSince = this.upSince;
    setTimeout(() => {
      if (this.upSince === upSince) this.restarts = 0;
    }, STABLE_AFTER_MS).unref();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
