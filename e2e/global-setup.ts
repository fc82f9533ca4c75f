import type { FullConfig } from "@playwright/test";
import { startSmtpSink } from "./smtp-sink";

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  return startSmtpSink(Number(config.metadata.smtpPort));
}
