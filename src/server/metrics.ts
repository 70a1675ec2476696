/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with labels. Enough
 * for /metrics without another dependency; names follow Prometheus conventions (`_total`, `_seconds`, `_bytes`).
 */
type Labels = Readonly<Record<string, string>>;

const key = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] as string)}"`)
    .join(",");

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function number(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "+Inf";
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(x);
}

function withLabels(name: string, labelText: string): string {
  return labelText === "" ? name : `${name}{${labelText}}`;
}

interface Metric {
  readonly name: string;
  readonly help: string;
  render(): string[];
}

export class Counter implements Metric {
  readonly #values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }
  value(labels: Labels = {}): number {
    return this.#values.get(key(labels)) ?? 0;
  }
  render(): string[] {
    return [
      `# TYPE ${this.name} counter`,
      ...[...this.#values].map(([l, v]) => `${withLabels(this.name, l)} ${number(v)}`),
    ];
  }
}

export class Gauge implements Metric {
  readonly #values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    /** Read at scrape time (process memory, feed lag): the gauge's values are set from it before rendering. */
    readonly collect?: (gauge: Gauge) => void,
  ) {}
  set(labels: Labels, value: number): void {
    this.#values.set(key(labels), value);
  }
  value(labels: Labels = {}): number | undefined {
    return this.#values.get(key(labels));
  }
  render(): string[] {
    this.collect?.(this);
    return [
      `# TYPE ${this.name} gauge`,
      ...[...this.#values].map(([l, v]) => `${withLabels(this.name, l)} ${number(v)}`),
    ];
  }
}

export class Histogram implements Metric {
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, ascending; +Inf is implied. */
    readonly buckets: readonly number[],
  ) {
    for (let i = 1; i < buckets.length; i++)
      if ((buckets[i] as number) <= (buckets[i - 1] as number)) throw new RangeError(`${name}: buckets must ascend`);
  }
  observe(value: number, labels: Labels = {}): void {
    const k = key(labels);
    let s = this.#series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] as number) + 1;
    s.sum += value;
    s.count++;
  }
  count(labels: Labels = {}): number {
    return this.#series.get(key(labels))?.count ?? 0;
  }
  render(): string[] {
    const lines = [`# TYPE ${this.name} histogram`];
    for (const [l, s] of this.#series) {
      const prefix = l === "" ? "" : `${l},`;
      this.buckets.forEach((b, i) => {
        lines.push(`${this.name}_bucket{${prefix}le="${number(b)}"} ${s.counts[i]}`);
      });
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${s.count}`);
      lines.push(`${withLabels(`${this.name}_sum`, l)} ${number(s.sum)}`);
      lines.push(`${withLabels(`${this.name}_count`, l)} ${s.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  #add<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.name)) throw new Error(`${metric.name} is not a Prometheus name`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }
  gauge(name: string, help: string, collect?: (gauge: Gauge) => void): Gauge {
    return this.#add(new Gauge(name, help, collect));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** The exposition text; every metric gets its HELP and TYPE line, even before it has a sample. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.#metrics.values()) {
      lines.push(`# HELP ${metric.name} ${metric.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
      lines.push(...metric.render());
    }
    return `${lines.join("\n")}\n`;
  }
}
