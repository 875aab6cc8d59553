export interface EmulatorOptions {
  /** Interface to bind; 127.0.0.1 unless said otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Accepted credentials. Without any, every app code and secret is accepted (the `--local` default). */
  apps?: Record<string, string>;
  /** Maximum hosts of one job that run at the same time. */
  parallelism?: number;
}

export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

export interface HostRun {
  ip: string;
  bk_cloud_id: number;
  status: number;
  exitCode: number;
  errorCode: number;
  log: string;
  startTime?: Date;
  endTime?: Date;
  tag: string;
}

export interface Job {
  id: number;
  stepInstanceId: number;
  bizId: number;
  name: string;
  status: number;
  createTime: Date;
  startTime?: Date;
  endTime?: Date;
  hosts: HostRun[];
  request: Record<string, unknown>;
}
