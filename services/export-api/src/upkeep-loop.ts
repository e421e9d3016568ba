import type { Logger } from '@wevion/shared';

/**
 * Runs a round of upkeep (the reconciler, the schedules) every `intervalMs`, counted from the
 * end of the previous round, so two rounds never overlap however slow the store is; `stop`
 * waits for the round in flight, so the stores are never closed under it. With `jitter` (0-1),
 * each wait is shortened by up to that fraction at random, so tasks started together drift
 * apart instead of querying the store in step.
 */
export class UpkeepLoop {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly runRound: () => Promise<void>,
    private readonly logger: Logger,
    private readonly options: { jitter?: number; name?: string } = {},
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
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.round = this.runRound()
          .catch((err: unknown) =>
            this.logger.error({ err }, `${this.options.name ?? 'upkeep round'} failed`),
          )
          .finally(() => {
            if (!this.stopped) this.schedule();
          });
      },
      this.intervalMs * (1 - (this.options.jitter ?? 0) * Math.random()),
    );
  }
}
