import type { Logger } from '@wevion/shared';

/**
 * Runs a round of upkeep every `intervalMs`, counted from the end of the previous round, so two
 * rounds never overlap however slow the store is; `stop` waits for the round in flight, so the
 * stores are never closed under it.
 */
export class ReconcilerLoop {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly runRound: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.runRound()
        .catch((err: unknown) => this.logger.error({ err }, 'reconcile failed'))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.intervalMs);
  }
}
