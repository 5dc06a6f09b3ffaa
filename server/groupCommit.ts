// Group commit: work submitted during one turn of the event loop is handed over as one
// batch (up to `maxBatch`; the rest follow in the next batch), so many commands share
// one durable transaction and one fsync. Order is kept: batches and the jobs in them
// come out in the order they were added.

/** Most commands one group commit takes by default. */
export const MAX_BATCH = 256;

export class GroupCommit<Job> {
  private readonly queue: Job[] = [];
  private scheduled = false;

  constructor(
    private readonly runBatch: (jobs: Job[]) => void,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Queues a job for the batch of this turn of the event loop. */
  add(job: Job): void {
    this.queue.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Jobs queued and not yet handed over. */
  get pending(): number {
    return this.queue.length;
  }

  /** Hands every queued job over now, in batches of at most `maxBatch`. */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) this.runBatch(this.queue.splice(0, this.maxBatch));
  }
}
